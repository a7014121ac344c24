//! Tar reading (plain, gzip, bzip2, xz). Tar is a stream: every member's bytes pass through the
//! decompressor, but only the ones worth analysing are kept.

use crate::{join_prefix, normalize_path, read_file_member, Budget, Member, MemberKind};
use std::collections::HashSet;
use std::io::Read;
use tar::EntryType;

pub(crate) fn read<R: Read>(
    reader: R,
    compressed_len: u64,
    prefix: &str,
    depth: usize,
    budget: &mut Budget<'_>,
    out: &mut Vec<Member>,
) {
    let mut archive = tar::Archive::new(reader);
    let entries = match archive.entries() {
        Ok(e) => e,
        Err(e) => {
            budget.issue("corrupt-archive", prefix, format!("tar: {e}"), true);
            return;
        }
    };
    let mut seen = HashSet::new();
    let mut any = false;
    let mut damaged = false;
    // Ratio of a streamed member is measured against the whole compressed input, so a bomb
    // inside one member is still caught by the package inflation limit.
    for entry in entries {
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let code = if any {
                    "corrupt-member"
                } else {
                    "corrupt-archive"
                };
                budget.issue(code, prefix, format!("tar: {e}"), true);
                damaged = true;
                break;
            }
        };
        any = true;
        let ty = entry.header().entry_type();
        if matches!(
            ty,
            EntryType::Directory | EntryType::XGlobalHeader | EntryType::XHeader
        ) {
            continue;
        }
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let path = join_prefix(prefix, &normalize_path(&raw, budget));
        if !budget.admit_member(&path) {
            break;
        }
        let link_target = entry
            .link_name_bytes()
            .map(|l| String::from_utf8_lossy(&l).into_owned());
        let kind = match ty {
            EntryType::Symlink => MemberKind::Symlink,
            EntryType::Link => MemberKind::Hardlink,
            EntryType::Char | EntryType::Block | EntryType::Fifo => MemberKind::Device,
            _ => MemberKind::File,
        };
        if kind != MemberKind::File {
            let code = match kind {
                MemberKind::Symlink => "symlink",
                MemberKind::Hardlink => "hardlink",
                _ => "device-member",
            };
            let detail = match &link_target {
                Some(t) => format!("link to {t:?}; not followed"),
                None => "device or fifo entry".into(),
            };
            if budget.nested == 0 {
                budget.issue(code, &path, detail, false);
            }
            out.push(Member {
                path,
                kind,
                size: 0,
                data: None,
                magic: None,
                skipped: Some("link or device".into()),
                link_target,
            });
            continue;
        }
        if !seen.insert(path.clone()) && budget.nested == 0 {
            budget.issue(
                "duplicate-member",
                &path,
                "the archive holds this path more than once".into(),
                false,
            );
        }
        let declared = entry.header().entry_size().unwrap_or(0);
        let index = out.len();
        read_file_member(
            &mut entry,
            path,
            compressed_len.max(1),
            0,
            false,
            depth,
            budget,
            out,
        );
        // A member read to its end but shorter than its header says: the stream was cut (the
        // tar reader stops quietly at the end of its input), so the rest was never seen.
        if let Some(m) = out.get(index) {
            let whole = m.data.is_some()
                || m.skipped.as_deref().is_some_and(|s| {
                    !s.contains("limit") && !s.starts_with("larger") && !s.starts_with("unreadable")
                });
            if whole && m.size < declared {
                let detail = format!(
                    "member declares {declared} bytes but the archive ends after {}",
                    m.size
                );
                let path = m.path.clone();
                budget.issue("corrupt-member", &path, detail, true);
            }
        }
        if budget.exhausted {
            break;
        }
    }
    if !any && out.is_empty() {
        budget.issue(
            "corrupt-archive",
            prefix,
            "no tar members could be read".into(),
            true,
        );
    } else if !damaged && !budget.exhausted {
        drain(archive.into_inner(), prefix, budget);
    }
}

/// Reads a stream on past the tar's end-of-archive blocks: a compressed stream cut in its
/// trailer (CRC, end-of-stream marker) still yields every member, and only its end says it is
/// damaged. Bounded by the package inflation limit.
fn drain<R: Read>(mut rest: R, prefix: &str, budget: &mut Budget<'_>) {
    let mut buf = [0u8; 64 * 1024];
    loop {
        if budget.inflated > budget.limits.max_inflated_bytes {
            budget.exhausted = true;
            let detail = "data after the tar's end inflates past the package limit".into();
            budget.issue("total-too-large", prefix, detail, true);
            return;
        }
        match rest.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => budget.inflated += n as u64,
            Err(e) => {
                let detail = format!("stream is damaged after the tar's last member: {e}");
                budget.issue("corrupt-archive", prefix, detail, true);
                return;
            }
        }
    }
}
