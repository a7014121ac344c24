//! Zip, wheel and egg reading. Zip has random access, so binaries are sniffed from their
//! first bytes and never inflated whole.
//!
//! The central directory is walked here rather than through a zip library, because hostile zips
//! are exactly the ones a library smooths over: every central entry is read, duplicates included
//! (a map by name would keep one copy and hide the other); each entry's local header is compared
//! with its central entry, and when they disagree (name, method, compressed size) what each
//! header says is read, so an extractor that trusts local headers cannot be shown one file while
//! ferret scans another; entries whose data overlap (a non-recursive zip bomb) and members whose
//! real size differs from the declared one are reported.

use crate::{join_prefix, normalize_path, read_file_member, Budget, Member, MemberKind};
use std::collections::HashSet;
use std::io::Read;

const S_IFMT: u32 = 0o170000;
const S_IFLNK: u32 = 0o120000;
const S_IFCHR: u32 = 0o020000;
const S_IFBLK: u32 = 0o060000;
const S_IFIFO: u32 = 0o010000;

const EOCD: &[u8; 4] = b"PK\x05\x06";
const EOCD64: &[u8; 4] = b"PK\x06\x06";
const EOCD64_LOCATOR: &[u8; 4] = b"PK\x06\x07";
const CENTRAL: &[u8; 4] = b"PK\x01\x02";
const LOCAL: &[u8; 4] = b"PK\x03\x04";

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}
fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}
fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// One central-directory entry, sizes and offset already widened by its zip64 extra field.
struct Central {
    name: Vec<u8>,
    /// Host system in "version made by" (3: Unix, so the high half of `external` is a mode).
    host: u8,
    flags: u16,
    method: u16,
    compressed: u64,
    size: u64,
    external: u32,
    /// Offset of the local header (archive offset applied).
    offset: u64,
}

/// Finds the end-of-central-directory record and returns (central directory start, end, and the
/// offset of the archive inside the bytes, for zips with something prepended).
fn directory(bytes: &[u8]) -> Result<(usize, usize, u64), String> {
    if bytes.len() < 22 {
        return Err("too short for a zip".into());
    }
    // The record is the last 22 bytes plus a comment of up to 65,535 bytes.
    let floor = bytes.len().saturating_sub(22 + 0xffff);
    let mut at = None;
    let mut i = bytes.len() - 22;
    loop {
        if &bytes[i..i + 4] == EOCD {
            at = Some(i);
            break;
        }
        if i == floor {
            break;
        }
        i -= 1;
    }
    let eocd = at.ok_or("no end of central directory record")?;
    let mut cd_size = u64::from(u32_at(bytes, eocd + 12).unwrap_or(0));
    let mut cd_offset = u64::from(u32_at(bytes, eocd + 16).unwrap_or(0));
    let mut end_of_cd = eocd as u64;
    // Zip64: the locator sits just before the record and points at the zip64 record.
    if eocd >= 20 && &bytes[eocd - 20..eocd - 16] == EOCD64_LOCATOR {
        let rec = u64_at(bytes, eocd - 12).unwrap_or(u64::MAX);
        let rec_here = (eocd - 20).checked_sub(56);
        // The locator's offset ignores prepended data; the record normally sits right before it.
        let rec = match rec_here {
            Some(r) if bytes.get(r..r + 4) == Some(&EOCD64[..]) => r as u64,
            _ => rec,
        };
        if let Ok(r) = usize::try_from(rec) {
            if bytes.get(r..r + 4) == Some(&EOCD64[..]) {
                cd_size = u64_at(bytes, r + 40).unwrap_or(cd_size);
                cd_offset = u64_at(bytes, r + 48).unwrap_or(cd_offset);
                end_of_cd = r as u64;
            }
        }
    }
    // Bytes before the archive (a shebang, a self-extractor) shift every offset.
    let shift = end_of_cd
        .checked_sub(cd_size)
        .and_then(|s| s.checked_sub(cd_offset))
        .unwrap_or(0);
    let start = cd_offset.checked_add(shift).ok_or("bad directory offset")?;
    let end = start.checked_add(cd_size).ok_or("bad directory size")?;
    let (start, end) = (
        usize::try_from(start).map_err(|_| "bad directory offset")?,
        usize::try_from(end).map_err(|_| "bad directory size")?,
    );
    if start > bytes.len() || end > bytes.len() || start > end {
        return Err(format!(
            "central directory at {start}..{end} lies outside the {} bytes",
            bytes.len()
        ));
    }
    Ok((start, end, shift))
}

