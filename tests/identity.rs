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

// ---- Metadata, starjacking and integrity (each rule's generated fixtures) ----

use crate::support::zip;
use sha2::{Digest, Sha256};

fn rules_of(r: &ferret_report::PackageReport) -> Vec<&str> {
    let mut ids: Vec<&str> = r.findings.iter().map(|f| f.rule.as_str()).collect();
    ids.dedup();
    ids
}

const GOOD_PKG_INFO: &str = "Metadata-Version: 2.1\nName: tidy-widgets\nVersion: 1.2.0\nSummary: Widgets that tidy themselves\nHome-page: https://github.com/tidy/tidy-widgets\nAuthor: Jane Doe\nAuthor-email: jane@example.invalid\nRequires-Dist: requests (>=2)\n\nA longer description of tidy widgets.\n";
const GOOD_SETUP: &str =
    "from setuptools import setup\nsetup(name='tidy-widgets', version='1.2.0')\n";

/// An sdist `tidy-widgets-1.2.0.tar.gz` with the given PKG-INFO and extra files.
fn sdist_with(pkg_info: &str, extra: &[(&str, &str)]) -> ferret_report::PackageReport {
    let mut files = vec![
        (
            "tidy-widgets-1.2.0/PKG-INFO".to_string(),
            pkg_info.as_bytes().to_vec(),
        ),
        (
            "tidy-widgets-1.2.0/tidy_widgets/__init__.py".to_string(),
            b"def tidy():\n    return 1\n".to_vec(),
        ),
    ];
    if !extra.iter().any(|(p, _)| *p == "setup.py") {
        files.push(("tidy-widgets-1.2.0/setup.py".into(), GOOD_SETUP.into()));
    }
    for (p, d) in extra {
        files.push((format!("tidy-widgets-1.2.0/{p}"), d.as_bytes().to_vec()));
    }
    let name = "tidy-widgets-1.2.0.tar.gz";
    engine().scan_bytes(&gzip(&tar(&files)), name, name)
}

fn record_line(path: &str, data: &[u8]) -> String {
    let digest = Sha256::digest(data);
    let b64 = base64_urlsafe_nopad(&digest);
    format!("{path},sha256={b64},{}\n", data.len())
}

