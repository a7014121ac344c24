//! Whole-package scan: archive → facts → rules → verdict, with the built-in rules.
//!
//! Invariant beyond "no panic": a package with any member ferret could not fully read is never
//! reported `clean`.
#![no_main]

use ferret_engine::{Engine, Options};
use ferret_report::Verdict;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use std::time::Instant;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        Engine::new(
            ferret_rules::load_builtin().expect("built-in rules load"),
            Options::default(),
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let e = engine();
    let archive = ferret_archive::read_bytes(data, "fuzz-1.0.tar.gz", &e.options.limits);
    let incomplete = archive.issues.iter().any(|i| i.incomplete);
    let r = e.scan_archive(archive, "fuzz", "fuzz-1.0.tar.gz", Instant::now());
    if incomplete {
        assert_ne!(r.verdict, Verdict::Clean, "incomplete read reported clean");
    }
    if !r.errors.is_empty() {
        assert_ne!(
            r.verdict,
            Verdict::Clean,
            "unreadable package reported clean"
        );
    }
});
