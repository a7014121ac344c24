//! Bytes → text the way CPython reads a source file: BOMs, PEP 263 coding cookies, and
//! (leniently) invalid UTF-8, so that no encoding trick hides a file from the parser.

use crate::value::lossy;
use crate::SourceIssue;

/// Decodes source bytes; issues note what was unusual.
pub fn decode_source(bytes: &[u8]) -> (String, Vec<SourceIssue>) {
    let mut issues = Vec::new();
    let note = |issues: &mut Vec<SourceIssue>, code, detail: String| {
        issues.push(SourceIssue {
            code,
            start: 0,
            end: 0,
            detail,
            incomplete: false,
        });
    };
    if let Some(rest) = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]) {
        return (lossy(rest).into_owned(), issues);
    }
    let utf16 = |rest: &[u8], le: bool| -> String {
        let units = rest.chunks_exact(2).map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        char::decode_utf16(units)
            .map(|r| r.unwrap_or('\u{FFFD}'))
            .collect()
    };
    if let Some(rest) = bytes.strip_prefix(&[0xff, 0xfe]) {
        note(
            &mut issues,
            "utf16-source",
            "source is UTF-16 (little endian); CPython would not run it as is".into(),
        );
        return (utf16(rest, true), issues);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        note(
            &mut issues,
            "utf16-source",
            "source is UTF-16 (big endian); CPython would not run it as is".into(),
        );
        return (utf16(rest, false), issues);
    }
    if bytes.contains(&0) {
        note(
            &mut issues,
            "nul-in-source",
            "source contains NUL bytes".into(),
        );
    }
    match coding_cookie(bytes).as_deref() {
        None | Some("utf-8" | "utf8" | "utf_8" | "ascii" | "us-ascii") => {}
        Some(
            "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "iso-latin-1" | "l1" | "cp1252"
            | "windows-1252" | "iso-8859-15" | "latin-9",
        ) => {
            // Single-byte codecs: every byte is one character (cp1252's few differences in
            // 0x80–0x9f do not matter for analysis).
            return (bytes.iter().map(|&b| b as char).collect(), issues);
        }
        Some(other) => {
            note(
                &mut issues,
                "unknown-encoding",
                format!("coding cookie names {other:?}; read as UTF-8"),
            );
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), issues),
        Err(_) => {
            note(
                &mut issues,
                "invalid-utf8",
                "source is not valid UTF-8; invalid bytes replaced".into(),
            );
            (lossy(bytes).into_owned(), issues)
        }
    }
}

/// PEP 263: `coding[:=]\s*([-\w.]+)` in a comment on line 1 or 2.
fn coding_cookie(bytes: &[u8]) -> Option<String> {
    for line in bytes.split(|&b| b == b'\n').take(2) {
        let line = lossy(line);
        let t = line.trim_start();
        if !t.starts_with('#') {
            continue;
        }
        if let Some(i) = t.find("coding") {
            let rest = &t[i + 6..];
            let rest = rest.strip_prefix(':').or_else(|| rest.strip_prefix('='))?;
            let name: String = rest
                .trim_start()
                .chars()
                .take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
                .collect();
            if !name.is_empty() {
                return Some(name.to_ascii_lowercase());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_and_boms() {
        let (t, _) = decode_source(b"# -*- coding: latin-1 -*-\nx = '\xe9'\n");
        assert!(t.contains('é'));
        let (t, i) = decode_source(b"\xff\xfex\x00=\x001\x00");
        assert_eq!(t, "x=1");
        assert_eq!(i[0].code, "utf16-source");
        let (_, i) = decode_source(b"# coding: rot13\nx=1\n");
        assert_eq!(i[0].code, "unknown-encoding");
        let (t, i) = decode_source(b"x = '\xff'\n");
        assert_eq!(i[0].code, "invalid-utf8");
        assert!(t.contains('\u{FFFD}'));
    }
}
