//! The package model: where its root is, what role each file plays, its declared identity,
//! and the identity signals derived from it (typosquatting, starjacking, metadata anomalies,
//! wheel RECORD integrity, bytecode without source).

use ferret_archive::{Archive, Format, Issue, MemberKind};
use ferret_identity::{
    check_entry_points, check_metadata, check_record, entry_points_from_setup_kwarg, normalize,
    parse_entry_points_ini, parse_pyproject, EntryPoint, Metadata, PopularList, RecordMember,
    Signal,
};
use ferret_python::FileRole;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub(crate) struct Package {
    /// Common top-level directory of an sdist (`name-1.0/`), stripped to find `setup.py`.
    root: String,
    pub name: Option<String>,
    pub version: Option<String>,
    /// Name as given by the archive's file name (for wheels and sdists).
    file_name_project: Option<String>,
    /// The shallowest PKG-INFO/METADATA: its path and what it declares.
    metadata: Option<(String, Metadata)>,
}

impl Package {
    pub fn new(archive: &Archive, file_name: &str) -> Self {
        let root = common_root(archive);
        // Metadata at the shallowest depth wins: PKG-INFO of the sdist, METADATA of the wheel.
        let mut metadata: Option<(String, Metadata)> = None;
        let mut best_depth = usize::MAX;
        for m in &archive.members {
            let base = m.path.rsplit('/').next().unwrap_or(&m.path);
            if base != "PKG-INFO" && base != "METADATA" {
                continue;
            }
            let depth = m.path.matches('/').count();
            if depth >= best_depth || m.path.contains('!') {
                continue;
            }
            if let Some(text) = m.data.as_deref().map(String::from_utf8_lossy) {
                let parsed = Metadata::parse(&text);
                if parsed.name.is_some() {
                    metadata = Some((m.path.clone(), parsed));
                    best_depth = depth;
                }
            }
        }
        let file_name_project = project_from_file_name(file_name);
        let declared = metadata.as_ref().map(|(_, m)| m);
        let name = declared
            .and_then(|m| m.name.clone())
            .or_else(|| file_name_project.clone());
        let version = declared
            .and_then(|m| m.version.clone())
            .or_else(|| version_from_file_name(file_name));
        Self {
            root,
            name,
            version,
            file_name_project,
            metadata,
        }
    }

