//! `ferret diff OLD NEW`: what a package adds to another — files, install hooks and findings.
//!
//! The replicated-project attack copies a real library and injects a few lines. Scanned alone,
//! the copy's findings drown in the library's ordinary capabilities; compared with the real
//! release (or the wheel with its sdist), only the injection is new.
//!
//! Paths are compared relative to each package's root (`name-1.0/` of an sdist is dropped, as is
//! a `src/` layout directory), so two versions, or a wheel and its sdist, line up. Packaging
//! metadata (`PKG-INFO`, `*.dist-info/`, `*.egg-info/`) differs between formats and versions by
//! construction and is not reported as added code. Findings are matched by rule, file and the
//! source line they point at, not by line number, so code that merely moved is not new.

use crate::Engine;
use ferret_archive::{Archive, MemberKind};
use ferret_identity::{parse_entry_points_ini, parse_pyproject, EntryPoint};
use ferret_report::{Finding, PackageReport, RuleKind, When};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;
use std::time::Instant;

/// What NEW has that OLD has not.
#[derive(Debug, Clone, Serialize)]
pub struct DiffReport {
    pub old: PackageSummary,
    pub new: PackageSummary,
    /// Files only in NEW (relative paths).
    pub added_files: Vec<String>,
    /// Files in both whose content differs.
    pub changed_files: Vec<String>,
    /// Files only in OLD.
    pub removed_files: Vec<String>,
    /// Ways NEW gets its code run that OLD did not have: `.pth` files, install-time code,
    /// console scripts.
    pub install_hooks: Vec<Hook>,
    /// Findings of NEW that OLD does not have.
    pub new_findings: Vec<Finding>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PackageSummary {
    pub path: String,
    pub name: Option<String>,
    pub version: Option<String>,
    pub verdict: ferret_report::Verdict,
    pub score: f64,
    pub findings: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Hook {
    pub file: String,
    pub description: String,
}

impl DiffReport {
    /// Whether NEW adds a threat (what `ferret diff` exits 1 on).
    pub fn adds_threats(&self) -> bool {
        self.new_findings.iter().any(|f| f.kind == RuleKind::Threat)
    }
}

/// A package's members by relative path: content digest (or size when not read).
struct Inventory {
    files: BTreeMap<String, String>,
    entry_points: BTreeSet<(String, String, String)>,
    root: String,
}

impl Inventory {
    fn new(archive: &Archive) -> Self {
        let root = crate::package::common_root(archive);
        let mut files = BTreeMap::new();
        let mut entry_points = BTreeSet::new();
        for m in &archive.members {
            if m.kind != MemberKind::File {
                continue;
            }
            let rel = relative(&m.path, &root);
            if is_packaging_metadata(&rel) {
                if let Some(text) = m.data.as_deref().and_then(|d| std::str::from_utf8(d).ok()) {
                    if rel.ends_with("entry_points.txt") {
                        add_eps(&mut entry_points, parse_entry_points_ini(text, false));
                    }
                }
                continue;
            }
            if let Some(text) = m.data.as_deref().and_then(|d| std::str::from_utf8(d).ok()) {
                match rel.as_str() {
                    "setup.cfg" => add_eps(&mut entry_points, parse_entry_points_ini(text, true)),
                    "pyproject.toml" => add_eps(&mut entry_points, parse_pyproject(text).1),
                    _ => {}
                }
            }
            let digest = match &m.data {
                Some(d) => format!("sha256:{:x}", Sha256::digest(d)),
                None => format!("size:{}", m.size),
            };
            files.insert(rel, digest);
        }
        Self {
            files,
            entry_points,
            root,
        }
    }
}

fn add_eps(set: &mut BTreeSet<(String, String, String)>, eps: Vec<EntryPoint>) {
    set.extend(eps.into_iter().map(|e| (e.group, e.name, e.target)));
}

/// `name-1.0/src/pkg/mod.py` → `pkg/mod.py`.
fn relative(path: &str, root: &str) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.strip_prefix("src/").unwrap_or(rel).to_string()
}

fn is_packaging_metadata(rel: &str) -> bool {
    let first = rel.split('/').next().unwrap_or(rel);
    rel == "PKG-INFO"
        || first.ends_with(".dist-info")
        || first.ends_with(".egg-info")
        || first == "EGG-INFO"
}

/// The key a finding is matched by across the two packages.
fn finding_key(f: &Finding, root: &str) -> (String, String, String) {
    (
        f.rule.clone(),
        relative(&f.file, root),
        f.context.trim().to_string(),
    )
}

impl Engine {
    /// Compares two packages (files, directories or archives of any supported format).
    pub fn diff(&self, old: &Path, new: &Path) -> std::io::Result<DiffReport> {
        let (old_inv, old_report) = self.inventory_and_scan(old)?;
        let (new_inv, new_report) = self.inventory_and_scan(new)?;

        let mut added_files = Vec::new();
        let mut changed_files = Vec::new();
        for (path, digest) in &new_inv.files {
            match old_inv.files.get(path) {
                None => added_files.push(path.clone()),
                Some(d) if d != digest => changed_files.push(path.clone()),
                Some(_) => {}
            }
        }
        let removed_files: Vec<String> = old_inv
            .files
            .keys()
            .filter(|p| !new_inv.files.contains_key(*p))
            .cloned()
            .collect();

        let old_keys: HashSet<_> = old_report
            .findings
            .iter()
            .map(|f| finding_key(f, &old_inv.root))
            .collect();
        let new_findings: Vec<Finding> = new_report
            .findings
            .iter()
            .filter(|f| !old_keys.contains(&finding_key(f, &new_inv.root)))
            .cloned()
            .collect();

        let mut hooks = BTreeSet::new();
        for path in added_files.iter().filter(|p| p.ends_with(".pth")) {
            hooks.insert(Hook {
                file: path.clone(),
                description: "new .pth file: its import lines run at every interpreter start"
                    .into(),
            });
        }
        // One hook per file that gained install-time code: the mechanism, not every finding
        // (those are listed below it).
        let mut install_files: BTreeMap<String, (usize, Option<u32>)> = BTreeMap::new();
        for f in &new_findings {
            if f.when == Some(When::Install) || f.rule == "cmdclass-override" {
                let e = install_files
                    .entry(relative(&f.file, &new_inv.root))
                    .or_default();
                e.0 += 1;
                if f.rule == "cmdclass-override" {
                    e.1 = Some(f.line);
                }
            }
        }
        for (file, (n, cmdclass)) in install_files {
            let description = match cmdclass {
                Some(line) => format!(
                    "custom setup command (cmdclass, line {line}): code that runs during pip install; {n} new install-time finding(s)"
                ),
                None => format!("new code that runs at install: {n} new install-time finding(s)"),
            };
            hooks.insert(Hook { file, description });
        }
        for (group, name, target) in new_inv.entry_points.difference(&old_inv.entry_points) {
            if group == "console_scripts" || group == "gui_scripts" {
                hooks.insert(Hook {
                    file: String::new(),
                    description: format!("new {group} command `{name}` = `{target}`"),
                });
            }
        }

        Ok(DiffReport {
            old: summary(&old_report),
            new: summary(&new_report),
            added_files,
            changed_files,
            removed_files,
            install_hooks: hooks.into_iter().collect(),
            new_findings,
        })
    }

