//! `ferret mirror` (issue #6): a bandersnatch-layout mirror built from the corpus is scanned
//! with every expected verdict, incrementally, through SIGKILLs, in shards, with quarantine.

use crate::support::{gzip, repo, tar, tmpdir, tree, under, zip, TempDir};
use ferret_mirror::store::Store;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

/// One archive of a test mirror and the verdict its corpus sample expects.
#[derive(Clone, Debug)]
struct Artifact {
    rel: String,
    sha256: String,
    verdict: String,
}

struct Mirror {
    root: TempDir,
    artifacts: Vec<Artifact>,
}

/// The corpus samples: (PKG-INFO name, expected verdict, files without expected.toml).
#[allow(clippy::type_complexity)]
fn samples() -> &'static Vec<(String, String, Vec<(String, Vec<u8>)>)> {
    static S: OnceLock<Vec<(String, String, Vec<(String, Vec<u8>)>)>> = OnceLock::new();
    S.get_or_init(|| {
        let mut out = Vec::new();
        for kind in ["imitations", "benign", "samples"] {
            let mut dirs: Vec<PathBuf> = std::fs::read_dir(repo().join("corpus").join(kind))
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect();
            dirs.sort();
            for d in dirs {
                let files: Vec<(String, Vec<u8>)> = tree(&d)
                    .into_iter()
                    .filter(|(p, _)| p != "expected.toml")
                    .collect();
                let verdict = std::fs::read_to_string(d.join("expected.toml"))
                    .ok()
                    .and_then(|t| t.parse::<toml::Table>().ok())
                    .and_then(|t| t.get("verdict")?.as_str().map(str::to_string))
                    .unwrap_or_else(|| {
                        if kind == "benign" {
                            "clean"
                        } else {
                            "malicious"
                        }
                        .to_string()
                    });
                let pkg_info = files
                    .iter()
                    .find(|(p, _)| p == "PKG-INFO")
                    .map(|(_, d)| String::from_utf8_lossy(d).into_owned())
                    .unwrap_or_default();
                let name = pkg_info
                    .lines()
                    .find_map(|l| l.strip_prefix("Name:"))
                    .map(|n| n.trim().to_string())
                    .unwrap_or_else(|| d.file_name().unwrap().to_string_lossy().into_owned());
                out.push((name, verdict, files));
            }
        }
        out
    })
}

/// Writes a bandersnatch-layout mirror: `web/packages/aa/bb/<hash>/<file>` plus
/// `web/simple/<project>/index.v1_json`, every sample as an sdist per version and format.
fn build_mirror(name: &str, versions: &[&str], formats: &[&str]) -> Mirror {
    let root = tmpdir(name);
    let mut artifacts = Vec::new();
    let mut projects: BTreeMap<String, (String, Vec<serde_json::Value>)> = BTreeMap::new();
    for (project, verdict, files) in samples() {
        for v in versions {
            let files: Vec<(String, Vec<u8>)> = files
                .iter()
                .map(|(p, d)| {
                    if p == "PKG-INFO" {
                        let text = String::from_utf8_lossy(d)
                            .lines()
                            .map(|l| {
                                if l.starts_with("Version:") {
                                    format!("Version: {v}")
                                } else {
                                    l.to_string()
                                }
                            })
                            .collect::<Vec<_>>()
                            .join("\n");
                        (p.clone(), format!("{text}\n").into_bytes())
                    } else {
                        (p.clone(), d.clone())
                    }
                })
                .collect();
            let sdist = under(&format!("{project}-{v}"), &files);
            for f in formats {
                let (file_name, bytes) = match *f {
                    "tar.gz" => (format!("{project}-{v}.tar.gz"), gzip(&tar(&sdist))),
                    _ => (format!("{project}-{v}.zip"), zip(&sdist)),
                };
                let sha = ferret_mirror::sha256_hex(&bytes);
                let rel = format!(
                    "web/packages/{}/{}/{}/{file_name}",
                    &sha[..2],
                    &sha[2..4],
                    &sha[4..]
                );
                let path = root.join(&rel);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, &bytes).unwrap();
                let norm = ferret_mirror::walk::normalize(project);
                projects
                    .entry(norm)
                    .or_insert_with(|| (project.clone(), Vec::new()))
                    .1
                    .push(serde_json::json!({
                        "filename": file_name,
                        "url": format!("../../{}", rel.trim_start_matches("web/")),
                        "hashes": {"sha256": sha},
                    }));
                artifacts.push(Artifact {
                    rel,
                    sha256: sha,
                    verdict: verdict.clone(),
                });
            }
        }
    }
    for (norm, (name, files)) in projects {
        let dir = root.join("web/simple").join(norm);
        std::fs::create_dir_all(&dir).unwrap();
        let index =
            serde_json::json!({"meta": {"api-version": "1.1"}, "name": name, "files": files});
        std::fs::write(dir.join("index.v1_json"), index.to_string()).unwrap();
    }
    artifacts.sort_by(|a, b| a.rel.cmp(&b.rel));
    Mirror { root, artifacts }
}

