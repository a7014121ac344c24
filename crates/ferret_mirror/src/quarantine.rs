//! Quarantine: malicious archives leave the served tree for `DIR/files/<relative path>`, with
//! one JSON line each in `DIR/manifest.jsonl`; `restore` puts them back.
//!
//! Order makes every step safe to interrupt: the manifest line is written and synced *before*
//! the move, so a file is never in the quarantine without a line saying where it came from. A
//! move is a `rename` (atomic); across filesystems it is copy to a temporary name, fsync, rename,
//! then removal of the original, so at every instant at least one complete copy exists.

use anyhow::{bail, Context, Result};
use serde_json::json;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

pub const MANIFEST: &str = "manifest.jsonl";

pub struct Quarantine {
    dir: PathBuf,
    manifest: File,
}

/// One manifest line.
pub struct Move<'a> {
    /// Absolute original path.
    pub path: &'a Path,
    pub rel: &'a str,
    pub sha256: &'a str,
    pub verdict: &'a str,
    pub rules: &'a [String],
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Quarantine {
    pub fn open(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir.join("files"))
            .with_context(|| format!("creating {}", dir.display()))?;
        let dir = dir
            .canonicalize()
            .with_context(|| format!("resolving {}", dir.display()))?;
        let manifest = OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join(MANIFEST))
            .with_context(|| format!("opening {}", dir.join(MANIFEST).display()))?;
        Ok(Self { dir, manifest })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Moves one file into the quarantine; returns where it went.
    pub fn put(&mut self, m: &Move<'_>) -> Result<PathBuf> {
        let stored = format!("files/{}", m.rel.trim_start_matches('/'));
        if stored.split('/').any(|c| c == "..") {
            bail!("{}: refusing a path with `..`", m.rel);
        }
        let dest = self.dir.join(&stored);
        let line = json!({
            "path": m.path.to_string_lossy(),
            "rel": m.rel,
            "quarantined": stored,
            "sha256": m.sha256,
            "verdict": m.verdict,
            "rules": m.rules,
            "time": unix_now(),
        });
        writeln!(self.manifest, "{line}")?;
        self.manifest.sync_data()?;
        move_file(m.path, &dest)?;
        Ok(dest)
    }
}

/// Moves `from` to `to` (creating parents): rename, or copy + fsync + rename + remove when they
/// are on different filesystems.
pub fn move_file(from: &Path, to: &Path) -> Result<()> {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    match std::fs::rename(from, to) {
        Ok(()) => {
            sync_dir(to.parent());
            sync_dir(from.parent());
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::CrossesDevices => {
            let tmp = to.with_extension("ferret-partial");
            {
                let mut src =
                    File::open(from).with_context(|| format!("reading {}", from.display()))?;
                let mut dst =
                    File::create(&tmp).with_context(|| format!("writing {}", tmp.display()))?;
                std::io::copy(&mut src, &mut dst)?;
                dst.sync_all()?;
            }
            std::fs::rename(&tmp, to)?;
            sync_dir(to.parent());
            std::fs::remove_file(from).with_context(|| format!("removing {}", from.display()))?;
            sync_dir(from.parent());
            Ok(())
        }
        Err(e) => Err(e).with_context(|| format!("moving {} to {}", from.display(), to.display())),
    }
}

fn sync_dir(dir: Option<&Path>) {
    if let Some(d) = dir {
        if let Ok(f) = File::open(d) {
            let _ = f.sync_all();
        }
    }
}

/// What `restore` did.
#[derive(Debug, Default)]
pub struct Restored {
    pub moved: usize,
    /// Lines whose file was already back in place (a repeated line, or an earlier restore).
    pub already: usize,
    pub problems: Vec<String>,
}

/// Puts every quarantined file back where the manifest says it came from. A file is never
/// overwritten: when something else now sits at the original path, the quarantined copy stays
/// and the line is reported. When everything is back, the manifest is renamed
/// `manifest.jsonl.restored-<time>` so a later quarantine starts a new one.
pub fn restore(dir: &Path) -> Result<Restored> {
    let manifest_path = dir.join(MANIFEST);
    let file = File::open(&manifest_path)
        .with_context(|| format!("opening {}", manifest_path.display()))?;
    let mut out = Restored::default();
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let where_ = format!("{}:{}", manifest_path.display(), n + 1);
        let v: serde_json::Value = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(e) => {
                out.problems.push(format!("{where_}: {e}"));
                continue;
            }
        };
        let (Some(orig), Some(stored)) = (
            v.get("path").and_then(|p| p.as_str()),
            v.get("quarantined").and_then(|p| p.as_str()),
        ) else {
            out.problems
                .push(format!("{where_}: missing `path` or `quarantined`"));
            continue;
        };
        if stored.split('/').any(|c| c == "..") {
            out.problems
                .push(format!("{where_}: `..` in `quarantined`"));
            continue;
        }
        let orig = Path::new(orig);
        let src = dir.join(stored);
        let src_there = src.symlink_metadata().is_ok();
        let orig_there = orig.symlink_metadata().is_ok();
        match (src_there, orig_there) {
            (true, false) => match move_file(&src, orig) {
                Ok(()) => out.moved += 1,
                Err(e) => out.problems.push(format!("{where_}: {e:#}")),
            },
            (false, true) => out.already += 1,
            (true, true) => out.problems.push(format!(
                "{where_}: {} exists again; the quarantined copy stays at {}",
                orig.display(),
                src.display()
            )),
            (false, false) => out.problems.push(format!(
                "{where_}: neither {} nor {} exists",
                orig.display(),
                src.display()
            )),
        }
    }
    if out.problems.is_empty() {
        let done = dir.join(format!("{MANIFEST}.restored-{}", unix_now()));
        std::fs::rename(&manifest_path, &done)?;
    }
    Ok(out)
}
