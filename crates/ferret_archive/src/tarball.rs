//! Tar reading (plain, gzip, bzip2, xz). Tar is a stream: every member's bytes pass through the
//! decompressor, but only the ones worth analysing are kept.

use crate::{join_prefix, normalize_path, read_file_member, Budget, Member, MemberKind};
use std::cell::Cell;
use std::collections::HashSet;
use std::io::{self, Read, Seek, SeekFrom};
use std::rc::Rc;
use tar::EntryType;

/// The stream under the tar reader, which skips what ferret leaves unread (a binary past its
/// first bytes, a member past a limit, padding) by seeking when it can. Seeking forward here
/// reads into one buffer kept for the archive, and the bytes skipped count against the
/// package's inflation limit. Without it the tar crate zeroes a 32 KiB buffer to skip each
/// member, even when there is nothing to skip, and what it skips was never counted (a 3 GiB
/// member after its first 32 MiB inflated unseen).
struct ForwardSeek<R> {
    inner: R,
    pos: u64,
    scratch: Vec<u8>,
    meter: Rc<SkipMeter>,
}

/// Shared by the reader and the loop over members, which counts what was skipped and sets
/// how much more may be.
#[derive(Default)]
struct SkipMeter {
    skipped: Cell<u64>,
    room: Cell<u64>,
    over: Cell<bool>,
}

impl<R: Read> Read for ForwardSeek<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: Read> Seek for ForwardSeek<R> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let SeekFrom::Current(delta) = to else {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "stream seeks forward only",
            ));
        };
        let mut left = u64::try_from(delta)
            .map_err(|_| io::Error::new(io::ErrorKind::Unsupported, "stream seeks forward only"))?;
        let meter = &self.meter;
        if left > 0 && self.scratch.is_empty() {
            self.scratch = vec![0; 64 * 1024];
        }
        // Read, not taken from the header: a member that declares more than the stream holds
        // ends in an unexpected EOF, as a truncated archive does.
        while left > 0 {
            if meter.room.get() == 0 {
                meter.over.set(true);
                return Err(io::Error::other(
                    "skipping a member inflates past the package limit",
                ));
            }
            let want = left.min(self.scratch.len() as u64).min(meter.room.get()) as usize;
            let n = self.inner.read(&mut self.scratch[..want])?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "unexpected EOF during skip",
                ));
            }
            left -= n as u64;
            self.pos += n as u64;
            meter.room.set(meter.room.get() - n as u64);
            meter.skipped.set(meter.skipped.get() + n as u64);
        }
        Ok(self.pos)
    }
}

pub(crate) fn read<R: Read>(
    reader: R,
    compressed_len: u64,
    prefix: &str,
    depth: usize,
    budget: &mut Budget<'_>,
    out: &mut Vec<Member>,
) {
    let meter = Rc::new(SkipMeter::default());
    let mut archive = tar::Archive::new(ForwardSeek {
        inner: reader,
        pos: 0,
        scratch: Vec::new(),
        meter: Rc::clone(&meter),
    });
    let mut entries = match archive.entries_with_seek() {
        Ok(e) => e,
        Err(e) => {
            budget.issue("corrupt-archive", prefix, format!("tar: {e}"), true);
            return;
        }
    };
    let mut seen = HashSet::new();
    let mut any = false;
    let mut damaged = false;
    let max_inflated = budget.limits.max_inflated_bytes;
    // The member whose unread rest the next step skips.
    let mut last = String::new();
    // Ratio of a streamed member is measured against the whole compressed input, so a bomb
    // inside one member is still caught by the package inflation limit.
    loop {
        meter.room.set(max_inflated.saturating_sub(budget.inflated));
        let entry = entries.next();
        budget.inflated += meter.skipped.replace(0);
        let Some(entry) = entry else {
            break;
        };
        let mut entry = match entry {
            Ok(e) => e,
            Err(_) if meter.over.get() => {
                budget.exhausted = true;
                let detail = format!(
                    "package inflates past {max_inflated} bytes with the rest of this member; reading stopped"
                );
                let at = if last.is_empty() { prefix } else { &last };
                budget.issue("total-too-large", at, detail, true);
                break;
            }
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
        last.clone_from(&path);
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
        // The header's size places the next header, so it cannot overstate the member by more
        // than what the stream holds: the content is read into one allocation of that size
        // (it was grown by doubling, each step copying it and zeroing the new room).
        let declared = entry.header().entry_size().unwrap_or(0);
        let index = out.len();
        read_file_member(
            &mut entry,
            path,
            compressed_len.max(1),
            declared,
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

#[cfg(test)]
mod tests {
    use crate::{read_bytes, Limits};
    use std::io::Read;

    /// A .tar.gz: a 16 MiB `.py` member (past the 1 MiB member cap set below, so all but its
    /// start is skipped), then a small `setup.py`.
    fn big_member_then_setup() -> Vec<u8> {
        let mut t = tar::Builder::new(flate2::write::GzEncoder::new(
            Vec::new(),
            flate2::Compression::fast(),
        ));
        for (path, size) in [("p-1.0/p/big.py", 16u64 << 20), ("p-1.0/setup.py", 8)] {
            let mut h = tar::Header::new_gnu();
            h.set_size(size);
            h.set_mode(0o644);
            h.set_path(path).unwrap();
            h.set_cksum();
            t.append(&h, std::io::repeat(b' ').take(size)).unwrap();
        }
        t.into_inner().unwrap().finish().unwrap()
    }

    #[test]
    fn skipped_bytes_count_against_the_inflation_limit() {
        let bytes = big_member_then_setup();
        let mut limits = Limits {
            max_member_bytes: 1 << 20,
            max_ratio: u64::MAX,
            ..Limits::default()
        };
        // Room for the skip: both members are read, nothing is over the package limit.
        limits.max_inflated_bytes = 64 << 20;
        let a = read_bytes(&bytes, "p-1.0.tar.gz", &limits);
        assert!(a.members.iter().any(|m| m.path == "p-1.0/setup.py"));
        assert!(
            a.issues.iter().all(|i| i.code != "total-too-large"),
            "{:?}",
            a.issues
        );
        // Without it: the skip of the big member's rest stops reading, and says where.
        limits.max_inflated_bytes = 8 << 20;
        let a = read_bytes(&bytes, "p-1.0.tar.gz", &limits);
        assert!(a.members.iter().all(|m| m.path != "p-1.0/setup.py"));
        let over: Vec<_> = a
            .issues
            .iter()
            .filter(|i| i.code == "total-too-large")
            .collect();
        assert_eq!(over.len(), 1, "{:?}", a.issues);
        assert_eq!(over[0].path, "p-1.0/p/big.py");
        assert!(over[0].incomplete);
    }
}
