//! Every sample under `corpus/` (inert imitations and tricky benign packages) gets the verdict,
//! rules and decode chain its `expected.toml` states (issues #2, #3).

use crate::support::{engine, gzip, repo, tar, tree, under, zip};
use ferret_report::{PackageReport, Verdict};
use regex::Regex;
use std::path::Path;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Expected {
    description: String,
    verdict: String,
    rules: Vec<String>,
    #[serde(default)]
    not_rules: Vec<String>,
    chain: Option<Vec<String>>,
    innermost: Option<String>,
}

fn samples(kind: &str) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(repo().join("corpus").join(kind))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

/// Checks one report against its expectation; returns the problems found.
fn check(dir: &Path, r: &PackageReport, exp: &Expected) -> Vec<String> {
    let name = dir.file_name().unwrap().to_string_lossy();
    let mut problems = Vec::new();
    let fired: Vec<&str> = r.findings.iter().map(|f| f.rule.as_str()).collect();
    let want = Verdict::parse(&exp.verdict).expect("verdict in expected.toml");
    if r.verdict != want {
        problems.push(format!(
            "{name}: verdict {} (expected {}); fired {fired:?}",
            r.verdict.as_str(),
            exp.verdict
        ));
    }
    for rule in &exp.rules {
        if !fired.contains(&rule.as_str()) {
            problems.push(format!(
                "{name}: `{rule}` did not fire ({}); fired {fired:?}",
                exp.description
            ));
        }
    }
    for rule in &exp.not_rules {
        if fired.contains(&rule.as_str()) {
            problems.push(format!("{name}: `{rule}` fired but must not"));
        }
    }
    if let Some(chain) = &exp.chain {
        let found = r
            .findings
            .iter()
            .filter_map(|f| f.decoded.as_ref())
            .any(|d| &d.chain == chain);
        if !found {
            let seen: Vec<_> = r
                .findings
                .iter()
                .filter_map(|f| f.decoded.as_ref())
                .map(|d| d.chain.join(">"))
                .collect();
            problems.push(format!(
                "{name}: no finding with decode chain {} (seen: {seen:?})",
                chain.join(">")
            ));
        }
    }
    if let Some(re) = &exp.innermost {
        let re = Regex::new(re).expect("innermost regex");
        let decoded = r
            .findings
            .iter()
            .filter_map(|f| f.decoded.as_ref())
            .any(|d| re.is_match(&d.preview));
        let folded = r
            .findings
            .iter()
            .any(|f| re.is_match(&f.message) || re.is_match(&f.context));
        if !decoded && !folded {
            problems.push(format!("{name}: innermost payload /{re}/ not recovered"));
        }
    }
    problems
}

fn run(kind: &str) {
    let mut problems = Vec::new();
    let dirs = samples(kind);
    assert!(!dirs.is_empty());
    for dir in &dirs {
        let exp: Expected =
            toml::from_str(&std::fs::read_to_string(dir.join("expected.toml")).unwrap()).unwrap();
        let r = engine().scan_path(dir);
        problems.extend(check(dir, &r, &exp));
    }
    eprintln!("{} {kind} samples, {} problems", dirs.len(), problems.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn imitations_are_caught_with_their_payload() {
    run("imitations");
}

#[test]
fn benign_samples_stay_clean() {
    run("benign");
}

#[test]
fn archive_forms_agree_with_the_directory() {
    // The same sample as a directory, an sdist and a zip gives the same verdict and rules.
    for name in [
        "imitations/base64-zlib",
        "imitations/pth-import-line",
        "benign/c-extension-gcc",
    ] {
        let dir = repo().join("corpus").join(name);
        let files: Vec<_> = tree(&dir)
            .into_iter()
            .filter(|(p, _)| p != "expected.toml")
            .collect();
        // Archives named after the package and version in PKG-INFO, as an sdist is (a name
        // that disagrees is a finding of its own, `name-mismatch`).
        let info = std::fs::read_to_string(dir.join("PKG-INFO")).unwrap();
        let field = |key: &str| {
            info.lines()
                .find_map(|l| l.strip_prefix(key))
                .map(|v| v.trim().to_string())
                .unwrap()
        };
        let stem = format!("{}-{}", field("Name:"), field("Version:"));
        let sdist = under(&stem, &files);
        let a = engine().scan_path(&dir);
        let (tgz, zipname) = (format!("{stem}.tar.gz"), format!("{stem}.zip"));
        let b = engine().scan_bytes(&gzip(&tar(&sdist)), &tgz, &tgz);
        let c = engine().scan_bytes(&zip(&sdist), &zipname, &zipname);
        let rules = |r: &PackageReport| {
            let mut v: Vec<String> = r.findings.iter().map(|f| f.rule.clone()).collect();
            v.sort();
            v.dedup();
            v
        };
        assert_eq!(a.verdict, b.verdict, "{name}");
        assert_eq!(a.verdict, c.verdict, "{name}");
        assert_eq!(rules(&a), rules(&b), "{name}");
        assert_eq!(rules(&a), rules(&c), "{name}");
    }
}
