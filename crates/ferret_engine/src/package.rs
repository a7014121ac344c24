//! The package model: where its root is, what role each file plays, its declared identity,
//! and the identity signals (typosquatting) derived from it.

use ferret_archive::{Archive, Issue};
use ferret_identity::PopularList;
use ferret_python::FileRole;
use std::path::{Path, PathBuf};

pub(crate) struct Package {
    /// Common top-level directory of an sdist (`name-1.0/`), stripped to find `setup.py`.
    root: String,
    pub name: Option<String>,
    pub version: Option<String>,
    /// Name as given by the archive's file name (for wheels and sdists).
    file_name_project: Option<String>,
}

impl Package {
    pub fn new(archive: &Archive, file_name: &str) -> Self {
        let root = common_root(archive);
        let (mut name, mut version) = (None, None);
        // Metadata at the shallowest depth wins: PKG-INFO of the sdist, METADATA of the wheel.
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
                let header = |key: &str| {
                    text.lines()
                        .take_while(|l| !l.is_empty())
                        .find_map(|l| l.strip_prefix(key).map(|v| v.trim().to_string()))
                        .filter(|v| !v.is_empty())
                };
                if let Some(n) = header("Name:") {
                    name = Some(n);
                    version = header("Version:");
                    best_depth = depth;
                }
            }
        }
        let file_name_project = project_from_file_name(file_name);
        if name.is_none() {
            name = file_name_project.clone();
        }
        if version.is_none() {
            version = version_from_file_name(file_name);
        }
        Self {
            root,
            name,
            version,
            file_name_project,
        }
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

    /// Identity signals, reported as issues that rules match (`typosquat`).
    pub fn signals(&self) -> Vec<Issue> {
        let mut out = Vec::new();
        let list = PopularList::builtin();
        for candidate in [self.name.as_deref(), self.file_name_project.as_deref()]
            .into_iter()
            .flatten()
        {
            if let Some(hit) = list.check_typosquat(candidate) {
                out.push(Issue {
                    code: "typosquat",
                    path: "PKG-INFO".into(),
                    detail: format!(
                        "`{candidate}` looks like `{}` (rank {} on PyPI) by {}",
                        hit.imitates, hit.rank, hit.technique
                    ),
                    incomplete: false,
                });
                break;
            }
        }
        out
    }
}

fn common_root(archive: &Archive) -> String {
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