fn base64_urlsafe_nopad(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for c in bytes.chunks(3) {
        let n = c
            .iter()
            .enumerate()
            .fold(0u32, |a, (i, &b)| a | (b as u32) << (16 - 8 * i));
        for i in 0..=c.len() {
            out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// A wheel of `files` with an honest RECORD, then `tamper` applied to the member list.
fn wheel_with(
    files: &[(&str, &[u8])],
    tamper: impl FnOnce(&mut Vec<(String, Vec<u8>)>),
) -> ferret_report::PackageReport {
    let mut members: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(p, d)| (p.to_string(), d.to_vec()))
        .collect();
    let mut record: String = files.iter().map(|(p, d)| record_line(p, d)).collect();
    record.push_str("tidy_widgets-1.2.0.dist-info/RECORD,,\n");
    members.push((
        "tidy_widgets-1.2.0.dist-info/RECORD".into(),
        record.into_bytes(),
    ));
    tamper(&mut members);
    let name = "tidy_widgets-1.2.0-py3-none-any.whl";
    engine().scan_bytes(&zip(&members), name, name)
}

const WHEEL: &[(&str, &[u8])] = &[
    ("tidy_widgets/__init__.py", b"def tidy():\n    return 1\n"),
    (
        "tidy_widgets-1.2.0.dist-info/METADATA",
        GOOD_PKG_INFO.as_bytes(),
    ),
    (
        "tidy_widgets-1.2.0.dist-info/WHEEL",
        b"Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    ),
];

#[test]
fn ordinary_packages_have_no_identity_findings() {
    let r = sdist_with(GOOD_PKG_INFO, &[]);
    assert_eq!(rules_of(&r), Vec::<&str>::new());
    assert_eq!(r.verdict, Verdict::Clean);
    let r = wheel_with(WHEEL, |_| {});
    assert_eq!(rules_of(&r), Vec::<&str>::new());
    assert_eq!(r.verdict, Verdict::Clean);
}

#[test]
fn starjacking_is_flagged_and_own_repos_are_not() {
    let jacked = GOOD_PKG_INFO.replace("tidy/tidy-widgets", "psf/requests");
    let r = sdist_with(&jacked, &[]);
    assert_eq!(rules_of(&r), ["starjacking"]);
    let f = &r.findings[0];
    assert!(f.message.contains("psf/requests"), "{}", f.message);
    assert_eq!(f.file, "tidy-widgets-1.2.0/PKG-INFO");
    // Evidence that adds up, not a verdict on its own (monorepo siblings link their umbrella).
    assert_eq!(r.verdict, Verdict::Clean);
    assert!(r.score > 0.0);
    // A Project-URL labelled Source counts too; a Documentation link to an umbrella does not.
    let src = GOOD_PKG_INFO.replace(
        "Author: Jane",
        "Project-URL: Source, https://github.com/pallets/flask\nAuthor: Jane",
    );
    assert_eq!(rules_of(&sdist_with(&src, &[])), ["starjacking"]);
    let docs = GOOD_PKG_INFO.replace(
        "Author: Jane",
        "Project-URL: Documentation, https://github.com/pallets/flask\nAuthor: Jane",
    );
    assert_eq!(rules_of(&sdist_with(&docs, &[])), Vec::<&str>::new());
}

#[test]
fn metadata_anomalies_are_flagged() {
    let cases = [
        (
            GOOD_PKG_INFO.replace("Name: tidy-widgets", "Name: other-widgets"),
            "name-mismatch",
        ),
        (
            GOOD_PKG_INFO
                .replace("Summary: Widgets that tidy themselves", "Summary: UNKNOWN")
                .replace("A longer description of tidy widgets.\n", ""),
            "placeholder-metadata",
        ),
        (
            GOOD_PKG_INFO.replace("Version: 1.2.0", "Version: 999.0.0"),
            "version-anomaly",
        ),
        (
            GOOD_PKG_INFO.replace("Author: Jane Doe", "Author: xkqzjvbwtr"),
            "author-anomaly",
        ),
        (
            GOOD_PKG_INFO.replace("Requires-Dist: requests", "Requires-Dist: reqeusts"),
            "typosquat-dependency",
        ),
    ];
    for (pkg_info, rule) in cases {
        let setup = "from setuptools import setup\nsetup()\n";
        let r = sdist_with(&pkg_info, &[("setup.py", setup)]);
        assert_eq!(rules_of(&r), [rule], "{pkg_info}");
    }
    // Claims: "official" with a borrowed popular name.
    let claim = GOOD_PKG_INFO
        .replace("Name: tidy-widgets", "Name: requests-official")
        .replace(
            "Summary: Widgets that tidy themselves",
            "Summary: The official requests package",
        );
    let name = "requests-official-1.2.0.tar.gz";
    let files = [
        (
            "requests-official-1.2.0/PKG-INFO".to_string(),
            claim.into_bytes(),
        ),
        (
            "requests-official-1.2.0/x.py".to_string(),
            b"x = 1\n".to_vec(),
        ),
    ];
    let r = engine().scan_bytes(&gzip(&tar(&files)), name, name);
    assert!(
        rules_of(&r).contains(&"official-claim"),
        "{:?}",
        rules_of(&r)
    );
}

#[test]
fn setup_py_disagreeing_with_pkg_info_is_flagged() {
    let setup = "from setuptools import setup\nsetup(name='tidy-widgetz', version='1.2.0')\n";
    let r = sdist_with(GOOD_PKG_INFO, &[("setup.py", setup)]);
    assert_eq!(rules_of(&r), ["setup-metadata-mismatch"]);
    let setup = "from setuptools import setup\nsetup(name='tidy_widgets', version='1.2.1')\n";
    let r = sdist_with(GOOD_PKG_INFO, &[("setup.py", setup)]);
    assert_eq!(rules_of(&r), ["setup-metadata-mismatch"]);
    // Same name spelled differently, a trailing .0, a constant name: all agree.
    for setup in [
        "from setuptools import setup\nsetup(name='Tidy_Widgets', version='1.2')\n",
        "from setuptools import setup\nNAME = 'tidy-widgets'\nsetup(name=NAME, version='1.2.0')\n",
        "import setuptools\nsetuptools.setup(name=pkg.__title__, version=pkg.__version__)\n",
    ] {
        let r = sdist_with(GOOD_PKG_INFO, &[("setup.py", setup)]);
        assert_eq!(rules_of(&r), Vec::<&str>::new(), "{setup}");
    }
}

#[test]
fn entry_points_shadowing_commands_are_flagged() {
    for (path, text) in [
        ("setup.cfg", "[options.entry_points]\nconsole_scripts =\n    sudo = tidy_widgets:tidy\n"),
        ("pyproject.toml", "[project]\nname = \"tidy-widgets\"\n[project.scripts]\nls = \"tidy_widgets:tidy\"\n"),
        ("tidy_widgets.egg-info/entry_points.txt", "[console_scripts]\npip = tidy_widgets:tidy\n"),
        ("setup.py", "from setuptools import setup\nsetup(name='tidy-widgets', version='1.2.0', entry_points={'console_scripts': ['git = tidy_widgets:tidy']})\n"),
    ] {
        let r = sdist_with(GOOD_PKG_INFO, &[(path, text)]);
        assert_eq!(rules_of(&r), ["entry-point-shadowing"], "{path}");
        assert_eq!(r.verdict, Verdict::Suspicious, "{path}");
    }
    let ok = "[options.entry_points]\nconsole_scripts =\n    tidy = tidy_widgets:tidy\n";
    let r = sdist_with(GOOD_PKG_INFO, &[("setup.cfg", ok)]);
    assert_eq!(rules_of(&r), Vec::<&str>::new());
}

#[test]
fn wheel_record_is_checked() {
    // One byte changed after the build.
    let r = wheel_with(WHEEL, |m| {
        let one = m[0].1.iter().position(|&b| b == b'1').unwrap();
        m[0].1[one] = b'2';
    });
    assert_eq!(rules_of(&r), ["wheel-record-mismatch"]);
    assert!(r.findings[0].message.contains("tidy_widgets/__init__.py"));
    assert_eq!(r.verdict, Verdict::Suspicious);
    // A file added without being listed, and one listed but removed.
    let r = wheel_with(WHEEL, |m| {
        m.push(("tidy_widgets.pth".into(), b"import os\n".to_vec()));
    });
    assert!(
        rules_of(&r).contains(&"wheel-record-unlisted"),
        "{:?}",
        rules_of(&r)
    );
    let r = wheel_with(WHEEL, |m| {
        m.remove(0);
    });
    assert_eq!(rules_of(&r), ["wheel-record-missing"]);
    // Compressed data files are checked as stored, not as inflated.
    let data = gzip(b"{\"a\": 1}\n");
    let with_gz: Vec<(&str, &[u8])> = WHEEL
        .iter()
        .copied()
        .chain([("tidy_widgets/data.json.gz", data.as_slice())])
        .collect();
    let r = wheel_with(&with_gz, |_| {});
    assert_eq!(rules_of(&r), Vec::<&str>::new());
}

#[test]
fn bytecode_without_source_is_flagged() {
    let pyc = b"\x6f\x0d\x0d\x0a\0\0\0\0\0\0\0\0\0\0\0\0\xe3".to_vec();
    let orphan = [("tidy_widgets/__pycache__/core.cpython-311.pyc", &pyc[..])];
    let files: Vec<(&str, &[u8])> = WHEEL.iter().copied().chain(orphan).collect();
    let r = wheel_with(&files, |_| {});
    assert_eq!(rules_of(&r), ["bytecode-without-source"]);
    // With its source next to it, it is just a cache.
    let files: Vec<(&str, &[u8])> = WHEEL
        .iter()
        .copied()
        .chain(orphan)
        .chain([("tidy_widgets/core.py", &b"x = 1\n"[..])])
        .collect();
    let r = wheel_with(&files, |_| {});
    assert_eq!(rules_of(&r), Vec::<&str>::new());
}
