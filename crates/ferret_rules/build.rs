//! Embeds the built-in rules (`rules/**/<id>.toml` and `rules/flow.toml`, not fixtures) so the
//! binary carries them; they are still parsed by the same loader as a user's rules.

use std::path::{Path, PathBuf};

fn is_rule_file(root: &Path, path: &Path) -> bool {
    if path.extension().and_then(|e| e.to_str()) != Some("toml") {
        return false;
    }
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == root {
            break;
        }
        if let (Some(parent), Some(name)) = (d.parent(), d.file_name()) {
            if parent
                .join(format!("{}.toml", name.to_string_lossy()))
                .is_file()
            {
                return false;
            }
        }
        dir = d.parent();
    }
    true
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in rd.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, out);
        } else if is_rule_file(root, &path) {
            out.push(path);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("manifest dir"));
    let root = manifest
        .join("../../rules")
        .canonicalize()
        .expect("rules/ directory");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut files = Vec::new();
    collect(&root, &root, &mut files);
    files.sort();
    let mut out = String::from("pub static BUILTIN: &[(&str, &str)] = &[\n");
    for f in files {
        let rel = f
            .strip_prefix(&root)
            .expect("under root")
            .to_string_lossy()
            .replace('\\', "/");
        out.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            f.display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("out dir")).join("builtin_rules.rs");
    std::fs::write(dest, out).expect("write builtin_rules.rs");
}