    /// A member's path inside the package root (`pkg-1.0/pkg/x.py` -> `pkg/x.py`).
    pub fn relative<'p>(&self, path: &'p str) -> &'p str {
        path.strip_prefix(&self.root).unwrap_or(path)
    }

    /// The role of a member that ferret analyses as code, or None.
    pub fn role(&self, path: &str) -> Option<FileRole> {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".pth") {
            return Some(FileRole::Pth);
        }
        if !(lower.ends_with(".py") || lower.ends_with(".pyw")) {
            return None;
        }
        let rel = path.strip_prefix(&self.root).unwrap_or(path);
        // Directories of code the package does not import: its top level runs only when run.
        const SCRIPT_DIRS: &[&str] = &[
            "tests",
            "test",
            "testing",
            "examples",
            "example",
            "docs",
            "doc",
            "benchmarks",
            "bench",
            "scripts",
            "tools",
            "ci",
            ".github",
            ".evergreen",
        ];
        if rel == "setup.py" {
            Some(FileRole::SetupScript)
        } else if rel == "__main__.py" || rel.ends_with("/__main__.py") {
            // Runs for `python -m pkg`, never on import.
            Some(FileRole::Script)
        } else if rel
            .split('/')
            .rev()
            .skip(1)
            .any(|d| SCRIPT_DIRS.contains(&d))
        {
            Some(FileRole::Script)
        } else {
            Some(FileRole::Module)
        }
    }

    /// Identity, metadata and integrity signals, reported as issues that rules match
    /// (`typosquat`, `starjacking`, `record-mismatch`, ...). `setup_kwargs` are the keyword
    /// arguments of the `setup()` call in `setup.py`, when there is one.
    pub fn signals(
        &self,
        archive: &Archive,
        setup_kwargs: &[(String, String)],
        extra_popular: Option<&PopularList>,
    ) -> Vec<Issue> {
        let mut out = Vec::new();
        // Loaded on first need: a lone source file has no name or metadata to check, and its
        // scan need not wait ~1 ms for the list.
        let list = PopularList::builtin;
        let meta_path = self
            .metadata
            .as_ref()
            .map(|(p, _)| p.clone())
            .unwrap_or_else(|| "PKG-INFO".into());
        let issue = |code: &'static str, path: &str, detail: String| Issue {
            code,
            path: path.to_string(),
            detail,
            incomplete: false,
        };
        // The user's own list first: an internal package's look-alike is the sharper finding.
        // A name on the user's list is theirs, never a look-alike of a public one.
        let candidates: Vec<&str> = [self.name.as_deref(), self.file_name_project.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        let own = candidates
            .iter()
            .any(|c| extra_popular.is_some_and(|l| l.rank(c).is_some()));
        let lists = extra_popular
            .map(|l| (l, "your --popular-list"))
            .into_iter()
            .chain(std::iter::once_with(|| (list(), "PyPI")))
            // None asked for without a candidate (`take(0)` never calls `once_with`).
            .take(if candidates.is_empty() { 0 } else { 2 });
        'lists: for (l, source) in lists {
            for candidate in &candidates {
                if own {
                    break 'lists;
                }
                if let Some(hit) = l.check_typosquat(candidate) {
                    out.push(issue(
                        "typosquat",
                        &meta_path,
                        format!(
                            "`{candidate}` looks like `{}` (rank {} on {source}) by {}",
                            hit.imitates, hit.rank, hit.technique
                        ),
                    ));
                    break 'lists;
                }
            }
        }
        if let Some((path, meta)) = &self.metadata {
            if let (Some(declared), Some(file)) = (&meta.name, &self.file_name_project) {
                if normalize(declared) != normalize(file) {
                    out.push(issue(
                        "name-mismatch",
                        path,
                        format!("metadata names `{declared}` but the archive is named `{file}`"),
                    ));
                }
            }
            for s in check_metadata(meta, list()) {
                out.push(issue(s.code, path, s.detail));
            }
            if let Some(s) = setup_mismatch(meta, setup_kwargs) {
                out.push(issue(s.code, &format!("{}setup.py", self.root), s.detail));
            }
        }

        // Entry points wherever the package declares them.
        let package = self.name.as_deref().unwrap_or_default();
        let mut entry_points: Vec<(String, EntryPoint)> = Vec::new();
        for m in &archive.members {
            // By path first: checking every member's bytes for UTF-8 cost more than the rest.
            let rel = m.path.strip_prefix(&self.root).unwrap_or(&m.path);
            let parse: fn(&str) -> Vec<EntryPoint> =
                if rel.ends_with("entry_points.txt") && rel.matches('/').count() <= 2 {
                    |t| parse_entry_points_ini(t, false)
                } else if rel == "setup.cfg" {
                    |t| parse_entry_points_ini(t, true)
                } else if rel == "pyproject.toml" {
                    |t| parse_pyproject(t).1
                } else {
                    continue;
                };
            let Some(text) = m.data.as_deref().and_then(|d| std::str::from_utf8(d).ok()) else {
                continue;
            };
            let eps = parse(text);
            entry_points.extend(eps.into_iter().map(|e| (m.path.clone(), e)));
        }
        if let Some((_, text)) = setup_kwargs.iter().find(|(k, _)| k == "entry_points") {
            let path = format!("{}setup.py", self.root);
            entry_points.extend(
                entry_points_from_setup_kwarg(text)
                    .into_iter()
                    .map(|e| (path.clone(), e)),
            );
        }
        let mut seen = HashSet::new();
        for (path, ep) in &entry_points {
            for s in check_entry_points(std::slice::from_ref(ep), package) {
                if seen.insert(s.detail.clone()) {
                    out.push(issue(s.code, path, s.detail));
                }
            }
        }

        if archive.format == Format::Zip {
            out.extend(self.record_signals(archive));
        }
        out.extend(orphan_bytecode(archive));
        out
    }

    /// RECORD of a wheel (a zip with a top-level `*.dist-info/RECORD`).
    fn record_signals(&self, archive: &Archive) -> Vec<Issue> {
        let Some(record) = archive
            .members
            .iter()
            .find(|m| m.path.ends_with(".dist-info/RECORD") && m.path.matches('/').count() == 1)
        else {
            return Vec::new();
        };
        let Some(text) = record.data.as_deref().map(String::from_utf8_lossy) else {
            return Vec::new();
        };
        let members: Vec<RecordMember<'_>> = archive
            .members
            .iter()
            .filter(|m| m.kind == MemberKind::File && !m.path.contains("!/"))
            .map(|m| RecordMember {
                path: &m.path,
                size: m.size,
                data: m.data.as_deref(),
            })
            .collect();
        check_record(&record.path, &text, &members)
            .into_iter()
            .map(|s| Issue {
                code: s.code,
                path: record.path.clone(),
                detail: s.detail,
                incomplete: false,
            })
            .collect()
    }
}