/// Every central-directory entry, in order (duplicates kept). Stops at the first malformed one
/// and says why.
fn entries(bytes: &[u8], start: usize, end: usize, shift: u64) -> (Vec<Central>, Option<String>) {
    let mut out = Vec::new();
    let mut at = start;
    while at < end {
        if bytes.get(at..at + 4) != Some(CENTRAL) {
            return (out, Some(format!("no central entry at byte {at}")));
        }
        let Some(fixed) = bytes.get(at..at + 46) else {
            return (out, Some("central entry cut short".into()));
        };
        let host = fixed[5];
        let flags = u16_at(fixed, 8).unwrap_or(0);
        let method = u16_at(fixed, 10).unwrap_or(0);
        let mut compressed = u64::from(u32_at(fixed, 20).unwrap_or(0));
        let mut size = u64::from(u32_at(fixed, 24).unwrap_or(0));
        let name_len = usize::from(u16_at(fixed, 28).unwrap_or(0));
        let extra_len = usize::from(u16_at(fixed, 30).unwrap_or(0));
        let comment_len = usize::from(u16_at(fixed, 32).unwrap_or(0));
        let external = u32_at(fixed, 38).unwrap_or(0);
        let mut offset = u64::from(u32_at(fixed, 42).unwrap_or(0));
        let name_at = at + 46;
        let Some(name) = bytes.get(name_at..name_at + name_len) else {
            return (out, Some("central entry name cut short".into()));
        };
        let extra = bytes
            .get(name_at + name_len..name_at + name_len + extra_len)
            .unwrap_or(&[]);
        zip64_extra(extra, &mut size, &mut compressed, &mut offset);
        out.push(Central {
            name: name.to_vec(),
            host,
            flags,
            method,
            compressed,
            size,
            external,
            offset: offset.saturating_add(shift),
        });
        at = name_at + name_len + extra_len + comment_len;
    }
    (out, None)
}

/// Widens 0xFFFFFFFF sizes/offset from a zip64 extended-information field (id 1).
fn zip64_extra(mut extra: &[u8], size: &mut u64, compressed: &mut u64, offset: &mut u64) {
    while extra.len() >= 4 {
        let id = u16_at(extra, 0).unwrap_or(0);
        let len = usize::from(u16_at(extra, 2).unwrap_or(0));
        let body = extra.get(4..4 + len).unwrap_or(&extra[4..]);
        if id == 1 {
            let mut at = 0;
            for field in [size, compressed, offset] {
                if *field == u64::from(u32::MAX) {
                    match u64_at(body, at) {
                        Some(v) => *field = v,
                        None => return,
                    }
                    at += 8;
                }
            }
            return;
        }
        extra = extra.get(4 + len..).unwrap_or(&[]);
    }
}

/// What one header (central or local) says about where a member's data is and how to read it.
#[derive(Clone, PartialEq)]
struct View {
    name: Vec<u8>,
    method: u16,
    compressed: u64,
}

