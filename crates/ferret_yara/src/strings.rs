//! YARA strings (text, hex, regex) → one `regex::bytes` pattern each.

use crate::Error;
use std::fmt::Write;
use std::ops::Range;

/// String modifiers as written.
#[derive(Debug, Default, Clone)]
pub(crate) struct Modifiers {
    pub nocase: bool,
    pub ascii: bool,
    pub wide: bool,
    pub fullword: bool,
    pub private: bool,
    /// `xor` / `xor(n)` / `xor(lo-hi)`.
    pub xor: Option<(u8, u8)>,
    /// `base64` / `base64("alphabet")`.
    pub base64: Option<Vec<u8>>,
    pub base64wide: Option<Vec<u8>>,
}

pub(crate) const STD_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn push_byte(out: &mut String, b: u8) {
    if b.is_ascii_alphanumeric() {
        out.push(b as char);
    } else {
        let _ = write!(out, "\\x{b:02x}");
    }
}

fn literal(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        push_byte(&mut s, b);
    }
    s
}

fn widen(bytes: &[u8]) -> Vec<u8> {
    bytes.iter().flat_map(|&b| [b, 0]).collect()
}

fn b64(data: &[u8], alphabet: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk.len();
        let v = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for k in 0..=n {
            out.push(alphabet[((v >> (18 - 6 * k)) & 63) as usize]);
        }
    }
    out
}

/// The three base64 renderings of `s` at the three possible alignments, with the characters
/// that depend on neighbouring bytes cut off (as YARA does).
fn base64_variants(s: &[u8], alphabet: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for lead in 0..3usize {
        let mut data = vec![0u8; lead];
        data.extend_from_slice(s);
        let enc = b64(&data, alphabet);
        let cut_front = [0, 2, 3][lead];
        let cut_back = usize::from(data.len() % 3 != 0);
        if enc.len() > cut_front + cut_back {
            out.push(enc[cut_front..enc.len() - cut_back].to_vec());
        }
    }
    out
}

/// A text string with its modifiers → regex source.
pub(crate) fn text_pattern(
    text: &[u8],
    m: &Modifiers,
    span: Range<usize>,
) -> Result<String, Error> {
    if text.is_empty() {
        return Err(Error::new(span, "Y003", "empty string"));
    }
    let mut forms: Vec<Vec<u8>> = Vec::new();
    if m.ascii || !m.wide {
        forms.push(text.to_vec());
    }
    if m.wide {
        forms.push(widen(text));
    }
    if let Some((lo, hi)) = m.xor {
        forms = forms
            .iter()
            .flat_map(|f| (lo..=hi).map(move |k| f.iter().map(|b| b ^ k).collect()))
            .collect();
    }
    if m.base64.is_some() || m.base64wide.is_some() {
        let mut encoded = Vec::new();
        for f in &forms {
            if let Some(alpha) = &m.base64 {
                encoded.extend(base64_variants(f, alpha));
            }
            if let Some(alpha) = &m.base64wide {
                encoded.extend(base64_variants(f, alpha).iter().map(|v| widen(v)));
            }
        }
        if encoded.len() < 3 * forms.len() {
            return Err(Error::new(
                span,
                "Y003",
                "string too short for base64: some alignments encode to nothing",
            ));
        }
        forms = encoded;
    }
    forms.sort();
    forms.dedup();
    let alts: Vec<String> = forms.iter().map(|f| literal(f)).collect();
    let flags = if m.nocase { "i" } else { "" };
    Ok(format!("(?{flags}:{})", alts.join("|")))
}