/// `setup.py` declaring a different name or version than the metadata built from it: the
/// archive was edited after it was built, or the metadata is a decoy. Only literal values are
/// compared (a `name=NAME` whose constant was not folded is source text, not a name).
fn setup_mismatch(meta: &Metadata, setup_kwargs: &[(String, String)]) -> Option<Signal> {
    let kw = |k: &str| {
        setup_kwargs
            .iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.as_str())
    };
    if let (Some(declared), Some(setup)) = (meta.name.as_deref(), kw("name")) {
        let literal = !setup.is_empty()
            && setup
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && setup.chars().any(|c| c.is_ascii_lowercase() || c == '-')
            // `pkg.__title__`: an attribute that was not folded, not a name.
            && !setup.contains("__");
        if literal && normalize(setup) != normalize(declared) {
            return Some(Signal {
                code: "setup-metadata-mismatch",
                detail: format!("setup.py declares name `{setup}`, the metadata `{declared}`"),
            });
        }
    }
    if let (Some(declared), Some(setup)) = (meta.version.as_deref(), kw("version")) {
        let literal = setup.starts_with(|c: char| c.is_ascii_digit())
            && setup
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '!'));
        if literal && setup != declared && normalize_version(setup) != normalize_version(declared) {
            return Some(Signal {
                code: "setup-metadata-mismatch",
                detail: format!("setup.py declares version `{setup}`, the metadata `{declared}`"),
            });
        }
    }
    None
}

/// `1.0` and `1.0.0`, `1.0-1` and `1.0.post1` are the same version for this comparison.
fn normalize_version(v: &str) -> String {
    let v = v.to_ascii_lowercase().replace('-', ".post");
    let mut parts: Vec<&str> = v.split('.').collect();
    while parts.len() > 1 && parts.last() == Some(&"0") {
        parts.pop();
    }
    parts.join(".")
}

/// Compiled `.pyc` files whose source is not in the package: code that cannot be read.
fn orphan_bytecode(archive: &Archive) -> Vec<Issue> {
    let sources: HashSet<&str> = archive
        .members
        .iter()
        .filter_map(|m| m.path.strip_suffix(".py"))
        .collect();
    let mut orphans: Vec<&str> = archive
        .members
        .iter()
        .filter(|m| m.kind == MemberKind::File)
        .filter_map(|m| {
            let stem = m.path.strip_suffix(".pyc")?;
            // `pkg/__pycache__/mod.cpython-311.pyc` → `pkg/mod`
            let source = match stem.rsplit_once("/__pycache__/") {
                Some((dir, file)) => format!("{dir}/{}", file.split('.').next().unwrap_or(file)),
                None => match stem.strip_prefix("__pycache__/") {
                    Some(file) => file.split('.').next().unwrap_or(file).to_string(),
                    None => stem.to_string(),
                },
            };
            (!sources.contains(source.as_str())).then_some(m.path.as_str())
        })
        .collect();
    if orphans.is_empty() {
        return Vec::new();
    }
    orphans.sort();
    let n = orphans.len();
    let shown = orphans[..n.min(5)].join(", ");
    vec![Issue {
        code: "bytecode-without-source",
        path: orphans[0].to_string(),
        detail: format!(
            "{n} compiled .pyc file(s) without their .py source: {shown}{}",
            if n > 5 { ", ..." } else { "" }
        ),
        incomplete: false,
    }]
}