pub(crate) fn read(
    bytes: &[u8],
    prefix: &str,
    depth: usize,
    budget: &mut Budget<'_>,
    out: &mut Vec<Member>,
) {
    let mut inflater: Inflater<'_> = None;
    let (start, end, shift) = match directory(bytes) {
        Ok(d) => d,
        Err(e) => {
            budget.issue("corrupt-archive", prefix, format!("zip: {e}"), true);
            return;
        }
    };
    let (central, broken) = entries(bytes, start, end, shift);
    if let Some(why) = broken {
        let detail = format!(
            "zip: central directory damaged after {} entries: {why}",
            central.len()
        );
        budget.issue("corrupt-archive", prefix, detail, true);
    }
    let spans = report_overlaps(bytes, &central, prefix, budget);
    let mut seen = HashSet::new();
    for (i, entry) in central.iter().enumerate() {
        if budget.exhausted {
            break;
        }
        if entry.name.ends_with(b"/") {
            continue;
        }
        let raw = String::from_utf8_lossy(&entry.name).into_owned();
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
        let mode = if entry.host == 3 {
            (entry.external >> 16) & S_IFMT
        } else {
            0
        };
        let kind = match mode {
            S_IFLNK => MemberKind::Symlink,
            S_IFCHR | S_IFBLK | S_IFIFO => MemberKind::Device,
            _ => MemberKind::File,
        };
        if kind != MemberKind::File {
            let code = if kind == MemberKind::Symlink {
                "symlink"
            } else {
                "device-member"
            };
            if budget.nested == 0 {
                let detail = "special member in a zip; not followed".into();
                budget.issue(code, &path, detail, false);
            }
            out.push(Member {
                path,
                kind,
                size: entry.size,
                data: None,
                magic: None,
                skipped: Some("link or device".into()),
                link_target: None,
            });
            continue;
        }
        if entry.flags & 1 != 0 {
            budget.issue(
                "encrypted-member",
                &path,
                "member is encrypted; not analysed".into(),
                true,
            );
            out.push(noted(path, entry.size, "encrypted"));
            continue;
        }
        let at = usize::try_from(entry.offset).unwrap_or(usize::MAX);
        let local = match local_header(bytes, at) {
            Ok(l) => l,
            Err(e) => {
                let detail = format!("zip entry {i}: {e}");
                budget.issue("corrupt-member", &path, detail, true);
                out.push(noted(path, entry.size, &format!("unreadable: {e}")));
                continue;
            }
        };
        let central_view = View {
            name: entry.name.clone(),
            method: entry.method,
            compressed: entry.compressed,
        };
        let mut local_view = View {
            name: local.name.clone(),
            method: local.method,
            compressed: local.compressed,
        };
        // With a data descriptor (flag bit 3) the local sizes are legitimately zero.
        if local.flags & 8 != 0 || local.compressed == 0 {
            local_view.compressed = entry.compressed;
        }
        let mut views = vec![(path.clone(), central_view.clone())];
        if local_view != central_view {
            let mut what = Vec::new();
            if local_view.name != central_view.name {
                what.push(format!(
                    "name {:?} vs {:?}",
                    String::from_utf8_lossy(&local_view.name),
                    String::from_utf8_lossy(&central_view.name)
                ));
            }
            if local_view.method != central_view.method {
                what.push(format!(
                    "method {} vs {}",
                    local_view.method, central_view.method
                ));
            }
            if local_view.compressed != central_view.compressed {
                what.push(format!(
                    "compressed size {} vs {}",
                    local_view.compressed, central_view.compressed
                ));
            }
            let detail = format!(
                "local header disagrees with the central directory ({}); both were read",
                what.join(", ")
            );
            budget.issue("header-mismatch", &path, detail, false);
            // Read what the local header says too, under its own name (the same path when only
            // the sizes or method differ, so the content keeps its role).
            let local_path = if local_view.name == central_view.name {
                path.clone()
            } else {
                let raw = String::from_utf8_lossy(&local_view.name).into_owned();
                join_prefix(prefix, &normalize_path(&raw, budget))
            };
            if budget.admit_member(&local_path) {
                views.push((local_path, local_view));
            }
        }
        for (path, view) in views {
            let lie = read_view(
                bytes,
                at + local.header_len,
                &view,
                entry.size,
                path,
                depth,
                budget,
                out,
                &mut inflater,
            );
            if let Some((path, detail)) = lie {
                budget.issue("size-mismatch", &path, detail, false);
            }
            if budget.exhausted {
                break;
            }
        }
    }
    if !budget.exhausted {
        let to = start.min(bytes.len());
        read_hidden(
            bytes,
            &spans,
            shift,
            to,
            prefix,
            depth,
            budget,
            out,
            &mut inflater,
        );
    }
}

fn noted(path: String, size: u64, why: &str) -> Member {
    Member {
        path,
        kind: MemberKind::File,
        size,
        data: None,
        magic: None,
        skipped: Some(why.to_string()),
        link_target: None,
    }
}

struct Local {
    name: Vec<u8>,
    flags: u16,
    method: u16,
    compressed: u64,
    size: u64,
    /// Bytes from the local header's start to the member's data.
    header_len: usize,
}

