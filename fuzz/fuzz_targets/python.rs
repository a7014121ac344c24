//! Python source → facts: PEP 263 decoding, parsing, name resolution, folding, static decoding.
//!
//! The first byte picks the file's role (setup.py, module, .pth, script); the rest is the file.
#![no_main]

use ferret_python::{analyze, FileRole, Options};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn flows() -> &'static ferret_python::FlowConfig {
    static F: OnceLock<ferret_rules::RuleSet> = OnceLock::new();
    &F.get_or_init(|| ferret_rules::load_builtin().expect("built-in rules load"))
        .flows
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, src)) = data.split_first() else {
        return;
    };
    let role = match sel % 4 {
        0 => FileRole::SetupScript,
        1 => FileRole::Module,
        2 => FileRole::Pth,
        _ => FileRole::Script,
    };
    let facts = analyze(src, role, flows(), &Options::default());
    let len = facts.text.len() as u32;
    for f in &facts.facts {
        assert!(f.start <= f.end, "fact range {}..{}", f.start, f.end);
        // Facts from decoded payloads carry the blob's range, which is in the file too.
        assert!(f.end <= len, "fact end {} past text of {len} bytes", f.end);
        assert!((f.ctx as usize) < facts.contexts.len().max(1));
        if let Some(p) = f.payload {
            assert!((p as usize) < facts.payloads.len());
        }
    }
});
