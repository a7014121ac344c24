//! Streaming enumeration of the archives of a mirror: a directory walk that holds only the
//! directories on the current path, or the lines of a bandersnatch diff-file, one at a time.
//! Project names come from the mirror's own indexes when it has them, else from file names.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// One archive to consider.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub path: PathBuf,
    /// Path relative to the mirror root, `/`-separated: the key of the file in the store and
    /// the input of `--shard`, identical on every machine that mounts the same mirror.
    pub rel: String,
}

/// File names ferret scans as packages (case-insensitive).
pub fn is_archive(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        ".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".egg", ".tar",
    ]
    .iter()
    .any(|e| n.ends_with(e))
}

/// Where a bandersnatch mirror keeps its `packages/`, `simple/` and `json/`: `ROOT/web` or ROOT
/// itself. None for a plain tree of archives.
pub fn web_dir(root: &Path) -> Option<PathBuf> {
    let web = root.join("web");
    if web.join("packages").is_dir() {
        return Some(web);
    }
    if root.join("packages").is_dir()
        && (root.join("simple").is_dir() || root.join("json").is_dir())
    {
        return Some(root.to_path_buf());
    }
    None
}

/// Depth-first walk in name order. Memory: the sorted entries of the directories on the
/// current path, never the whole tree.
pub struct Walk {
    root: PathBuf,
    stack: Vec<std::vec::IntoIter<PathBuf>>,
    skip: Vec<PathBuf>,
}

impl Walk {
    /// Walks `start` (inside `root`), skipping the directories in `skip` (e.g. a quarantine
    /// directory placed inside the mirror).
    pub fn new(root: &Path, start: &Path, skip: Vec<PathBuf>) -> Self {
        Self {
            root: root.to_path_buf(),
            stack: vec![vec![start.to_path_buf()].into_iter()],
            skip,
        }
    }
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    v.sort();
    Ok(v)
}

impl Iterator for Walk {
    type Item = Result<Candidate, String>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let top = self.stack.last_mut()?;
            let Some(path) = top.next() else {
                self.stack.pop();
                continue;
            };
            // Never follow links: a link in a mirror is not an artifact of its own.
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                if self.skip.iter().any(|s| s == &path) {
                    continue;
                }
                match sorted_entries(&path) {
                    Ok(v) => self.stack.push(v.into_iter()),
                    Err(e) => return Some(Err(format!("{}: {e}", path.display()))),
                }
                continue;
            }
            if !meta.is_file() {
                continue;
            }
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            if !name.as_deref().is_some_and(is_archive) {
                continue;
            }
            let rel = rel_path(&self.root, &path);
            return Some(Ok(Candidate { path, rel }));
        }
    }
}

/// `path` relative to `root`, `/`-separated; the path itself when it is not under `root`.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The archives named by a bandersnatch diff-file (one path per line, absolute or relative to
/// the mirror root), read one line at a time.
pub fn diff_file(
    root: &Path,
    file: &Path,
) -> std::io::Result<impl Iterator<Item = Result<Candidate, String>>> {
    let reader = std::io::BufReader::new(std::fs::File::open(file)?);
    let root = root.to_path_buf();
    let label = file.display().to_string();
    Ok(reader.lines().filter_map(move |line| {
        let line = match line {
            Ok(l) => l,
            Err(e) => return Some(Err(format!("{label}: {e}"))),
        };
        let line = line.trim();
        if line.is_empty() {
            return None;
        }
        let p = Path::new(line);
        let path = if p.is_absolute() {
            p.to_path_buf()
        } else {
            root.join(p)
        };
        let name = path.file_name()?.to_string_lossy().into_owned();
        if !is_archive(&name) {
            return None;
        }
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_file() => {}
            // Listed but gone (deleted or quarantined since): nothing to scan.
            _ => return None,
        }
        let rel = rel_path(&root, &path);
        Some(Ok(Candidate { path, rel }))
    }))
}

/// PEP 503 normalised name: lower case, runs of `-`, `_`, `.` become one `-`.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// The project a distribution file belongs to, from its name: `name-ver-…whl` or
/// `name-ver.tar.gz` (the name ends at the first `-` followed by a digit).
pub fn project_from_file_name(file_name: &str) -> Option<String> {
    let lower = file_name.to_ascii_lowercase();
    if lower.ends_with(".whl") || lower.ends_with(".egg") {
        let name = file_name.split('-').next()?;
        return (!name.is_empty()).then(|| name.to_string());
    }
    let b = file_name.as_bytes();
    for i in 0..b.len().saturating_sub(1) {
        if b[i] == b'-' && b[i + 1].is_ascii_digit() && i > 0 {
            return Some(file_name[..i].to_string());
        }
    }
    None
}

/// Project names, looked up in the mirror's `json/<project>` or `simple/<project>/index.v1_json`
/// and cached (bounded).
pub struct Projects {
    web: Option<PathBuf>,
    cache: HashMap<String, Option<String>>,
}

impl Projects {
    pub fn new(web: Option<PathBuf>) -> Self {
        Self {
            web,
            cache: HashMap::new(),
        }
    }

    pub fn project_of(&mut self, file_name: &str) -> Option<String> {
        let guess = project_from_file_name(file_name)?;
        let Some(web) = &self.web else {
            return Some(guess);
        };
        let key = normalize(&guess);
        if let Some(hit) = self.cache.get(&key) {
            return hit.clone().or(Some(guess));
        }
        let indexed = read_name(&web.join("json").join(&key), &["info", "name"]).or_else(|| {
            read_name(
                &web.join("simple").join(&key).join("index.v1_json"),
                &["name"],
            )
        });
        if self.cache.len() >= 4096 {
            self.cache.clear();
        }
        self.cache.insert(key, indexed.clone());
        indexed.or(Some(guess))
    }
}

/// Reads the string at `pointer` from a JSON file; bounded (indexes of huge projects are
/// read, but not kept).
fn read_name(path: &Path, pointer: &[&str]) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > 64 << 20 {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    let mut cur = &v;
    for key in pointer {
        cur = cur.get(key)?;
    }
    cur.as_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(normalize("Foo.Bar__baz"), "foo-bar-baz");
        assert_eq!(
            project_from_file_name("foo_bar-1.0-py3-none-any.whl").as_deref(),
            Some("foo_bar")
        );
        assert_eq!(
            project_from_file_name("my-pkg-2.0.1.tar.gz").as_deref(),
            Some("my-pkg")
        );
        assert_eq!(project_from_file_name("noversion.zip"), None);
        assert!(is_archive("A-1.0.TAR.GZ"));
        assert!(!is_archive("index.v1_json"));
    }
}