fn local_header(bytes: &[u8], at: usize) -> Result<Local, String> {
    let fixed = bytes
        .get(at..at.saturating_add(30))
        .ok_or_else(|| format!("local header at byte {at} lies outside the archive"))?;
    if &fixed[..4] != LOCAL {
        return Err(format!("no local header at byte {at}"));
    }
    let flags = u16_at(fixed, 6).unwrap_or(0);
    let method = u16_at(fixed, 8).unwrap_or(0);
    let mut compressed = u64::from(u32_at(fixed, 18).unwrap_or(0));
    let mut size = u64::from(u32_at(fixed, 22).unwrap_or(0));
    let name_len = usize::from(u16_at(fixed, 26).unwrap_or(0));
    let extra_len = usize::from(u16_at(fixed, 28).unwrap_or(0));
    let name = bytes
        .get(at + 30..at + 30 + name_len)
        .ok_or("local header name cut short")?
        .to_vec();
    let extra = bytes
        .get(at + 30 + name_len..at + 30 + name_len + extra_len)
        .unwrap_or(&[]);
    let mut unused = 0;
    zip64_extra(extra, &mut size, &mut compressed, &mut unused);
    Ok(Local {
        name,
        flags,
        method,
        compressed,
        size,
        header_len: 30 + name_len + extra_len,
    })
}

/// One raw-deflate decoder per archive, reset for each member rather than made anew: its state
/// and window are tens of kilobytes, and an archive of 100,000 members would otherwise allocate
/// and free them 100,000 times (2 GB peak RSS with glibc's allocator, which did not reuse the
/// aligned blocks). It reads the archive's bytes in place (no copy buffer).
type Inflater<'a> = Option<flate2::bufread::DeflateDecoder<&'a [u8]>>;

/// Reads one member's data as `view` describes it. Returns the path and a description when its
/// real size is not the declared one.
#[allow(clippy::too_many_arguments)]
fn read_view<'a>(
    bytes: &'a [u8],
    data_at: usize,
    view: &View,
    declared: u64,
    path: String,
    depth: usize,
    budget: &mut Budget<'_>,
    out: &mut Vec<Member>,
    inflater: &mut Inflater<'a>,
) -> Option<(String, String)> {
    let available = bytes.len().saturating_sub(data_at) as u64;
    let len = view.compressed.min(available);
    if len < view.compressed {
        let detail = format!(
            "member data cut short: {} of {} compressed bytes present",
            len, view.compressed
        );
        budget.issue("corrupt-member", &path, detail, true);
    }
    let start = data_at.min(bytes.len());
    let raw = &bytes[start..start + len as usize];
    let mut stored;
    let mut bz;
    let reader: &mut dyn Read = match view.method {
        0 => {
            stored = raw;
            &mut stored
        }
        8 => {
            let d = inflater.get_or_insert_with(|| flate2::bufread::DeflateDecoder::new(raw));
            d.reset(raw);
            d
        }
        12 => {
            bz = bzip2::read::BzDecoder::new(raw);
            &mut bz
        }
        m => {
            let detail = format!("compression method {m} is not supported; not analysed");
            budget.issue("unsupported-compression", &path, detail, true);
            out.push(noted(path, declared, &format!("compression method {m}")));
            return None;
        }
    };
    let index = out.len();
    read_file_member(reader, path, len.max(1), declared, true, depth, budget, out);
    let m = out.get(index)?;
    // The real size is known when the member was read to its end, or is a lower bound when a
    // limit stopped it; binaries noted from their head are not compared.
    let read_whole = m.data.is_some()
        || m.skipped
            .as_deref()
            .is_some_and(|s| s.starts_with("archive"));
    let stopped = m
        .skipped
        .as_deref()
        .is_some_and(|s| s.contains("limit") || s.starts_with("larger"));
    if (read_whole && m.size != declared) || (stopped && m.size > declared) {
        let detail = format!(
            "declares {declared} bytes but holds {}{}",
            if stopped { "over " } else { "" },
            m.size
        );
        return Some((m.path.clone(), detail));
    }
    None
}

/// Entries whose local header and data overlap another's: several central entries pointing at
/// the same bytes inflate them many times over (a non-recursive zip bomb), and nothing but a
/// crafted archive does it.
/// Returns the entries' byte spans (local header and data), sorted.
fn report_overlaps(
    bytes: &[u8],
    central: &[Central],
    prefix: &str,
    budget: &mut Budget<'_>,
) -> Vec<(u64, u64)> {
    let mut spans: Vec<(u64, u64)> = central
        .iter()
        .map(|e| {
            let header = usize::try_from(e.offset)
                .ok()
                .and_then(|at| local_header(bytes, at).ok())
                .map_or(30, |l| l.header_len as u64);
            (
                e.offset,
                e.offset.saturating_add(header).saturating_add(e.compressed),
            )
        })
        .collect();
    spans.sort_unstable();
    let overlapping = spans.windows(2).filter(|w| w[1].0 < w[0].1).count();
    if overlapping > 0 {
        let detail = format!(
            "{overlapping} entries share bytes with another entry (overlapping-entry zip bomb?)"
        );
        budget.issue("overlapping-members", prefix, detail, false);
    }
    spans
}

