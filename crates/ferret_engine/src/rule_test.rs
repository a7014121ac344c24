//! The rule fixture harness behind `ferret rules test DIR` and the built-in rules' test.
//!
//! Each rule's fixture directory (`<id>/` beside `<id>.toml`) is scanned as a package with only
//! that rule enabled (plus the rules a correlation names). Annotations on the line above the
//! target: `# ruleid: ID` must fire, `# ok: ID` must not, `# todoruleid:`/`# todook:` mark known
//! misses and false positives (and fail once fixed). File-level rules are annotated with
//! `# ruleid-file: ID` anywhere in the file. Any other finding fails. The docs example must fire.

use crate::{Engine, Options};
use ferret_rules::{Body, RuleSet};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The result for one rule.
#[derive(Debug, Clone)]
pub struct RuleTestOutcome {
    pub rule: String,
    pub passed: bool,
    /// Why it failed, or notes (e.g. covered by another test).
    pub messages: Vec<String>,
    pub fired: usize,
    pub quiet: usize,
}

#[derive(Default)]
struct Expect {
    ruleid: BTreeSet<(String, u32)>,
    ok: BTreeSet<(String, u32)>,
    todo_ruleid: BTreeSet<(String, u32)>,
    todo_ok: BTreeSet<(String, u32)>,
    file_level: BTreeSet<String>,
    benign_files: usize,
}

fn parse_annotations(
    rule: &str,
    known: &BTreeSet<&str>,
    files: &BTreeMap<String, String>,
    exp: &mut Expect,
    errors: &mut Vec<String>,
) {
    for (path, text) in files {
        let lines: Vec<&str> = text.lines().collect();
        let mut annotated = false;
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            let Some(body) = t.strip_prefix('#') else {
                continue;
            };
            let body = body.trim();
            let Some((key, ids)) = body.split_once(':') else {
                continue;
            };
            let key = key.trim();
            let ids: Vec<&str> = ids
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            if !ids.iter().all(|id| known.contains(id)) || ids.is_empty() {
                // Not an annotation (or names a rule of another set).
                continue;
            }
            if !ids.contains(&rule) {
                continue;
            }
            annotated = true;
            if key == "ruleid-file" {
                exp.file_level.insert(path.clone());
                continue;
            }
            // Target: the next line that is neither blank nor a comment.
            let target = lines.iter().enumerate().skip(i + 1).find(|(_, l)| {
                let l = l.trim_start();
                !l.is_empty() && !l.starts_with('#')
            });
            let Some((ti, _)) = target else {
                errors.push(format!(
                    "{path}:{}: annotation `{key}` has no code line after it",
                    i + 1
                ));
                continue;
            };
            let at = (path.clone(), ti as u32 + 1);
            match key {
                "ruleid" => exp.ruleid.insert(at),
                "ok" => exp.ok.insert(at),
                "todoruleid" => exp.todo_ruleid.insert(at),
                "todook" => exp.todo_ok.insert(at),
                other => {
                    errors.push(format!("{path}:{}: unknown annotation `{other}` (use ruleid, ok, todoruleid, todook or ruleid-file)", i + 1));
                    false
                }
            };
        }
        if !annotated {
            exp.benign_files += 1;
        }
    }
}

fn read_tree(dir: &Path, root: &Path, out: &mut BTreeMap<String, String>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            read_tree(&p, root, out);
        } else if let Ok(text) = std::fs::read_to_string(&p) {
            let rel = p
                .strip_prefix(root)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, text);
        }
    }
}