pub(crate) fn common_root(archive: &Archive) -> String {
    let mut root: Option<&str> = None;
    for m in &archive.members {
        let first = match m.path.split_once('/') {
            Some((first, _)) => first,
            None => return String::new(),
        };
        match root {
            None => root = Some(first),
            Some(r) if r == first => {}
            Some(_) => return String::new(),
        }
    }
    root.map(|r| format!("{r}/")).unwrap_or_default()
}

/// `name-1.0.tar.gz` / `name-1.0-py3-none-any.whl` → `name`.
fn project_from_file_name(file_name: &str) -> Option<String> {
    let stem = strip_archive_ext(file_name)?;
    if file_name.ends_with(".whl") || file_name.ends_with(".egg") {
        return stem.split('-').next().map(str::to_string);
    }
    // sdist: the version starts at the last `-` followed by a digit.
    let idx = stem
        .char_indices()
        .filter(|(i, c)| *c == '-' && stem[i + 1..].starts_with(|d: char| d.is_ascii_digit()))
        .map(|(i, _)| i)
        .next_back()?;
    Some(stem[..idx].to_string())
}

fn version_from_file_name(file_name: &str) -> Option<String> {
    let stem = strip_archive_ext(file_name)?;
    let name = project_from_file_name(file_name)?;
    let rest = stem.strip_prefix(&name)?.strip_prefix('-')?;
    Some(rest.split('-').next().unwrap_or(rest).to_string())
}

fn strip_archive_ext(file_name: &str) -> Option<&str> {
    let base = file_name.split('~').next().unwrap_or(file_name);
    [
        ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".zip", ".whl", ".egg", ".tar",
    ]
    .iter()
    .find_map(|ext| base.strip_suffix(ext))
}

/// One thing the user asked to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
}

/// Expands command-line paths: a file is one package; a directory that looks like a project is
/// one package; any other directory is a collection, and every archive or `.py` file under it is
/// scanned on its own (sorted, so output order is stable).
pub fn expand_inputs(paths: &[PathBuf]) -> std::io::Result<Vec<Input>> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p)?;
        if meta.is_dir() && !ferret_archive::is_package_dir(p) {
            let mut found = Vec::new();
            collect_packages(p, &mut found, 0)?;
            found.sort();
            out.extend(found.into_iter().map(|path| Input { path }));
        } else {
            out.push(Input { path: p.clone() });
        }
    }
    Ok(out)
}

fn collect_packages(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> std::io::Result<()> {
    if depth > 32 {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let ty = entry.file_type()?;
        if ty.is_dir() {
            if ferret_archive::is_package_dir(&path) {
                out.push(path);
            } else {
                collect_packages(&path, out, depth + 1)?;
            }
        } else if ty.is_file() {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            let looks_packaged = [
                ".whl", ".zip", ".egg", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar", ".py",
            ]
            .iter()
            .any(|e| name.ends_with(e))
                || name.contains(".tar.gz~")
                || name.contains(".whl~")
                || name.contains(".zip~");
            if looks_packaged {
                out.push(path);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_file_names() {
        assert_eq!(
            project_from_file_name("foo-bar-1.0.tar.gz").as_deref(),
            Some("foo-bar")
        );
        assert_eq!(
            version_from_file_name("foo-bar-1.0.tar.gz").as_deref(),
            Some("1.0")
        );
        assert_eq!(
            project_from_file_name("foo_bar-1.0-py3-none-any.whl").as_deref(),
            Some("foo_bar")
        );
        assert_eq!(
            project_from_file_name("11Cent-999.0.0.tar.gz~2").as_deref(),
            Some("11Cent")
        );
        assert_eq!(project_from_file_name("x.py"), None);
    }
}
