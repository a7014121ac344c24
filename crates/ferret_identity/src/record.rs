//! Wheel integrity: `*.dist-info/RECORD` lists every file of the wheel with its SHA-256 and
//! size (PEP 376 / 427). A file changed after the wheel was built, added without being listed,
//! or listed and missing is how a repacked wheel gives itself away.

use crate::metadata::Signal;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// One wheel member as the archive reader saw it.
pub struct RecordMember<'a> {
    pub path: &'a str,
    pub size: u64,
    /// Content when it was read; binaries ferret only notes have none, and only their size is
    /// checked.
    pub data: Option<&'a [u8]>,
}

/// At most this many problems of each kind are reported; the count is given.
const MAX_LISTED: usize = 5;

/// Checks `record` (the text of `<name>.dist-info/RECORD`, at `record_path`) against the
/// members of the wheel. Returns `record-mismatch` (hash or size wrong), `record-unlisted`
/// (a file RECORD does not name) and `record-missing` (named but absent) signals.
pub fn check_record(record_path: &str, record: &str, members: &[RecordMember<'_>]) -> Vec<Signal> {
    let dist_info = record_path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let mut listed: HashMap<String, (Option<String>, Option<u64>)> = HashMap::new();
    for line in record.lines().take(1_000_000) {
        let fields = split_csv(line);
        let Some(path) = fields.first().filter(|p| !p.is_empty()) else {
            continue;
        };
        let hash = fields
            .get(1)
            .and_then(|h| h.strip_prefix("sha256="))
            .map(str::to_string);
        let size = fields.get(2).and_then(|s| s.parse().ok());
        listed.insert(normalise(path), (hash, size));
    }

    let mut mismatched = Vec::new();
    let mut unlisted = Vec::new();
    let mut present = std::collections::HashSet::new();
    for m in members {
        let path = normalise(m.path);
        present.insert(path.clone());
        let base = path.rsplit('/').next().unwrap_or(&path);
        let in_dist_info = path.rsplit_once('/').is_some_and(|(d, _)| d == dist_info);
        // RECORD cannot hash itself, and signatures are added after it is written.
        if in_dist_info && matches!(base, "RECORD" | "RECORD.jws" | "RECORD.p7s") {
            continue;
        }
        match listed.get(&path) {
            None => unlisted.push(path),
            Some((hash, size)) => {
                if let Some(size) = size.filter(|s| *s != m.size) {
                    mismatched.push(format!("{path} (size {} ≠ {size})", m.size));
                } else if let (Some(want), Some(data)) = (hash, m.data) {
                    let got = urlsafe_b64_nopad(&Sha256::digest(data));
                    if got != want.trim_end_matches('=') {
                        mismatched.push(format!("{path} (sha256 differs)"));
                    }
                }
            }
        }
    }
    let mut missing: Vec<&String> = listed
        .keys()
        .filter(|p| !present.contains(*p) && !p.contains("..") && !p.starts_with('/'))
        .filter(|p| !p.ends_with("/RECORD") && !p.ends_with(".jws") && !p.ends_with(".p7s"))
        .collect();
    missing.sort();

    let mut out = Vec::new();
    let mut report = |code: &'static str, what: &str, items: Vec<String>| {
        if items.is_empty() {
            return;
        }
        let n = items.len();
        let shown: Vec<String> = items.into_iter().take(MAX_LISTED).collect();
        let more = if n > MAX_LISTED {
            format!(" and {} more", n - MAX_LISTED)
        } else {
            String::new()
        };
        out.push(Signal {
            code,
            detail: format!("{what} {record_path}: {}{more}", shown.join(", ")),
        });
    };
    mismatched.sort();
    unlisted.sort();
    report("record-mismatch", "files differ from", mismatched);
    report("record-unlisted", "files not listed in", unlisted);
    report(
        "record-missing",
        "files missing but listed in",
        missing.into_iter().cloned().collect(),
    );
    out
}

fn normalise(path: &str) -> String {
    path.trim_start_matches("./").replace('\\', "/")
}

/// Splits one CSV line (RECORD uses Python's csv module: commas, `"` quoting).
fn split_csv(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.trim_end_matches('\r').chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    out.push(field);
    out
}

fn urlsafe_b64_nopad(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record_for(files: &[(&str, &[u8])]) -> String {
        let mut r = String::new();
        for (p, d) in files {
            r.push_str(&format!(
                "{p},sha256={},{}\n",
                urlsafe_b64_nopad(&Sha256::digest(d)),
                d.len()
            ));
        }
        r.push_str("pkg-1.0.dist-info/RECORD,,\n");
        r
    }

    fn members<'a>(files: &'a [(&'a str, &'a [u8])]) -> Vec<RecordMember<'a>> {
        files
            .iter()
            .map(|(p, d)| RecordMember {
                path: p,
                size: d.len() as u64,
                data: Some(d),
            })
            .collect()
    }

    const FILES: &[(&str, &[u8])] = &[
        ("pkg/__init__.py", b"print('hi')\n"),
        ("pkg-1.0.dist-info/METADATA", b"Name: pkg\n"),
    ];

    #[test]
    fn base64_matches_python() {
        // base64.urlsafe_b64encode(hashlib.sha256(b"").digest()).rstrip(b"=")
        assert_eq!(
            urlsafe_b64_nopad(&Sha256::digest(b"")),
            "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"
        );
        assert_eq!(urlsafe_b64_nopad(b"ab"), "YWI");
    }

    #[test]
    fn honest_wheel_passes() {
        let record = record_for(FILES);
        let mut m = members(FILES);
        m.push(RecordMember {
            path: "pkg-1.0.dist-info/RECORD",
            size: record.len() as u64,
            data: Some(record.as_bytes()),
        });
        assert_eq!(check_record("pkg-1.0.dist-info/RECORD", &record, &m), []);
    }

    #[test]
    fn one_changed_byte_fails() {
        let record = record_for(FILES);
        let changed: &[(&str, &[u8])] = &[
            ("pkg/__init__.py", b"print('HI')\n"),
            ("pkg-1.0.dist-info/METADATA", b"Name: pkg\n"),
        ];
        let s = check_record("pkg-1.0.dist-info/RECORD", &record, &members(changed));
        assert_eq!(s.len(), 1, "{s:?}");
        assert_eq!(s[0].code, "record-mismatch");
        assert!(s[0].detail.contains("pkg/__init__.py"));
    }

    #[test]
    fn unlisted_and_missing() {
        let record = record_for(FILES);
        let files: &[(&str, &[u8])] = &[
            ("pkg-1.0.dist-info/METADATA", b"Name: pkg\n"),
            ("evil.pth", b"import os\n"),
        ];
        let s = check_record("pkg-1.0.dist-info/RECORD", &record, &members(files));
        let codes: Vec<&str> = s.iter().map(|s| s.code).collect();
        assert_eq!(codes, ["record-unlisted", "record-missing"]);
        assert!(s[0].detail.contains("evil.pth"));
        assert!(s[1].detail.contains("pkg/__init__.py"));
    }

    #[test]
    fn size_only_for_unread_members() {
        let record = record_for(&[("pkg/lib.so", b"\x7fELF....")]);
        let m = [RecordMember {
            path: "pkg/lib.so",
            size: 9,
            data: None,
        }];
        let s = check_record("pkg-1.0.dist-info/RECORD", &record, &m);
        assert_eq!(s[0].code, "record-mismatch", "{s:?}");
    }

    #[test]
    fn csv_quoting() {
        assert_eq!(
            split_csv(r#""a,b.py",sha256=x,3"#),
            ["a,b.py", "sha256=x", "3"]
        );
    }
}