/// Local headers that no central entry points at, between the archive's start and its central
/// directory: pip and most scanners never see them, a streaming extractor (reading local headers
/// in order) extracts them. Each is read as its local header describes.
#[allow(clippy::too_many_arguments)]
fn read_hidden<'a>(
    bytes: &'a [u8],
    spans: &[(u64, u64)],
    from: u64,
    to: usize,
    prefix: &str,
    depth: usize,
    budget: &mut Budget<'_>,
    out: &mut Vec<Member>,
    inflater: &mut Inflater<'a>,
) {
    // Gaps between the listed spans (sorted by start), then after the last one.
    let mut gaps = Vec::new();
    let mut cursor = from;
    for &(start, end) in spans {
        if start > cursor {
            gaps.push((cursor, start));
        }
        cursor = cursor.max(end);
    }
    gaps.push((cursor, to as u64));
    for (gap_start, gap_end) in gaps {
        let gap_end = usize::try_from(gap_end).unwrap_or(usize::MAX).min(to);
        let mut at = usize::try_from(gap_start).unwrap_or(usize::MAX);
        while at.saturating_add(4) <= gap_end && !budget.exhausted {
            let Some(found) = bytes[at..gap_end].windows(4).position(|w| w == LOCAL) else {
                break;
            };
            let local_at = at + found;
            let Ok(local) = local_header(bytes, local_at) else {
                at = local_at + 4;
                continue;
            };
            let raw = String::from_utf8_lossy(&local.name).into_owned();
            let path = join_prefix(prefix, &normalize_path(&raw, budget));
            let detail = format!(
                "local header at byte {local_at} has no central directory entry (a streaming \
             extractor sees it, pip does not); read as the local header says"
            );
            budget.issue("header-mismatch", &path, detail, false);
            if !budget.admit_member(&path) {
                return;
            }
            let view = View {
                name: local.name.clone(),
                method: local.method,
                compressed: local.compressed,
            };
            read_view(
                bytes,
                local_at + local.header_len,
                &view,
                local.size,
                path,
                depth,
                budget,
                out,
                inflater,
            );
            at = (local_at + local.header_len)
                .saturating_add(local.compressed as usize)
                .max(local_at + 4);
        }
    }
}

#[cfg(test)]
#[path = "testzip.rs"]
mod testzip;

#[cfg(test)]
mod tests {
    use super::testzip::{build, deflated, stored};
    use crate::{read_bytes, Limits, MemberKind};

    fn codes(a: &crate::Archive) -> Vec<&str> {
        a.issues.iter().map(|i| i.code).collect()
    }

    #[test]
    fn every_duplicate_is_read() {
        let z = build(&[
            deflated("p/__init__.py", b"import os\nos.system('id')\n"),
            deflated("p/__init__.py", b"VERSION = '1'\n"),
        ]);
        let a = read_bytes(&z, "p.whl", &Limits::default());
        let data: Vec<_> = a.members.iter().map(|m| m.data.clone().unwrap()).collect();
        assert_eq!(data.len(), 2);
        assert!(data[0].starts_with(b"import os"));
        assert_eq!(codes(&a), ["duplicate-member"]);
    }

    #[test]
    fn local_header_disagreeing_is_reported_and_both_read() {
        let mut e = stored("p/README.txt", b"import os\nos.system('id')\n");
        e.local_name = b"p/__init__.py".to_vec();
        let a = read_bytes(&build(&[e]), "p.whl", &Limits::default());
        assert_eq!(codes(&a), ["header-mismatch"]);
        let paths: Vec<_> = a.members.iter().map(|m| m.path.as_str()).collect();
        assert_eq!(paths, ["p/README.txt", "p/__init__.py"]);
        assert!(a.members.iter().all(|m| m.data.is_some()));

        // Compressed size: the local header hides the tail that the central entry includes.
        let mut e = stored("p/x.py", b"x = 1\nimport os; os.system('id')\n");
        e.local_compressed = 6;
        let a = read_bytes(&build(&[e]), "p.whl", &Limits::default());
        assert!(codes(&a).contains(&"header-mismatch"), "{:?}", codes(&a));
        assert_eq!(a.members.len(), 2);
    }

