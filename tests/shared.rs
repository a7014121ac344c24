//! Checks on the real samples in `../shared` (never installed or run: only scanned). Skipped,
//! with a message, when `../shared` is absent, as on a machine without the evaluation corpus.

use crate::support::{engine, repo};
use ferret_report::Verdict;

#[test]
fn malicious_dev_sample_is_caught() {
    let dir = repo().join("../shared/corpus/malicious-dev");
    if !dir.is_dir() {
        eprintln!("skipped: ../shared/corpus/malicious-dev absent");
        return;
    }
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    names.sort();
    // A fixed, spread sample: every 50th file.
    let sample: Vec<_> = names.iter().step_by(50).collect();
    let caught = sample
        .iter()
        .filter(|p| engine().scan_path(p).verdict >= Verdict::Suspicious)
        .count();
    eprintln!(
        "malicious-dev sample: {caught}/{} at least suspicious",
        sample.len()
    );
    assert!(
        caught * 100 >= sample.len() * 80,
        "recall on the sample fell to {caught}/{}",
        sample.len()
    );
}
