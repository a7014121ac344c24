//! Reads Python packages — wheels, sdists, eggs, directories, lone files — into memory.
//!
//! First stage of the pipeline. Nothing is ever written to disk or followed: symlinks, device
//! entries, `..` and absolute paths become [`Issue`]s. Every limit is checked against the bytes
//! really produced by decompression, never against sizes the archive declares. The format is
//! sniffed from content, because real uploads named `.tar.gz` are sometimes zips.

use sha2::{Digest, Sha256};
use std::io::{self, Read};
use std::path::Path;
use std::time::{Duration, Instant};

mod dir;
mod tarball;
mod zipfile;

pub use dir::{is_package_dir, read_dir};

/// Bounds on what reading one package may cost.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Members per package (all nesting levels together).
    pub max_members: usize,
    /// Bytes kept in memory for one member; larger members are noted, not read.
    pub max_member_bytes: u64,
    /// Bytes kept in memory for the whole package.
    pub max_kept_bytes: u64,
    /// Bytes decompressed for the whole package, kept or not (tar streams must be read through).
    pub max_inflated_bytes: u64,
    /// A member whose inflated size exceeds this ratio to its compressed size (and 1 MiB) is a bomb.
    pub max_ratio: u64,
    /// Archives inside archives.
    pub max_depth: usize,
    /// Size of an archive file accepted for reading.
    pub max_archive_bytes: u64,
    /// Wall-clock budget for reading one package.
    pub time_budget: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_members: 100_000,
            max_member_bytes: 32 << 20,
            max_kept_bytes: 256 << 20,
            max_inflated_bytes: 1 << 30,
            max_ratio: 200,
            max_depth: 4,
            max_archive_bytes: 1 << 30,
            time_budget: Duration::from_secs(20),
        }
    }
}

/// Container formats, sniffed from content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Zip,
    TarGz,
    TarBz2,
    TarXz,
    Tar,
    Directory,
    File,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Zip => "zip",
            Self::TarGz => "tar.gz",
            Self::TarBz2 => "tar.bz2",
            Self::TarXz => "tar.xz",
            Self::Tar => "tar",
            Self::Directory => "directory",
            Self::File => "file",
        }
    }
}

/// What a member is, as recorded by the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberKind {
    File,
    Symlink,
    Hardlink,
    Device,
}

/// Well-known leading bytes, so binaries can be noted without reading them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Magic {
    Elf,
    Pe,
    MachO,
    Pyc,
    Shebang,
    Zip,
    Gzip,
    Bzip2,
    Xz,
    Png,
    Jpeg,
    Gif,
}

impl Magic {
    pub fn sniff(head: &[u8]) -> Option<Self> {
        Some(match head {
            [0x7f, b'E', b'L', b'F', ..] => Self::Elf,
            [b'M', b'Z', ..] => Self::Pe,
            [0xfe, 0xed, 0xfa, 0xce | 0xcf, ..]
            | [0xce | 0xcf, 0xfa, 0xed, 0xfe, ..]
            | [0xca, 0xfe, 0xba, 0xbe, ..] => Self::MachO,
            [b'#', b'!', ..] => Self::Shebang,
            [b'P', b'K', 3, 4, ..] | [b'P', b'K', 5, 6, ..] => Self::Zip,
            [0x1f, 0x8b, ..] => Self::Gzip,
            [b'B', b'Z', b'h', ..] => Self::Bzip2,
            [0xfd, b'7', b'z', b'X', b'Z', 0, ..] => Self::Xz,
            [0x89, b'P', b'N', b'G', ..] => Self::Png,
            [0xff, 0xd8, 0xff, ..] => Self::Jpeg,
            [b'G', b'I', b'F', b'8', ..] => Self::Gif,
            // CPython .pyc: a 2-byte version magic (3.x: 3000..4000, 2.7: 62211) then \r\n.
            [a, b, b'\r', b'\n', ..]
                if head.len() >= 16
                    && matches!(u16::from_le_bytes([*a, *b]), 3000..=4000 | 62211) =>
            {
                Self::Pyc
            }
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Elf => "elf",
            Self::Pe => "pe",
            Self::MachO => "macho",
            Self::Pyc => "pyc",
            Self::Shebang => "shebang",
            Self::Zip => "zip",
            Self::Gzip => "gzip",
            Self::Bzip2 => "bzip2",
            Self::Xz => "xz",
            Self::Png => "png",
            Self::Jpeg => "jpeg",
            Self::Gif => "gif",
        }
    }
    fn is_archive(self) -> bool {
        matches!(self, Self::Zip | Self::Gzip | Self::Bzip2 | Self::Xz)
    }
}

/// One member of a package.
#[derive(Debug, Clone)]
pub struct Member {
    /// Normalised path: `/`-separated, no leading `./`, no `..` (a path that tried to escape is
    /// kept with those components dropped, and an issue says so). Members of nested archives are
    /// named `outer.whl!/inner/path`.
    pub path: String,
    pub kind: MemberKind,
    /// Size in bytes as really read (or as declared, when the member was not read).
    pub size: u64,
    /// Full content for members ferret analyses; `None` when only noted.
    pub data: Option<Vec<u8>>,
    pub magic: Option<Magic>,
    /// Why the content is not here, when it is not.
    pub skipped: Option<String>,
    /// Target of a link member.
    pub link_target: Option<String>,
}

/// Something about the archive itself that a rule may care about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// Stable code matched by rules (`path-traversal`, `member-too-large`, ...).
    pub code: &'static str,
    pub path: String,
    pub detail: String,
    /// Whether this issue means some content was not analysed.
    pub incomplete: bool,
}