/// Runs the fixtures of every rule in `set`, whose files live under `dir`.
pub fn test_rules(dir: &Path, set: &RuleSet, options: &Options) -> Vec<RuleTestOutcome> {
    let known: BTreeSet<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
    let mut outcomes = Vec::new();
    for rule in &set.rules {
        let mut o = RuleTestOutcome {
            rule: rule.id.clone(),
            passed: true,
            messages: Vec::new(),
            fired: 0,
            quiet: 0,
        };
        // The rule's own origin names its file relative to the rules dir.
        let origin = Path::new(&rule.origin);
        let rel = origin
            .strip_prefix(dir)
            .unwrap_or(origin)
            .with_extension("");
        let fixture_dir = dir.join(rel);
        let mut ids = vec![rule.id.as_str()];
        if let Body::Correlate { all, any, .. } = &rule.body {
            ids.extend(all.iter().chain(any).map(String::as_str));
        }
        let only = set.only(&ids);
        let engine = Engine::new(only, options.clone());

        // The docs example must fire (Python examples only).
        if matches!(rule.body, Body::Match(_))
            && !rule.docs.example.trim().is_empty()
            && rule.fact_kinds.0 & 0b111 != 0
        {
            let install_only = !rule.when.is_empty()
                && rule.when.iter().all(|w| *w == ferret_report::When::Install);
            // A rule scoped to certain files (`**/*.pth`) gets its example under such a name.
            let scoped = rule
                .files
                .first()
                .map(|g| g.as_str().trim_start_matches("**/").replace('*', "example"));
            let name = match scoped {
                Some(n) if !n.contains('/') => n,
                _ if install_only => "setup.py".to_string(),
                _ => "example.py".to_string(),
            };
            let name = name.as_str();
            let rep = engine.scan_bytes(rule.docs.example.as_bytes(), name, name);
            if !rep.findings.iter().any(|f| f.rule == rule.id) {
                o.passed = false;
                o.messages
                    .push("the docs example does not fire the rule".into());
            }
        }

        let mut files = BTreeMap::new();
        read_tree(&fixture_dir, &fixture_dir, &mut files);
        let code_files: BTreeMap<String, String> = files
            .iter()
            .filter(|(p, _)| !p.ends_with(".md"))
            .map(|(p, t)| (p.clone(), t.clone()))
            .collect();
        if code_files.is_empty() {
            match files.get("README.md") {
                Some(readme) if readme.contains("tests/") => {
                    o.messages.push(format!(
                        "fixtures are generated archives: {}",
                        readme
                            .lines()
                            .find(|l| l.contains("tests/"))
                            .unwrap_or("")
                            .trim()
                    ));
                }
                _ => {
                    o.passed = false;
                    o.messages
                        .push(format!("no fixtures in {}", fixture_dir.display()));
                }
            }
            outcomes.push(o);
            continue;
        }
        let mut exp = Expect::default();
        let mut errors = Vec::new();
        parse_annotations(&rule.id, &known, &code_files, &mut exp, &mut errors);
        o.messages.append(&mut errors);
        if exp.ruleid.is_empty() && exp.file_level.is_empty() {
            o.messages
                .push("no `# ruleid:` annotation: every rule needs a case that must fire".into());
        }
        if exp.ok.is_empty() && exp.benign_files == 0 {
            o.messages.push("no `# ok:` annotation or benign file: every rule needs a case that must stay quiet".into());
        }
        let report = engine.scan_path(&fixture_dir);
        let got: BTreeSet<(String, u32)> = report
            .findings
            .iter()
            .filter(|f| f.rule == rule.id && f.line > 0)
            .map(|f| (f.file.clone(), f.line))
            .collect();
        let got_files: BTreeSet<String> = report
            .findings
            .iter()
            .filter(|f| f.rule == rule.id && f.line == 0)
            .map(|f| f.file.clone())
            .collect();
        for at in &exp.ruleid {
            if !got.contains(at) {
                o.messages
                    .push(format!("{}:{}: expected a finding, got none", at.0, at.1));
            }
        }
        for at in &exp.todo_ruleid {
            if got.contains(at) {
                o.messages.push(format!(
                    "{}:{}: fires now: promote `todoruleid` to `ruleid`",
                    at.0, at.1
                ));
            }
        }
        for at in &exp.todo_ok {
            if !got.contains(at) {
                o.messages.push(format!(
                    "{}:{}: quiet now: promote `todook` to `ok`",
                    at.0, at.1
                ));
            }
        }
        for at in &got {
            if !exp.ruleid.contains(at) && !exp.todo_ok.contains(at) {
                let kind = if exp.ok.contains(at) {
                    "marked `ok`"
                } else {
                    "not annotated"
                };
                o.messages.push(format!(
                    "{}:{}: unexpected finding (line {kind})",
                    at.0, at.1
                ));
            }
        }
        for f in &exp.file_level {
            if !got_files.contains(f) {
                o.messages
                    .push(format!("{f}: expected a file-level finding, got none"));
            }
        }
        for f in &got_files {
            if !exp.file_level.contains(f) {
                o.messages
                    .push(format!("{f}: unexpected file-level finding"));
            }
        }
        o.fired = exp.ruleid.len() + exp.file_level.len();
        o.quiet = exp.ok.len() + exp.benign_files;
        o.passed = o.passed
            && o.messages
                .iter()
                .all(|m| m.starts_with("fixtures are generated"));
        outcomes.push(o);
    }
    outcomes
}