/// Every sample in three versions, as .tar.gz and .zip: a few hundred archives. Read-only:
/// shared by the tests that only scan it.
fn big_mirror() -> &'static Mirror {
    static M: OnceLock<Mirror> = OnceLock::new();
    M.get_or_init(|| {
        build_mirror(
            "mirror-big",
            &["1.0.0", "1.1.0", "2.0.0"],
            &["tar.gz", "zip"],
        )
    })
}

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ferret"));
    c.current_dir(repo());
    c
}

fn run(args: &[&str]) -> Output {
    let out = bin().args(args).output().expect("run ferret");
    assert!(
        out.status.code() == Some(0),
        "ferret {args:?} failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The `done` log line's counters.
fn done_counts(stderr: &[u8]) -> BTreeMap<String, String> {
    let text = String::from_utf8_lossy(stderr);
    let line = text
        .lines()
        .find(|l| l.contains("event=done"))
        .unwrap_or_else(|| panic!("no done line in:\n{text}"));
    line.split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A database's content: path → (sha256, verdict), and the number of result rows.
fn db_content(db: &Path) -> (BTreeMap<String, (String, String)>, usize) {
    let store = Store::open_existing(db).unwrap();
    let rv = ferret_mirror::report::rules_version(&store, None).unwrap();
    let mut m = BTreeMap::new();
    let mut rows = 0;
    ferret_mirror::report::for_each_file(&store, &rv, |v| {
        rows += 1;
        m.insert(
            v["path"].as_str().unwrap().to_string(),
            (
                v["sha256"].as_str().unwrap().to_string(),
                v["verdict"].as_str().unwrap().to_string(),
            ),
        );
        Ok(())
    })
    .unwrap();
    let results: i64 = store
        .conn()
        .query_row("SELECT COUNT(*) FROM results", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, m.len(), "duplicate paths in {}", db.display());
    (m, results as usize)
}

fn expected(m: &Mirror) -> BTreeMap<String, (String, String)> {
    m.artifacts
        .iter()
        .map(|a| (a.rel.clone(), (a.sha256.clone(), a.verdict.clone())))
        .collect()
}

/// The uninterrupted scan of the big mirror, shared by the tests that compare with it.
fn reference_db() -> &'static Path {
    static D: OnceLock<(TempDir, PathBuf)> = OnceLock::new();
    &D.get_or_init(|| {
        let m = big_mirror();
        let dir = tmpdir("mirror-ref");
        let db = dir.join("ref.sqlite");
        run(&["mirror", s(&m.root), "--db", s(&db)]);
        (dir, db)
    })
    .1
}

#[test]
fn scans_every_artifact_with_its_verdict_then_nothing_new() {
    let m = big_mirror();
    assert!(m.artifacts.len() >= 300, "{} artifacts", m.artifacts.len());
    let dir = tmpdir("mirror-verdicts");
    let db = dir.join("m.sqlite");
    let jsonl = dir.join("m.jsonl");
    let out = run(&["mirror", s(&m.root), "--db", s(&db), "--jsonl", s(&jsonl)]);
    let done = done_counts(&out.stderr);
    assert_eq!(done["files"], m.artifacts.len().to_string());
    assert_eq!(done["scanned"], m.artifacts.len().to_string());
    assert_eq!(done["errors"], "0");

    let (content, results) = db_content(&db);
    assert_eq!(
        results,
        m.artifacts.len(),
        "one result per distinct archive"
    );
    let want = expected(m);
    let wrong: Vec<String> = want
        .iter()
        .filter(|(rel, v)| content.get(*rel) != Some(v))
        .map(|(rel, v)| format!("{rel}: expected {v:?}, got {:?}", content.get(rel)))
        .collect();
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );

    // Project names come from the mirror's simple index.
    let report = run(&["mirror", "report", "--db", s(&db), "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files.len(), m.artifacts.len());
    let malicious = want.values().filter(|v| v.1 == "malicious").count() as u64;
    assert_eq!(doc["summary"]["malicious"], malicious);
    for f in files {
        for key in ["path", "sha256", "verdict", "score", "rules", "project"] {
            assert!(!f[key].is_null(), "{key} missing in {f}");
        }
    }
    let lines = std::fs::read_to_string(&jsonl).unwrap();
    assert_eq!(lines.lines().count(), m.artifacts.len());

    // Text and SARIF reports render.
    let text = String::from_utf8(run(&["mirror", "report", "--db", s(&db)]).stdout).unwrap();
    assert!(
        text.contains(&format!(
            "{} files: {malicious} malicious",
            m.artifacts.len()
        )),
        "{text}"
    );
    assert!(
        text.contains("top rules") && text.contains("slowest files"),
        "{text}"
    );
    let sarif = run(&["mirror", "report", "--db", s(&db), "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());

    // Second run: nothing new to scan, nothing written to the JSON lines.
    let out = run(&[
        "mirror",
        "scan",
        s(&m.root),
        "--db",
        s(&db),
        "--jsonl",
        s(&jsonl),
    ]);
    let done = done_counts(&out.stderr);
    assert_eq!(done["scanned"], "0");
    assert_eq!(done["skipped"], m.artifacts.len().to_string());
    assert_eq!(done["malicious"], malicious.to_string());
    assert_eq!(
        std::fs::read_to_string(&jsonl).unwrap().lines().count(),
        m.artifacts.len()
    );
    assert_eq!(db_content(&db).0, content);
}

#[test]
fn sigkill_at_random_points_then_resume_equals_an_uninterrupted_run() {
    let m = big_mirror();
    let reference = db_content(reference_db());
    let dir = tmpdir("mirror-kill");
    let db = dir.join("k.sqlite");
    // Pseudo-random kill points (ms after start), different on every run of the test.
    let mut seed = std::process::id() as u64 | 1;
    let mut kills = 0;
    let mut partials = Vec::new();
    for _ in 0..8 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        // One thread and small batches: a full run takes about half a second here (each run
        // resumes the last), so kills within 120 ms land inside the first runs.
        let wait = 20 + seed % 100;
        let mut child = bin()
            .args([
                "mirror",
                s(&m.root),
                "--db",
                s(&db),
                "--batch",
                "4",
                "-j",
                "1",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(wait));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        child.wait().unwrap();
        if db.exists() {
            let (content, results) = db_content(&db);
            // Whatever is there is right: no row differs from the reference.
            for (rel, v) in &content {
                assert_eq!(reference.0.get(rel), Some(v), "{rel} after a kill");
            }
            partials.push(results);
        }
    }
    let out = run(&["mirror", s(&m.root), "--db", s(&db)]);
    let done = done_counts(&out.stderr);
    eprintln!(
        "[mirror] {kills} kills, rows after each: {partials:?}; final run scanned {} skipped {}",
        done["scanned"], done["skipped"]
    );
    assert!(kills >= 2, "only {kills} runs were killed");
    let fin = db_content(&db);
    assert_eq!(
        fin.0, reference.0,
        "final content differs from an uninterrupted run"
    );
    assert_eq!(
        fin.1, reference.1,
        "result rows differ (lost or duplicated)"
    );
}

#[test]
fn shards_partition_the_mirror_and_merge_equals_a_full_run() {
    let m = big_mirror();
    let dir = tmpdir("mirror-shards");
    let n = 3;
    let mut dbs = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut total = 0;
    for k in 0..n {
        let db = dir.join(format!("shard-{k}.sqlite"));
        run(&[
            "mirror",
            s(&m.root),
            "--db",
            s(&db),
            "--shard",
            &format!("{k}/{n}"),
        ]);
        let (content, _) = db_content(&db);
        assert!(!content.is_empty(), "shard {k}/{n} is empty");
        total += content.len();
        seen.extend(content.into_keys());
        dbs.push(db);
    }
    // Disjoint (sizes add up to the union) and complete.
    assert_eq!(total, seen.len(), "shards overlap");
    let all: BTreeSet<String> = m.artifacts.iter().map(|a| a.rel.clone()).collect();
    assert_eq!(seen, all, "shards miss files");

    let merged = dir.join("merged.sqlite");
    let mut args = vec!["mirror", "merge", "--db", s(&merged)];
    args.extend(dbs.iter().map(|d| s(d)));
    run(&args);
    let reference = db_content(reference_db());
    assert_eq!(db_content(&merged), reference);

    // Bad shard specs are usage errors.
    let bad = bin()
        .args(["mirror", s(&m.root), "--shard", "3/3"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn diff_file_scans_only_the_listed_files() {
    let m = big_mirror();
    let dir = tmpdir("mirror-diff");
    let db = dir.join("d.sqlite");
    let picked: Vec<&Artifact> = m.artifacts.iter().step_by(50).collect();
    let list: String = picked
        .iter()
        .enumerate()
        .map(|(i, a)| {
            // Absolute and relative lines, and non-archive lines, as bandersnatch writes them.
            if i % 2 == 0 {
                format!("{}\n", m.root.join(&a.rel).display())
            } else {
                format!("{}\n", a.rel)
            }
        })
        .chain(std::iter::once(format!(
            "{}\n",
            m.root.join("web/simple/index.html").display()
        )))
        .collect();
    let diff = dir.join("diff.txt");
    std::fs::write(&diff, list).unwrap();
    run(&[
        "mirror",
        s(&m.root),
        "--db",
        s(&db),
        "--diff-file",
        s(&diff),
    ]);
    let (content, _) = db_content(&db);
    let want: BTreeSet<String> = picked.iter().map(|a| a.rel.clone()).collect();
    assert_eq!(content.keys().cloned().collect::<BTreeSet<_>>(), want);
}

#[test]
fn quarantine_then_restore_leaves_the_tree_byte_identical() {
    let m = build_mirror("mirror-quarantine", &["1.0"], &["tar.gz"]);
    let dir = tmpdir("mirror-quarantine-work");
    let q = dir.join("quarantine");
    let db = dir.join("q.sqlite");
    let before = tree(&m.root);
    let out = run(&["mirror", s(&m.root), "--db", s(&db), "--quarantine", s(&q)]);
    let malicious: Vec<&Artifact> = m
        .artifacts
        .iter()
        .filter(|a| a.verdict == "malicious")
        .collect();
    assert!(!malicious.is_empty());
    assert_eq!(
        done_counts(&out.stderr)["quarantined"],
        malicious.len().to_string()
    );
    for a in &m.artifacts {
        let there = m.root.join(&a.rel).exists();
        let moved = q.join("files").join(&a.rel).exists();
        if a.verdict == "malicious" {
            assert!(!there && moved, "{} not quarantined", a.rel);
        } else {
            assert!(there && !moved, "{} moved", a.rel);
        }
    }
    let manifest = std::fs::read_to_string(q.join("manifest.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = manifest
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), malicious.len());
    for a in &malicious {
        let l = lines
            .iter()
            .find(|l| l["rel"] == a.rel.as_str())
            .unwrap_or_else(|| panic!("{} not in the manifest", a.rel));
        assert_eq!(l["sha256"], a.sha256.as_str());
        assert_eq!(l["verdict"], "malicious");
        assert!(!l["rules"].as_array().unwrap().is_empty());
        assert!(l["time"].as_u64().unwrap() > 0);
        assert!(Path::new(l["path"].as_str().unwrap()).is_absolute());
    }
    // A rerun finds nothing more to move.
    let again = run(&["mirror", s(&m.root), "--db", s(&db), "--quarantine", s(&q)]);
    assert_eq!(done_counts(&again.stderr)["quarantined"], "0");

    let restored = run(&["mirror", "restore", "--quarantine", s(&q)]);
    let msg = String::from_utf8_lossy(&restored.stdout);
    assert!(
        msg.contains(&format!("{} restored", malicious.len())),
        "{msg}"
    );
    assert_eq!(tree(&m.root), before, "tree differs after restore");
}