/// A package read into memory.
#[derive(Debug, Clone)]
pub struct Archive {
    pub format: Format,
    pub sha256: String,
    pub members: Vec<Member>,
    pub issues: Vec<Issue>,
}

/// Reading state shared by nested readers: limits and the budget spent so far.
pub(crate) struct Budget<'a> {
    pub limits: &'a Limits,
    pub members: usize,
    pub kept: u64,
    pub inflated: u64,
    pub started: Instant,
    pub issues: Vec<Issue>,
    /// Set once a package-wide limit is hit; readers stop then.
    pub exhausted: bool,
    /// Depth of archive nesting being read (0: the package itself).
    pub nested: usize,
    /// Issues raised per code, listed or not, and whether one not listed left the package
    /// partly unread (see [`Budget::issue`]).
    raised: Vec<(&'static str, usize, bool)>,
    /// Where members read only to be skipped are read into: allocated once per package, when
    /// a first one is longer than its head (an archive of 100,000 small binaries zeroed a new
    /// 64 KiB buffer for each: a fifth of its scan).
    scratch: Vec<u8>,
}

/// Issues listed per code: a hostile archive can raise one per member (a crafted zip, a lie per
/// entry). Bounded per code, not in all, so a flood of one kind (10,000 symlinks) cannot push
/// out another (one `../` path).
const ISSUES_LISTED_PER_CODE: usize = 20;