/// A hex string body (between the braces) → regex source. `base` is the offset of the body
/// in the rule file, for error positions.
pub(crate) fn hex_pattern(body: &str, base: usize) -> Result<String, Error> {
    let b = body.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    let mut depth: Vec<usize> = Vec::new();
    let mut tokens = 0usize;
    let err =
        |at: usize, len: usize, msg: String| Error::new(base + at..base + at + len, "Y003", msg);
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if b[i..].starts_with(b"/*") {
            match body[i + 2..].find("*/") {
                Some(k) => i += 2 + k + 2,
                None => return Err(err(i, 2, "unterminated comment in hex string".into())),
            }
            continue;
        }
        match c {
            b'(' => {
                depth.push(i);
                out.push_str("(?:");
                i += 1;
            }
            b')' => {
                if depth.pop().is_none() {
                    return Err(err(i, 1, "`)` without `(`".into()));
                }
                out.push(')');
                i += 1;
            }
            b'|' => {
                if depth.is_empty() {
                    return Err(err(
                        i,
                        1,
                        "`|` outside an alternative: write `( AA | BB )`".into(),
                    ));
                }
                out.push('|');
                i += 1;
            }
            b'[' => {
                let close = body[i..]
                    .find(']')
                    .ok_or_else(|| err(i, 1, "`[` without `]`".into()))?;
                let inner = body[i + 1..i + close].trim();
                let parse = |s: &str| -> Result<Option<u32>, Error> {
                    let s = s.trim();
                    if s.is_empty() {
                        return Ok(None);
                    }
                    s.parse::<u32>().map(Some).map_err(|_| {
                        err(
                            i,
                            close + 1,
                            format!("invalid jump `[{inner}]` (expected [n], [n-m], [n-] or [-])"),
                        )
                    })
                };
                let (lo, hi) = match inner.split_once('-') {
                    Some((a, b)) => (parse(a)?.unwrap_or(0), parse(b)?),
                    None => {
                        let n = parse(inner)?.ok_or_else(|| {
                            err(
                                i,
                                close + 1,
                                "empty jump `[]` (expected [n] or [n-m])".into(),
                            )
                        })?;
                        (n, Some(n))
                    }
                };
                match hi {
                    Some(h) if h < lo => {
                        return Err(err(
                            i,
                            close + 1,
                            format!("jump `[{inner}]` ends before it starts"),
                        ))
                    }
                    Some(h) if h == lo => {
                        let _ = write!(out, "[\\x00-\\xff]{{{lo}}}");
                    }
                    Some(h) => {
                        let _ = write!(out, "[\\x00-\\xff]{{{lo},{h}}}?");
                    }
                    None => {
                        if !depth.is_empty() {
                            return Err(err(
                                i,
                                close + 1,
                                "unbounded jumps are not allowed inside alternatives".into(),
                            ));
                        }
                        let _ = write!(out, "[\\x00-\\xff]{{{lo},}}?");
                    }
                }
                tokens += 1;
                i += close + 1;
            }
            b'~' | b'?' | b'0'..=b'9' | b'a'..=b'f' | b'A'..=b'F' => {
                let negate = c == b'~';
                let at = if negate { i + 1 } else { i };
                let (Some(&h), Some(&l)) = (b.get(at), b.get(at + 1)) else {
                    return Err(err(at, 1, "a hex byte needs two digits".into()));
                };
                let nib = |x: u8| -> Result<Option<u8>, Error> {
                    match x {
                        b'?' => Ok(None),
                        _ => (x as char)
                            .to_digit(16)
                            .map(|d| Some(d as u8))
                            .ok_or_else(|| {
                                err(
                                    at,
                                    2,
                                    format!(
                                        "invalid hex byte `{}` (expected two of 0-9 A-F or ?)",
                                        String::from_utf8_lossy(&b[at..at + 2])
                                    ),
                                )
                            }),
                    }
                };
                let bytes: Vec<u8> = match (nib(h)?, nib(l)?) {
                    (Some(h), Some(l)) => vec![h << 4 | l],
                    (Some(h), None) => (0..16).map(|l| h << 4 | l).collect(),
                    (None, Some(l)) => (0..16).map(|h| h << 4 | l).collect(),
                    (None, None) => {
                        if negate {
                            return Err(err(i, 3, "`~??` matches nothing".into()));
                        }
                        (0..=255).collect()
                    }
                };
                if bytes.len() == 1 && !negate {
                    let _ = write!(out, "\\x{:02x}", bytes[0]);
                } else if bytes.len() == 256 {
                    out.push_str("[\\x00-\\xff]");
                } else {
                    out.push('[');
                    if negate {
                        out.push('^');
                    }
                    for x in bytes {
                        let _ = write!(out, "\\x{x:02x}");
                    }
                    out.push(']');
                }
                tokens += 1;
                i = at + 2;
            }
            _ => {
                let ch = body[i..].chars().next().unwrap_or('?');
                return Err(err(
                    i,
                    ch.len_utf8(),
                    format!("unexpected `{ch}` in hex string"),
                ));
            }
        }
    }
    if let Some(open) = depth.pop() {
        return Err(err(open, 1, "`(` without `)`".into()));
    }
    if tokens == 0 {
        return Err(err(0, 0, "empty hex string".into()));
    }
    Ok(out)
}

