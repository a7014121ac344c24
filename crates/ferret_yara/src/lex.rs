//! Tokens of the YARA language. The lexer is pulled by the parser, which reads hex strings
//! (`{ 4D 5A ?? }`) itself because `{` also opens a rule body.

use crate::Error;
use std::ops::Range;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    Ident(String),
    /// `$a` (name `a`), `$` (name empty).
    StrId(String),
    /// `$a*`, `$*`.
    StrWild(String),
    /// `#a`, `#`.
    Count(String),
    /// `@a`, `@`.
    Offset(String),
    /// `!a`, `!`.
    Length(String),
    Int(i64),
    Text(Vec<u8>),
    Regex {
        pattern: String,
        flags: String,
    },
    Punct(&'static str),
    Eof,
}

impl Tok {
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("`{s}`"),
            Tok::StrId(s) => format!("`${s}`"),
            Tok::StrWild(s) => format!("`${s}*`"),
            Tok::Count(s) => format!("`#{s}`"),
            Tok::Offset(s) => format!("`@{s}`"),
            Tok::Length(s) => format!("`!{s}`"),
            Tok::Int(n) => format!("`{n}`"),
            Tok::Text(_) => "a text string".into(),
            Tok::Regex { .. } => "a regular expression".into(),
            Tok::Punct(p) => format!("`{p}`"),
            Tok::Eof => "end of file".into(),
        }
    }
}

const PUNCTS: &[&str] = &[
    "..", "==", "!=", "<=", ">=", "<<", ">>", "{", "}", "(", ")", "[", "]", ":", "=", ",", "<",
    ">", "+", "-", "*", "\\", "%", "&", "|", "^", "~", ".",
];

