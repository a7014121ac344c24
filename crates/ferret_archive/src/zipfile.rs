//! Zip, wheel and egg reading. Zip has random access, so binaries are sniffed from their
//! first bytes and never inflated whole.

use crate::{join_prefix, normalize_path, read_file_member, Budget, Member, MemberKind};
use std::collections::HashSet;
use std::io::Cursor;

const S_IFMT: u32 = 0o170000;
const S_IFLNK: u32 = 0o120000;
const S_IFCHR: u32 = 0o020000;
const S_IFBLK: u32 = 0o060000;
const S_IFIFO: u32 = 0o010000;

pub(crate) fn read(
    bytes: &[u8],
    prefix: &str,
    depth: usize,
    budget: &mut Budget<'_>,
    out: &mut Vec<Member>,
) {
    let mut zip = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(z) => z,
        Err(e) => {
            budget.issue("corrupt-archive", prefix, format!("zip: {e}"), true);
            return;
        }
    };
    let mut seen = HashSet::new();
    for i in 0..zip.len() {
        let name_hint = zip.name_for_index(i).unwrap_or("?").to_string();
        let entry = match zip.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                let name = name_hint;
                let path = join_prefix(prefix, &name);
                if !budget.admit_member(&path) {
                    break;
                }
                budget.issue("corrupt-member", &path, format!("zip entry {i}: {e}"), true);
                out.push(Member {
                    path,
                    kind: MemberKind::File,
                    size: 0,
                    data: None,
                    magic: None,
                    skipped: Some(format!("unreadable: {e}")),
                    link_target: None,
                });
                continue;
            }
        };
        if entry.is_dir() {
            continue;
        }
        let raw = String::from_utf8_lossy(entry.name_raw()).into_owned();
        let path = join_prefix(prefix, &normalize_path(&raw, budget));
        if !budget.admit_member(&path) {
            break;
        }
        if !seen.insert(path.clone()) && budget.nested == 0 {
            budget.issue(
                "duplicate-member",
                &path,
                "the archive holds this path more than once".into(),
                false,
            );
        }
        let mode = entry.unix_mode().unwrap_or(0) & S_IFMT;
        let kind = match mode {
            S_IFLNK => MemberKind::Symlink,
            S_IFCHR | S_IFBLK | S_IFIFO => MemberKind::Device,
            _ => MemberKind::File,
        };
        let compressed = entry.compressed_size();
        if kind != MemberKind::File {
            let code = if kind == MemberKind::Symlink {
                "symlink"
            } else {
                "device-member"
            };
            budget.issue(
                code,
                &path,
                "special member in a zip; not followed".into(),
                false,
            );
            out.push(Member {
                path,
                kind,
                size: entry.size(),
                data: None,
                magic: None,
                skipped: Some("link or device".into()),
                link_target: None,
            });
            continue;
        }
        let declared = entry.size();
        let mut entry = entry;
        read_file_member(
            &mut entry,
            path,
            compressed.max(1),
            declared,
            true,
            depth,
            budget,
            out,
        );
        if budget.exhausted {
            break;
        }
    }
}