    fn inventory_and_scan(&self, path: &Path) -> std::io::Result<(Inventory, PackageReport)> {
        let started = Instant::now();
        let archive = ferret_archive::read_path(path, &self.options.limits)?;
        let inventory = Inventory::new(&archive);
        let label = path.display().to_string();
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let report = self.scan_archive(archive, &label, &file_name, started);
        Ok((inventory, report))
    }
}

fn summary(r: &PackageReport) -> PackageSummary {
    PackageSummary {
        path: r.path.clone(),
        name: r.name.clone(),
        version: r.version.clone(),
        verdict: r.verdict,
        score: r.score,
        findings: r.findings.len(),
    }
}

/// The human rendering of a diff.
pub fn render_diff(d: &DiffReport) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let name = |p: &PackageSummary| {
        format!(
            "{} {} ({}, {} findings)",
            p.name.as_deref().unwrap_or("?"),
            p.version.as_deref().unwrap_or("?"),
            p.verdict.as_str(),
            p.findings
        )
    };
    let _ = writeln!(s, "old: {}  {}", d.old.path, name(&d.old));
    let _ = writeln!(s, "new: {}  {}", d.new.path, name(&d.new));
    let list = |s: &mut String, title: &str, items: &[String]| {
        if items.is_empty() {
            return;
        }
        let _ = writeln!(s, "\n{title} ({}):", items.len());
        for i in items.iter().take(200) {
            let _ = writeln!(s, "  {i}");
        }
        if items.len() > 200 {
            let _ = writeln!(s, "  ... and {} more", items.len() - 200);
        }
    };
    list(&mut s, "added files", &d.added_files);
    list(&mut s, "changed files", &d.changed_files);
    list(&mut s, "removed files", &d.removed_files);
    if !d.install_hooks.is_empty() {
        let _ = writeln!(s, "\nnew install hooks ({}):", d.install_hooks.len());
        for h in &d.install_hooks {
            if h.file.is_empty() {
                let _ = writeln!(s, "  {}", h.description);
            } else {
                let _ = writeln!(s, "  {}: {}", h.file, h.description);
            }
        }
    }
    if d.new_findings.is_empty() {
        let _ = writeln!(s, "\nno new findings");
    } else {
        let _ = writeln!(s, "\nnew findings ({}):", d.new_findings.len());
        for f in &d.new_findings {
            let _ = writeln!(
                s,
                "  {} {}:{}  [{} {}] {}",
                f.severity.as_str(),
                f.file,
                f.line,
                f.rule,
                match f.kind {
                    RuleKind::Threat => "threat",
                    RuleKind::Capability => "capability",
                },
                f.message
            );
            if !f.context.is_empty() {
                let _ = writeln!(s, "      | {}", f.context.trim());
            }
        }
    }
    s
}
