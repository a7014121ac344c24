// Example YARA rules for ferret. Copy this file into a rules directory and scan with
// `ferret scan --rules DIR PACKAGE`; each rule reports as `yara:<rule name>`. ferret runs a
// YARA-compatible subset without modules (see "YARA rules" in rules/README.md). This file is
// not a built-in rule: tests/rules.rs checks that it loads and fires.

rule discord_webhook_exfil : exfiltration discord
{
    meta:
        description = "Discord webhook URL, a common exfiltration channel"
        severity = "high"
        confidence = "medium"
        category = "exfiltration"
        reference = "https://attack.mitre.org/techniques/T1567/"
    strings:
        $hook = /discord(app)?\.com\/api\/webhooks\/[0-9]{17,20}\/[A-Za-z0-9_\-]{20,100}/
    condition:
        $hook
}

rule exec_of_base64 : obfuscation
{
    meta:
        description = "exec() of a base64 payload, in clear or itself base64-encoded"
        severity = "high"
        confidence = "medium"
        category = "obfuscation"
    strings:
        $clear = /exec\s*\(\s*(base64\.)?b64decode\s*\(/
        $hidden = "exec(base64.b64decode(" base64
    condition:
        any of them
}

// Private rules are never reported; other rules name them in conditions.
private rule shell_script
{
    condition:
        uint16(0) == 0x2123    // "#!"
}

rule curl_pipe_shell : download
{
    meta:
        description = "a script that downloads code and pipes it into a shell"
        severity = "high"
        confidence = "high"
        category = "download-exec"
    strings:
        $pipe = /(curl|wget)[^\n|]{1,200}\|\s*(ba)?sh\b/
        $url = { 68 74 74 70 [0-1] 3A 2F 2F }    // "http" + at most one byte + "://"
    condition:
        shell_script and $pipe and #url >= 1 and filesize < 1MB
}