    #[test]
    fn local_headers_missing_from_the_central_directory_are_read() {
        let mut hidden = deflated("p/_hook.py", b"import os\nos.system('id')\n");
        hidden.hidden = true;
        let z = build(&[stored("p/__init__.py", b"VERSION = 1\n"), hidden]);
        let a = read_bytes(&z, "p.whl", &Limits::default());
        assert_eq!(codes(&a), ["header-mismatch"]);
        let paths: Vec<_> = a.members.iter().map(|m| m.path.as_str()).collect();
        assert_eq!(paths, ["p/__init__.py", "p/_hook.py"]);
        assert!(a.members[1]
            .data
            .as_deref()
            .unwrap()
            .starts_with(b"import os"));
    }

    #[test]
    fn overlapping_entries_and_lying_sizes_are_reported() {
        let mut second = deflated("b.txt", &[b'a'; 4096]);
        second.share = Some(0);
        let z = build(&[deflated("a.txt", &[b'a'; 4096]), second]);
        let a = read_bytes(&z, "o.zip", &Limits::default());
        assert!(
            codes(&a).contains(&"overlapping-members"),
            "{:?}",
            codes(&a)
        );

        let mut small = deflated("s.py", &[b'#'; 100_000]);
        small.size = 10;
        let a = read_bytes(&build(&[small]), "s.zip", &Limits::default());
        assert!(codes(&a).contains(&"size-mismatch"), "{:?}", codes(&a));
        assert_eq!(a.members[0].size, 100_000);
    }

    #[test]
    fn a_declared_size_larger_than_the_content_keeps_no_room() {
        // Content is read in place, sized from the declared size; a member claiming 30 MiB
        // that holds 100 bytes must not keep 30 MiB (100,000 such members would be 3 TB).
        let mut big = deflated("s.py", &[b'#'; 100]);
        big.size = 30 << 20;
        let a = read_bytes(&build(&[big]), "s.zip", &Limits::default());
        let data = a.members[0].data.as_ref().expect("content");
        assert_eq!(data.len(), 100);
        assert!(data.capacity() < 4096, "capacity {}", data.capacity());
    }

    /// Issues of one kind are listed up to 20, then counted, even those that leave members
    /// unread; the count keeps saying the package was partly unread.
    #[test]
    fn a_flood_of_unread_members_is_counted_not_listed() {
        let entries: Vec<_> = (0..500)
            .map(|i| {
                let mut e = stored(&format!("p/m{i}.py"), b"x = 1\n");
                e.method = 99;
                e
            })
            .collect();
        let a = read_bytes(&build(&entries), "p.zip", &Limits::default());
        let unsupported: Vec<_> = a
            .issues
            .iter()
            .filter(|i| i.code == "unsupported-compression")
            .collect();
        assert_eq!(unsupported.len(), 21);
        let last = unsupported.last().unwrap();
        assert_eq!(last.detail, "480 more like the above, not listed");
        assert!(unsupported.iter().all(|i| i.incomplete));
    }

    #[test]
    fn links_devices_prefix_and_damage() {
        let mut l = stored("p/link", b"/etc/passwd");
        l.mode = 0o120777;
        let mut d = stored("p/dev", b"");
        d.mode = 0o020644;
        let z = build(&[l, d, stored("p/ok.py", b"x = 1\n")]);
        let a = read_bytes(&z, "p.zip", &Limits::default());
        let kinds: Vec<_> = a.members.iter().map(|m| m.kind).collect();
        assert_eq!(
            kinds,
            [MemberKind::Symlink, MemberKind::Device, MemberKind::File]
        );
        assert_eq!(codes(&a), ["symlink", "device-member"]);

        // A shebang before the zip (as a zipapp has) shifts every offset.
        let mut pre = b"#!/usr/bin/env python3\n".to_vec();
        pre.extend(build(&[stored("__main__.py", b"print(1)\n")]));
        let limits = Limits::default();
        let mut budget = crate::Budget::new(&limits);
        let mut out = Vec::new();
        super::read(&pre, "", 0, &mut budget, &mut out);
        assert!(budget.issues.is_empty());
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].data.as_deref(), Some(&b"print(1)\n"[..]));

        // Cut in the middle of the data: the central directory is gone.
        let a = read_bytes(&z[..z.len() / 2], "p.zip", &Limits::default());
        assert!(a.issues.iter().any(|i| i.incomplete));
    }
}