impl<'a> Budget<'a> {
    pub fn new(limits: &'a Limits) -> Self {
        Self {
            limits,
            members: 0,
            kept: 0,
            inflated: 0,
            started: Instant::now(),
            issues: Vec::new(),
            exhausted: false,
            nested: 0,
            raised: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// Records an issue; past [`ISSUES_LISTED_PER_CODE`] of one code, only counts it (and
    /// [`Budget::finish`] says how many more there were, and whether one of those left the
    /// package partly unread).
    pub fn issue(&mut self, code: &'static str, path: &str, detail: String, incomplete: bool) {
        let i = match self.raised.iter().position(|(c, _, _)| *c == code) {
            Some(i) => i,
            None => {
                self.raised.push((code, 0, false));
                self.raised.len() - 1
            }
        };
        let (_, n, unlisted_incomplete) = &mut self.raised[i];
        *n += 1;
        if *n > ISSUES_LISTED_PER_CODE {
            *unlisted_incomplete |= incomplete;
        } else {
            self.issues.push(Issue {
                code,
                path: path.to_string(),
                detail,
                incomplete,
            });
        }
    }

    /// The issues, with one more per code whose issues were not all listed, saying how many.
    pub fn finish(mut self, prefix: &str) -> Vec<Issue> {
        for (code, n, incomplete) in std::mem::take(&mut self.raised) {
            if n > ISSUES_LISTED_PER_CODE {
                self.issues.push(Issue {
                    code,
                    path: prefix.to_string(),
                    detail: format!(
                        "{} more like the above, not listed",
                        n - ISSUES_LISTED_PER_CODE
                    ),
                    incomplete,
                });
            }
        }
        self.issues
    }

    /// Counts a member; false once the member limit or the time budget is exhausted.
    pub fn admit_member(&mut self, path: &str) -> bool {
        if self.exhausted {
            return false;
        }
        self.members += 1;
        if self.members > self.limits.max_members {
            self.exhausted = true;
            let detail = format!(
                "more than {} members; the rest was not read",
                self.limits.max_members
            );
            self.issue("too-many-members", path, detail, true);
            return false;
        }
        if self.started.elapsed() > self.limits.time_budget {
            self.exhausted = true;
            let detail = format!(
                "reading took over {:?}; the rest was not read",
                self.limits.time_budget
            );
            self.issue("time-budget", path, detail, true);
            return false;
        }
        true
    }
}

/// Longest member path kept as it is. Installers cannot extract longer ones (Linux's PATH_MAX
/// is 4096 bytes); an archive can name members with megabytes each (PAX headers, zip names of
/// 64 KB), which kept whole cost memory several times over (2,000 such names in a 400 MB tar:
/// 1.3 GB).
const MAX_PATH_BYTES: usize = 4096;

/// A path over [`MAX_PATH_BYTES`] as its head and its tail (the file name, which gives the
/// member its role), joined by `…`.
fn shorten_path(raw: &str) -> String {
    let head_end = (0..=1024)
        .rev()
        .find(|&i| raw.is_char_boundary(i))
        .unwrap_or(0);
    let tail_start = (raw.len() - 1024..raw.len())
        .find(|&i| raw.is_char_boundary(i))
        .unwrap_or(raw.len());
    format!("{}…{}", &raw[..head_end], &raw[tail_start..])
}

/// Normalises a member path and reports attempts to escape the package.
pub(crate) fn normalize_path(raw: &str, budget: &mut Budget<'_>) -> String {
    let shortened;
    let raw = if raw.len() > MAX_PATH_BYTES {
        shortened = shorten_path(raw);
        let detail = format!(
            "member path is {} bytes long (over {MAX_PATH_BYTES}: no installer can extract it); \
             shortened to its head and tail",
            raw.len()
        );
        budget.issue("path-too-long", &shortened, detail, false);
        shortened.as_str()
    } else {
        raw
    };
    let unified = raw.replace('\\', "/");
    let absolute = unified.starts_with('/')
        || (unified.len() >= 2
            && unified.as_bytes()[1] == b':'
            && unified.as_bytes()[0].is_ascii_alphabetic());
    let mut parts: Vec<&str> = Vec::new();
    let mut escaped = false;
    for part in unified.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                escaped = true;
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let clean = parts.join("/");
    if budget.nested > 0 {
        // Members of an archive inside the package are not extracted by an installer.
        return clean;
    }
    if absolute {
        budget.issue(
            "absolute-path",
            &clean,
            format!("member has an absolute path: {raw:?}"),
            false,
        );
    } else if escaped {
        budget.issue(
            "path-traversal",
            &clean,
            format!("member path contains `..`: {raw:?}"),
            false,
        );
    }
    clean
}

/// Whether a member's full content is worth reading: code, metadata, text, nested archives.
/// Binaries (images, shared objects) are noted by name, size and magic only.
pub(crate) fn wants_content(path: &str, head: &[u8]) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    const CODE: &[&str] = &[".py", ".pyw", ".pth", ".pyi"];
    if CODE.iter().any(|e| name.ends_with(e)) {
        return true;
    }
    if let Some(m) = Magic::sniff(head) {
        return m.is_archive() || m == Magic::Shebang;
    }
    // Text-like content (no NUL in the first bytes) can be read and executed by setup.py,
    // whatever its extension, so it is kept.
    !head.contains(&0)
}

/// Reads a package from a path: a file (archive or lone source) or a directory tree.
pub fn read_path(path: &Path, limits: &Limits) -> io::Result<Archive> {
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return read_dir(path, limits);
    }
    if meta.len() > limits.max_archive_bytes {
        return Err(io::Error::other(format!(
            "{} bytes is over the {}-byte limit for one archive (--max-archive-bytes)",
            meta.len(),
            limits.max_archive_bytes
        )));
    }
    let bytes = std::fs::read(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(read_bytes(&bytes, &name, limits))
}

/// Reads a package from bytes; `name` is used only for a lone source file's member name.
pub fn read_bytes(bytes: &[u8], name: &str, limits: &Limits) -> Archive {
    let sha256 = hex(&Sha256::digest(bytes));
    let mut budget = Budget::new(limits);
    let mut members = Vec::new();
    let format = read_container(bytes, name, "", 0, &mut budget, &mut members);
    Archive {
        format,
        sha256,
        members,
        issues: budget.finish(""),
    }
}

/// Dispatches on sniffed content. `prefix` names the enclosing archive for nested members.
pub(crate) fn read_container(
    bytes: &[u8],
    name: &str,
    prefix: &str,
    depth: usize,
    budget: &mut Budget<'_>,
    out: &mut Vec<Member>,
) -> Format {
    match Magic::sniff(bytes) {
        Some(Magic::Zip) => {
            zipfile::read(bytes, prefix, depth, budget, out);
            Format::Zip
        }
        Some(magic @ (Magic::Gzip | Magic::Bzip2)) => {
            let (dec, format): (Box<dyn Read + '_>, Format) = if magic == Magic::Gzip {
                (
                    // Over the bytes in place: no copy buffer.
                    Box::new(flate2::bufread::MultiGzDecoder::new(bytes)),
                    Format::TarGz,
                )
            } else {
                (
                    Box::new(bzip2::read::MultiBzDecoder::new(bytes)),
                    Format::TarBz2,
                )
            };
            read_stream(
                dec,
                bytes.len() as u64,
                name,
                prefix,
                depth,
                budget,
                out,
                format,
            )
        }
        Some(Magic::Xz) => {
            // lzma-rs decodes into a writer; bound it so an xz bomb stops at the limit.
            let cap = budget
                .limits
                .max_inflated_bytes
                .saturating_sub(budget.inflated);
            let mut sink = BoundedSink {
                buf: Vec::new(),
                cap,
            };
            let res = lzma_rs::xz_decompress(&mut io::BufReader::new(bytes), &mut sink);
            let over = sink.buf.len() as u64 >= cap;
            if over {
                budget.exhausted = true;
                budget.issue(
                    "total-too-large",
                    prefix,
                    "xz stream inflates past the package limit".into(),
                    true,
                );
            } else if let Err(e) = res {
                budget.issue("corrupt-archive", prefix, format!("xz: {e}"), true);
            }
            read_stream(
                &sink.buf[..],
                bytes.len() as u64,
                name,
                prefix,
                depth,
                budget,
                out,
                Format::TarXz,
            )
        }
        _ if looks_like_tar(bytes) => {
            tarball::read(bytes, bytes.len() as u64, prefix, depth, budget, out);
            Format::Tar
        }
        _ => {
            let path = if prefix.is_empty() {
                name.to_string()
            } else {
                prefix.to_string()
            };
            if budget.admit_member(&path) {
                out.push(Member {
                    path,
                    kind: MemberKind::File,
                    size: bytes.len() as u64,
                    data: Some(bytes.to_vec()),
                    magic: Magic::sniff(bytes),
                    skipped: None,
                    link_target: None,
                });
            }
            Format::File
        }
    }
}

/// A decompressed stream is a tar (an sdist) or a single compressed file (`data.json.xz`
/// inside a package), told apart by the tar magic.
#[allow(clippy::too_many_arguments)]
fn read_stream<R: Read>(
    mut dec: R,
    compressed: u64,
    name: &str,
    prefix: &str,
    depth: usize,
    budget: &mut Budget<'_>,
    out: &mut Vec<Member>,
    format: Format,
) -> Format {
    let mut head = Vec::with_capacity(512);
    if let Err(e) = (&mut dec).take(512).read_to_end(&mut head) {
        budget.issue(
            "corrupt-archive",
            prefix,
            format!("{}: {e}", format.as_str()),
            true,
        );
        return format;
    }
    if looks_like_tar(&head) || (head.len() < 512 && head.iter().all(|&b| b == 0)) {
        tarball::read(
            io::Cursor::new(head).chain(dec),
            compressed,
            prefix,
            depth,
            budget,
            out,
        );
        return format;
    }
    // A single compressed file: one member named after it, without the compression suffix.
    // Inside another archive it is listed under its container (`data.json.gz!/data.json`),
    // so it never takes the name of a real member of that archive.
    let base = if prefix.is_empty() {
        name
    } else {
        let outer = prefix.trim_end_matches('!');
        outer.rsplit('/').next().unwrap_or(outer)
    };
    let stem = [".gz", ".bz2", ".xz", ".tgz"]
        .iter()
        .find_map(|e| base.strip_suffix(e))
        .unwrap_or(base);
    let path = join_prefix(prefix, stem);
    if budget.admit_member(&path) {
        let mut reader = io::Cursor::new(head).chain(dec);
        read_file_member(
            &mut reader,
            path,
            compressed.max(1),
            0,
            false,
            depth,
            budget,
            out,
        );
    }
    Format::File
}

fn looks_like_tar(bytes: &[u8]) -> bool {
    bytes.len() >= 512 && &bytes[257..262] == b"ustar"
}

/// A writer that stops accepting bytes at `cap`.
struct BoundedSink {
    buf: Vec<u8>,
    cap: u64,
}

impl io::Write for BoundedSink {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let room = self.cap.saturating_sub(self.buf.len() as u64) as usize;
        if room == 0 {
            return Err(io::Error::other("limit reached"));
        }
        let n = data.len().min(room);
        self.buf.extend_from_slice(&data[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// How much of a member is read between two checks of the limits.
const CHUNK: u64 = 64 * 1024;

/// Reads one member's content through `reader`, enforcing per-member, package and ratio limits
/// on the bytes actually produced. Returns the content when it is to be kept.
pub(crate) fn read_member_content(
    reader: &mut dyn Read,
    path: &str,
    compressed: u64,
    declared: u64,
    random_access: bool,
    budget: &mut Budget<'_>,
) -> (Option<Vec<u8>>, u64, Option<Magic>, Option<String>) {
    let limits = budget.limits;
    let mut head = [0u8; 512];
    let mut head_len = 0;
    let mut at_end = false;
    // Fill the head (reads may return short).
    while head_len < head.len() {
        match reader.read(&mut head[head_len..]) {
            Ok(0) => {
                at_end = true;
                break;
            }
            Ok(n) => head_len += n,
            Err(e) => {
                budget.issue("corrupt-member", path, e.to_string(), true);
                return (
                    None,
                    head_len as u64,
                    None,
                    Some(format!("unreadable: {e}")),
                );
            }
        }
    }
    let head = &head[..head_len];
    let magic = Magic::sniff(head);
    let keep = wants_content(path, head);
    let member_cap = limits.max_member_bytes;
    let mut data = Vec::new();
    if keep {
        // Sized once from the declared size (capped: headers can lie), so that the content
        // is read in place rather than copied through a buffer into a growing vector.
        let room = limits.max_kept_bytes.saturating_sub(budget.kept);
        let hint = declared.min(member_cap + 1).min(room).max(head_len as u64);
        data.reserve_exact(usize::try_from(hint).unwrap_or(head_len));
        data.extend_from_slice(head);
    }
    let mut total = head_len as u64;
    let mut skipped = None;
    if !keep && random_access {
        // Zip: the head was enough to note a binary; don't inflate the rest.
        budget.inflated += total;
        return (None, declared.max(total), magic, Some(skip_reason(magic)));
    }
    loop {
        if at_end {
            // The head held the whole member.
            break;
        }
        if budget.inflated + total > limits.max_inflated_bytes {
            budget.exhausted = true;
            let detail = format!(
                "package inflates past {} bytes; reading stopped",
                limits.max_inflated_bytes
            );
            budget.issue("total-too-large", path, detail, true);
            skipped = Some("package size limit reached".to_string());
            break;
        }
        if total > 1 << 20 && compressed > 0 && total / compressed.max(1) > limits.max_ratio {
            let detail = format!(
                "inflates more than {}x ({} bytes from {})",
                limits.max_ratio, total, compressed
            );
            budget.issue("ratio-too-high", path, detail, true);
            skipped = Some("compression ratio limit reached (bomb?)".to_string());
            break;
        }
        if keep && total > member_cap {
            let detail = format!("member is over {member_cap} bytes; not analysed");
            // Code members that are too big leave the package partly unanalysed; a large data
            // file (a .dmg, a dataset) is only noted.
            let code = [".py", ".pyw", ".pth"]
                .iter()
                .any(|e| path.to_ascii_lowercase().ends_with(e));
            if code {
                budget.issue("member-too-large", path, detail, true);
            }
            skipped = Some(format!("larger than {member_cap} bytes"));
            break;
        }
        let read = if keep {
            // Straight into `data`; the limits above are checked again every chunk.
            reader.take(CHUNK).read_to_end(&mut data)
        } else {
            if budget.scratch.is_empty() {
                budget.scratch = vec![0u8; CHUNK as usize];
            }
            reader.read(&mut budget.scratch)
        };
        let n = match read {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                budget.issue("corrupt-member", path, e.to_string(), true);
                skipped = Some(format!("unreadable: {e}"));
                break;
            }
        };
        total += n as u64;
    }
    budget.inflated += total;
    if skipped.is_some() || !keep {
        return (
            None,
            total,
            magic,
            skipped.or_else(|| Some(skip_reason(magic))),
        );
    }
    if budget.kept + data.len() as u64 > limits.max_kept_bytes {
        budget.exhausted = true;
        let detail = format!(
            "package holds more than {} bytes of analysable content",
            limits.max_kept_bytes
        );
        budget.issue("total-too-large", path, detail, true);
        return (
            None,
            total,
            magic,
            Some("package size limit reached".into()),
        );
    }
    if data.capacity() > data.len() + data.len() / 4 {
        // The declared size was a lie: don't hold on to room that was never filled.
        data.shrink_to_fit();
    }
    budget.kept += data.len() as u64;
    (Some(data), total, magic, None)
}

fn skip_reason(magic: Option<Magic>) -> String {
    match magic {
        Some(m) => format!("binary ({})", m.as_str()),
        None => "binary".to_string(),
    }
}

/// Reads a regular member's content within the limits and adds it (opening nested archives).
#[allow(clippy::too_many_arguments)]
pub(crate) fn read_file_member(
    reader: &mut dyn Read,
    path: String,
    compressed: u64,
    declared: u64,
    random_access: bool,
    depth: usize,
    budget: &mut Budget<'_>,
    out: &mut Vec<Member>,
) {
    let (data, size, magic, skipped) =
        read_member_content(reader, &path, compressed, declared, random_access, budget);
    let member = Member {
        path,
        kind: MemberKind::File,
        size,
        data,
        magic,
        skipped,
        link_target: None,
    };
    push_member(member, depth, budget, out);
}

/// After a member is read: recurse into nested archives (bounded depth).
pub(crate) fn push_member(
    member: Member,
    depth: usize,
    budget: &mut Budget<'_>,
    out: &mut Vec<Member>,
) {
    let nested = member.data.is_some() && member.magic.is_some_and(Magic::is_archive);
    if nested {
        if depth + 1 > budget.limits.max_depth {
            let detail = format!(
                "archive nested deeper than {} levels; not opened",
                budget.limits.max_depth
            );
            budget.issue("nesting-too-deep", &member.path, detail, true);
            out.push(Member {
                data: None,
                skipped: Some("nested too deep".into()),
                ..member
            });
            return;
        }
        let data = member.data.clone().unwrap_or_default();
        let prefix = format!("{}!", member.path);
        // Keep the archive member itself as a noted file, then its contents.
        out.push(Member {
            data: None,
            skipped: Some("archive: members listed under it".into()),
            ..member
        });
        budget.nested += 1;
        read_container(&data, "", &prefix, depth + 1, budget, out);
        budget.nested -= 1;
        return;
    }
    out.push(member);
}

pub(crate) fn join_prefix(prefix: &str, path: &str) -> String {
    if prefix.is_empty() {
        path.to_string()
    } else {
        format!("{prefix}/{path}")
    }
}

/// Lower-case hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_escaping_paths() {
        let limits = Limits::default();
        let mut b = Budget::new(&limits);
        assert_eq!(normalize_path("./a/../../etc/passwd", &mut b), "etc/passwd");
        assert_eq!(b.issues[0].code, "path-traversal");
        assert_eq!(normalize_path("/abs/x.py", &mut b), "abs/x.py");
        assert_eq!(b.issues[1].code, "absolute-path");
        assert_eq!(normalize_path("C:\\win\\x.py", &mut b), "C:/win/x.py");
        assert_eq!(b.issues[2].code, "absolute-path");
    }

    #[test]
    fn lone_file_is_one_member() {
        let a = read_bytes(b"print('hi')\n", "x.py", &Limits::default());
        assert_eq!(a.format, Format::File);
        assert_eq!(a.members.len(), 1);
        assert_eq!(a.members[0].path, "x.py");
    }

    #[test]
    fn sniffs_magic() {
        assert_eq!(Magic::sniff(b"\x7fELF...."), Some(Magic::Elf));
        assert_eq!(Magic::sniff(b"PK\x03\x04"), Some(Magic::Zip));
        assert_eq!(Magic::sniff(b"import os"), None);
    }
}
