//! Directory trees (an unpacked sdist or a source checkout), read like an archive: symlinks
//! are noted and never followed, the same limits apply.

use crate::{hex, read_file_member, Archive, Budget, Format, Limits, Member, MemberKind};
use sha2::{Digest, Sha256};
use std::fs;
use std::io;
use std::path::Path;

/// A directory is one package when it looks like a project root; otherwise it is a collection
/// of packages (each archive or `.py` file inside is scanned on its own).
pub fn is_package_dir(path: &Path) -> bool {
    const MARKERS: &[&str] = &["setup.py", "pyproject.toml", "setup.cfg", "PKG-INFO"];
    if MARKERS.iter().any(|m| path.join(m).is_file()) {
        return true;
    }
    let Ok(rd) = fs::read_dir(path) else {
        return false;
    };
    rd.flatten().any(|e| {
        let p = e.path();
        let name = e.file_name().to_string_lossy().to_ascii_lowercase();
        (p.is_file() && (name.ends_with(".py") || name.ends_with(".pth")))
            || (p.is_dir() && p.join("__init__.py").is_file())
            || name.ends_with(".dist-info")
            || name.ends_with(".egg-info")
    })
}

/// Reads every file under `root` (hidden ones too: payloads hide in dot-directories).
pub fn read_dir(root: &Path, limits: &Limits) -> io::Result<Archive> {
    let mut budget = Budget::new(limits);
    let mut members = Vec::new();
    let mut files = Vec::new();
    walk(root, root, &mut files, &mut budget, 0)?;
    files.sort();
    for rel in files {
        if !budget.admit_member(&rel) {
            break;
        }
        let full = root.join(&rel);
        let meta = fs::symlink_metadata(&full)?;
        if meta.file_type().is_symlink() {
            let target = fs::read_link(&full)
                .ok()
                .map(|t| t.to_string_lossy().into_owned());
            budget.issue(
                "symlink",
                &rel,
                format!("link to {target:?}; not followed"),
                false,
            );
            members.push(Member {
                path: rel,
                kind: MemberKind::Symlink,
                size: 0,
                data: None,
                magic: None,
                skipped: Some("link".into()),
                link_target: target,
            });
            continue;
        }
        if !meta.is_file() {
            budget.issue("device-member", &rel, "not a regular file".into(), false);
            continue;
        }
        let mut f = fs::File::open(&full)?;
        read_file_member(
            &mut f,
            rel,
            0,
            meta.len(),
            true,
            0,
            &mut budget,
            &mut members,
        );
        if budget.exhausted {
            break;
        }
    }
    let mut h = Sha256::new();
    for m in &members {
        h.update(m.path.as_bytes());
        h.update([0]);
        if let Some(d) = &m.data {
            h.update(d);
        }
        h.update([0]);
    }
    Ok(Archive {
        format: Format::Directory,
        sha256: hex(&h.finalize()),
        members,
        issues: budget.finish(""),
    })
}

fn walk(
    root: &Path,
    dir: &Path,
    out: &mut Vec<String>,
    budget: &mut Budget<'_>,
    depth: usize,
) -> io::Result<()> {
    if depth > 64 {
        let rel = dir
            .strip_prefix(root)
            .unwrap_or(dir)
            .to_string_lossy()
            .into_owned();
        budget.issue(
            "nesting-too-deep",
            &rel,
            "directory tree deeper than 64 levels".into(),
            true,
        );
        return Ok(());
    }
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let ty = entry.file_type()?;
        let rel = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        if ty.is_dir() {
            walk(root, &path, out, budget, depth + 1)?;
        } else {
            out.push(rel);
        }
        if out.len() > budget.limits.max_members {
            return Ok(());
        }
    }
    Ok(())
}
