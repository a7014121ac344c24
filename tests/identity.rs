//! Package identity (issue #5): a look-alike of a popular name is flagged, the popular name is not.

use crate::support::{engine, gzip, tar};
use ferret_report::Verdict;

fn sdist(name: &str) -> Vec<u8> {
    let pkg_info = format!("Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n");
    gzip(&tar(&[
        (format!("{name}-1.0/PKG-INFO"), pkg_info.into_bytes()),
        (
            format!("{name}-1.0/setup.py"),
            b"from setuptools import setup\nsetup()\n".to_vec(),
        ),
    ]))
}

#[test]
fn typosquat_names_are_flagged() {
    for (name, imitates) in [
        ("colourama", "colorama"),
        ("reqeusts", "requests"),
        ("dateutil-python", "python-dateutil"),
        ("rnatplotlib", "matplotlib"),
    ] {
        let file = format!("{name}-1.0.tar.gz");
        let r = engine().scan_bytes(&sdist(name), &file, &file);
        let f = r
            .findings
            .iter()
            .find(|f| f.rule == "typosquat-name")
            .unwrap_or_else(|| panic!("{name} not flagged"));
        assert!(
            f.message.contains(&format!("`{imitates}`")),
            "{name}: {}",
            f.message
        );
        assert_eq!(r.verdict, Verdict::Suspicious, "{name}");
    }
}

#[test]
fn popular_names_are_not() {
    for name in [
        "requests",
        "colorama",
        "python-dateutil",
        "matplotlib",
        "boto3",
    ] {
        let file = format!("{name}-1.0.tar.gz");
        let r = engine().scan_bytes(&sdist(name), &file, &file);
        assert!(
            !r.findings.iter().any(|f| f.rule == "typosquat-name"),
            "{name} flagged"
        );
        assert_eq!(r.verdict, Verdict::Clean, "{name}");
    }
}