pub(crate) struct Lexer<'s> {
    pub(crate) src: &'s str,
    pub(crate) pos: usize,
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl<'s> Lexer<'s> {
    pub(crate) fn new(src: &'s str) -> Self {
        Self { src, pos: 0 }
    }

    fn bytes(&self) -> &'s [u8] {
        self.src.as_bytes()
    }

    /// Skips white space and comments.
    pub(crate) fn skip_trivia(&mut self) -> Result<(), Error> {
        let b = self.bytes();
        loop {
            while self.pos < b.len() && b[self.pos].is_ascii_whitespace() {
                self.pos += 1;
            }
            if b[self.pos..].starts_with(b"//") {
                while self.pos < b.len() && b[self.pos] != b'\n' {
                    self.pos += 1;
                }
            } else if b[self.pos..].starts_with(b"/*") {
                let start = self.pos;
                match self.src[self.pos + 2..].find("*/") {
                    Some(i) => self.pos += 2 + i + 2,
                    None => {
                        return Err(Error::new(
                            start..start + 2,
                            "Y001",
                            "unterminated comment: `/*` has no `*/`",
                        ))
                    }
                }
            } else {
                return Ok(());
            }
        }
    }

    fn ident_at(&self, from: usize) -> usize {
        let b = self.bytes();
        let mut end = from;
        while end < b.len() && is_ident(b[end]) {
            end += 1;
        }
        end
    }

    pub(crate) fn next(&mut self) -> Result<(Tok, Range<usize>), Error> {
        self.skip_trivia()?;
        let b = self.bytes();
        let start = self.pos;
        if start >= b.len() {
            return Ok((Tok::Eof, start..start));
        }
        let c = b[start];
        let tok = match c {
            b'$' | b'#' | b'@' | b'!' => {
                if c == b'!' && b.get(start + 1) == Some(&b'=') {
                    self.pos += 2;
                    return Ok((Tok::Punct("!="), start..self.pos));
                }
                let end = self.ident_at(start + 1);
                let name = self.src[start + 1..end].to_string();
                self.pos = end;
                match c {
                    b'$' if b.get(end) == Some(&b'*') => {
                        self.pos += 1;
                        Tok::StrWild(name)
                    }
                    b'$' => Tok::StrId(name),
                    b'#' => Tok::Count(name),
                    b'@' => Tok::Offset(name),
                    _ => Tok::Length(name),
                }
            }
            b'"' => Tok::Text(self.text()?),
            b'/' => self.regex()?,
            b'0'..=b'9' => Tok::Int(self.number()?),
            c if is_ident_start(c) => {
                let end = self.ident_at(start);
                self.pos = end;
                Tok::Ident(self.src[start..end].to_string())
            }
            _ => {
                let rest = &self.src[start..];
                match PUNCTS.iter().find(|p| rest.starts_with(**p)) {
                    Some(p) => {
                        self.pos += p.len();
                        Tok::Punct(p)
                    }
                    None => {
                        let ch = rest.chars().next().unwrap_or('?');
                        return Err(Error::new(
                            start..start + ch.len_utf8(),
                            "Y001",
                            format!("unexpected character `{ch}`"),
                        ));
                    }
                }
            }
        };
        Ok((tok, start..self.pos))
    }

    fn number(&mut self) -> Result<i64, Error> {
        let b = self.bytes();
        let start = self.pos;
        let (radix, digits_from) = if b[start..].starts_with(b"0x") || b[start..].starts_with(b"0X")
        {
            (16, start + 2)
        } else if b[start..].starts_with(b"0o") {
            (8, start + 2)
        } else {
            (10, start)
        };
        let mut end = digits_from;
        while end < b.len() && (b[end] as char).is_digit(radix) {
            end += 1;
        }
        let bad = |msg: &str| Error::new(start..end.max(start + 1), "Y001", msg.to_string());
        let mut value = i64::from_str_radix(&self.src[digits_from..end], radix)
            .map_err(|_| bad("invalid or too large integer"))?;
        if self.src[end..].starts_with("KB") {
            value = value
                .checked_mul(1024)
                .ok_or_else(|| bad("integer overflow"))?;
            end += 2;
        } else if self.src[end..].starts_with("MB") {
            value = value
                .checked_mul(1024 * 1024)
                .ok_or_else(|| bad("integer overflow"))?;
            end += 2;
        }
        if end < b.len() && (is_ident(b[end]) || b[end] == b'.' && b.get(end + 1) != Some(&b'.')) {
            let mut e = end;
            while e < b.len() && (is_ident(b[e]) || b[e] == b'.') {
                e += 1;
            }
            return Err(Error::new(
                start..e,
                "Y001",
                format!(
                    "invalid number `{}` (integers: 10, 0x1F, 0o17, 4KB, 1MB; no floats)",
                    &self.src[start..e]
                ),
            ));
        }
        self.pos = end;
        Ok(value)
    }

    /// A `"..."` literal with YARA's escapes: `\"`, `\\`, `\t`, `\n`, `\r`, `\xHH`.
    fn text(&mut self) -> Result<Vec<u8>, Error> {
        let b = self.bytes();
        let start = self.pos;
        let mut i = start + 1;
        let mut out = Vec::new();
        loop {
            let Some(&c) = b.get(i) else {
                return Err(Error::new(
                    start..start + 1,
                    "Y001",
                    "unterminated string: no closing `\"`",
                ));
            };
            match c {
                b'"' => break,
                b'\n' => {
                    return Err(Error::new(
                        start..start + 1,
                        "Y001",
                        "unterminated string: no closing `\"` on this line",
                    ))
                }
                b'\\' => {
                    let esc = b.get(i + 1).copied();
                    match esc {
                        Some(b'"') => out.push(b'"'),
                        Some(b'\\') => out.push(b'\\'),
                        Some(b't') => out.push(b'\t'),
                        Some(b'n') => out.push(b'\n'),
                        Some(b'r') => out.push(b'\r'),
                        Some(b'x') => {
                            let hex = self.src.get(i + 2..i + 4).unwrap_or("");
                            match u8::from_str_radix(hex, 16) {
                                Ok(v) if hex.len() == 2 => out.push(v),
                                _ => {
                                    return Err(Error::new(
                                        i..i + 2,
                                        "Y003",
                                        "`\\x` needs two hex digits",
                                    ))
                                }
                            }
                            i += 4;
                            continue;
                        }
                        _ => {
                            return Err(Error::new(
                                i..i + 2,
                                "Y003",
                                "unknown escape (YARA strings know \\\" \\\\ \\t \\n \\r \\xHH)",
                            ))
                        }
                    }
                    i += 2;
                }
                _ => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        self.pos = i + 1;
        Ok(out)
    }

    /// `/pattern/flags`; the pattern is kept as written, translated later.
    fn regex(&mut self) -> Result<Tok, Error> {
        let b = self.bytes();
        let start = self.pos;
        let mut i = start + 1;
        loop {
            match b.get(i) {
                None | Some(b'\n') => {
                    return Err(Error::new(
                        start..start + 1,
                        "Y001",
                        "unterminated regular expression: no closing `/` on this line",
                    ))
                }
                Some(b'\\') => i += 2,
                Some(b'/') => break,
                Some(_) => i += 1,
            }
        }
        let pattern = self.src[start + 1..i].to_string();
        if pattern.is_empty() {
            return Err(Error::new(start..i + 1, "Y003", "empty regular expression"));
        }
        let flags_end = self.ident_at(i + 1);
        let flags = self.src[i + 1..flags_end].to_string();
        if let Some(bad) = flags.chars().find(|c| *c != 'i' && *c != 's') {
            return Err(Error::new(
                i + 1..flags_end,
                "Y003",
                format!("unknown regular expression flag `{bad}` (YARA knows i and s)"),
            ));
        }
        self.pos = flags_end;
        Ok(Tok::Regex { pattern, flags })
    }
}