/// A YARA regular expression → Rust `regex` syntax (bytes, ASCII classes). Constructs YARA
/// does not have, or that mean something else in Rust, are rejected or escaped.
pub(crate) fn regex_pattern(
    pattern: &str,
    flags: &str,
    nocase: bool,
    base: usize,
) -> Result<String, Error> {
    let b = pattern.as_bytes();
    let mut out = String::with_capacity(pattern.len() + 16);
    let err =
        |at: usize, len: usize, msg: String| Error::new(base + at..base + at + len, "Y003", msg);
    let mut i = 0;
    let mut in_class = false;
    let mut class_start = 0;
    while i < b.len() {
        let c = b[i];
        if c >= 0x80 {
            // YARA reads patterns byte by byte.
            let _ = write!(out, "\\x{c:02x}");
            i += 1;
            continue;
        }
        if c == b'\\' {
            let Some(&e) = b.get(i + 1) else {
                return Err(err(i, 1, "trailing `\\`".into()));
            };
            match e {
                b'w' | b'W' | b's' | b'S' | b'd' | b'D' => {
                    out.push('\\');
                    out.push(e as char);
                }
                b'b' | b'B' if !in_class => {
                    out.push('\\');
                    out.push(e as char);
                }
                b'b' => out.push_str("\\x08"),
                b't' | b'n' | b'r' | b'f' | b'a' | b'v' => {
                    out.push('\\');
                    out.push(e as char);
                }
                b'x' => {
                    let hex = pattern.get(i + 2..i + 4).unwrap_or("");
                    match u8::from_str_radix(hex, 16) {
                        Ok(v) if hex.len() == 2 => {
                            let _ = write!(out, "\\x{v:02x}");
                        }
                        _ => return Err(err(i, 2, "`\\x` needs two hex digits".into())),
                    }
                    i += 4;
                    continue;
                }
                e if e.is_ascii_alphanumeric() => {
                    return Err(err(
                        i,
                        2,
                        format!(
                            "`\\{}` is not supported (YARA regexes know \\w \\W \\s \\S \\d \\D \\b \\B \\t \\n \\r \\f \\a \\xHH and escaped punctuation)",
                            e as char
                        ),
                    ))
                }
                e => {
                    let _ = write!(out, "\\x{e:02x}");
                }
            }
            i += 2;
            continue;
        }
        if in_class {
            match c {
                b']' if i > class_start => {
                    in_class = false;
                    out.push(']');
                }
                // Rust gives these meaning inside classes (nesting, set operations).
                b'[' | b'&' | b'~' => {
                    let _ = write!(out, "\\x{c:02x}");
                }
                b'-' if b.get(i + 1) == Some(&b'-') => {
                    out.push_str("\\x2d");
                }
                _ => out.push(c as char),
            }
            i += 1;
            continue;
        }
        match c {
            b'[' => {
                in_class = true;
                out.push('[');
                i += 1;
                if b.get(i) == Some(&b'^') {
                    out.push('^');
                    i += 1;
                }
                // A `]` right after `[` or `[^` is a literal.
                if b.get(i) == Some(&b']') {
                    out.push_str("\\x5d");
                    i += 1;
                }
                class_start = i;
                continue;
            }
            b'(' => {
                if b.get(i + 1) == Some(&b'?') {
                    return Err(err(
                        i,
                        2,
                        "`(?` (inline flags, look-around, named groups) is not YARA; use /…/i or /…/s"
                            .into(),
                    ));
                }
                out.push_str("(?:");
            }
            b'{' => {
                // A repetition `{n}`, `{n,}`, `{,m}`, `{n,m}`; anything else is a literal brace.
                let close = pattern[i..].find('}').map(|k| i + k);
                let rep = close.and_then(|k| {
                    let inner = &pattern[i + 1..k];
                    let ok = |s: &str| s.is_empty() || s.bytes().all(|d| d.is_ascii_digit());
                    match inner.split_once(',') {
                        Some((lo, hi)) if ok(lo) && ok(hi) && !(lo.is_empty() && hi.is_empty()) => {
                            Some(format!(
                                "{{{},{}}}",
                                if lo.is_empty() { "0" } else { lo },
                                hi
                            ))
                        }
                        None if !inner.is_empty() && ok(inner) => Some(format!("{{{inner}}}")),
                        _ => None,
                    }
                });
                match (rep, close) {
                    (Some(r), Some(k)) => {
                        out.push_str(&r);
                        i = k + 1;
                        continue;
                    }
                    _ => out.push_str("\\x7b"),
                }
            }
            b'}' => out.push_str("\\x7d"),
            b'#' | b'&' | b'~' | b' ' => {
                let _ = write!(out, "\\x{c:02x}");
            }
            _ => out.push(c as char),
        }
        i += 1;
    }
    if in_class {
        return Err(err(
            class_start.saturating_sub(1),
            1,
            "`[` without `]`".into(),
        ));
    }
    let mut f = String::new();
    if flags.contains('i') || nocase {
        f.push('i');
    }
    if flags.contains('s') {
        f.push('s');
    }
    Ok(if f.is_empty() {
        format!("(?:{out})")
    } else {
        format!("(?{f}:{out})")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_yara_renderings() {
        // YARA's documented example: "This program cannot" base64.
        let v = base64_variants(b"This program cannot", STD_ALPHABET);
        let v: Vec<String> = v
            .into_iter()
            .map(|x| String::from_utf8(x).unwrap())
            .collect();
        assert_eq!(
            v,
            [
                "VGhpcyBwcm9ncmFtIGNhbm5vd",
                "RoaXMgcHJvZ3JhbSBjYW5ub3",
                "UaGlzIHByb2dyYW0gY2Fubm90"
            ]
        );
    }
}
