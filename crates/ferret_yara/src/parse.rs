//! YARA source → compiled [`Rule`]s.

use crate::lex::{Lexer, Tok};
use crate::strings::{self, Modifiers, STD_ALPHABET};
use crate::{
    next_uid, Anchor, BinOp, CmpOp, Error, Expr, Meta, MetaValue, Quant, Rule, SRef, YString,
};
use std::ops::Range;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Bool,
    Int,
}

/// A parsed expression with its type and where it was written.
struct P {
    e: Expr,
    ty: Ty,
    span: Range<usize>,
}

const KEYWORDS: &[&str] = &[
    "all",
    "and",
    "any",
    "ascii",
    "at",
    "base64",
    "base64wide",
    "condition",
    "contains",
    "defined",
    "endswith",
    "entrypoint",
    "false",
    "filesize",
    "for",
    "fullword",
    "global",
    "icontains",
    "iendswith",
    "iequals",
    "import",
    "in",
    "include",
    "istartswith",
    "matches",
    "meta",
    "nocase",
    "none",
    "not",
    "of",
    "or",
    "private",
    "rule",
    "startswith",
    "strings",
    "them",
    "true",
    "wide",
    "xor",
];

pub(crate) struct Parser<'s> {
    lex: Lexer<'s>,
    peeked: Option<(Tok, Range<usize>)>,
    rules: Vec<Arc<Rule>>,
    /// Strings of the rule being parsed: (name without `$`, compiled string).
    strings: Vec<(String, Arc<YString>)>,
    /// Inside `for … of … : ( … )`, where `$`, `#`, `@`, `!` name the current string.
    in_for: usize,
}

impl<'s> Parser<'s> {
    pub(crate) fn new(src: &'s str) -> Self {
        Self {
            lex: Lexer::new(src),
            peeked: None,
            rules: Vec::new(),
            strings: Vec::new(),
            in_for: 0,
        }
    }

    fn peek(&mut self) -> Result<&(Tok, Range<usize>), Error> {
        if self.peeked.is_none() {
            self.peeked = Some(self.lex.next()?);
        }
        Ok(self.peeked.as_ref().expect("peeked"))
    }

    fn bump(&mut self) -> Result<(Tok, Range<usize>), Error> {
        match self.peeked.take() {
            Some(t) => Ok(t),
            None => self.lex.next(),
        }
    }

    /// The token after the peeked one, without consuming anything.
    fn peek2(&mut self) -> Result<Tok, Error> {
        self.peek()?;
        let save = self.lex.pos;
        let t = self.lex.next().map(|(t, _)| t);
        self.lex.pos = save;
        t
    }

    fn is_punct(&mut self, p: &str) -> Result<bool, Error> {
        Ok(matches!(&self.peek()?.0, Tok::Punct(q) if *q == p))
    }

    fn is_kw(&mut self, kw: &str) -> Result<bool, Error> {
        Ok(matches!(&self.peek()?.0, Tok::Ident(s) if s == kw))
    }

    fn unexpected(&mut self, expected: &str) -> Error {
        match self.bump() {
            Ok((t, span)) => Error::new(
                span,
                "Y001",
                format!("expected {expected}, found {}", t.describe()),
            ),
            Err(e) => e,
        }
    }

    fn expect_punct(&mut self, p: &str) -> Result<Range<usize>, Error> {
        if self.is_punct(p)? {
            Ok(self.bump()?.1)
        } else {
            Err(self.unexpected(&format!("`{p}`")))
        }
    }

    fn expect_kw(&mut self, kw: &str) -> Result<Range<usize>, Error> {
        if self.is_kw(kw)? {
            Ok(self.bump()?.1)
        } else {
            Err(self.unexpected(&format!("`{kw}`")))
        }
    }

    fn ident(&mut self, what: &str) -> Result<(String, Range<usize>), Error> {
        match self.peek()? {
            (Tok::Ident(s), _) if !KEYWORDS.contains(&s.as_str()) => {
                let (t, span) = self.bump()?;
                let Tok::Ident(s) = t else { unreachable!() };
                Ok((s, span))
            }
            (Tok::Ident(s), span) => {
                let (s, span) = (s.clone(), span.clone());
                Err(Error::new(
                    span,
                    "Y001",
                    format!("`{s}` is a keyword and cannot be used as {what}"),
                ))
            }
            _ => Err(self.unexpected(what)),
        }
    }

    pub(crate) fn file(mut self) -> Result<Vec<Arc<Rule>>, Error> {
        loop {
            let (tok, span) = self.peek()?.clone();
            match tok {
                Tok::Eof => return Ok(self.rules),
                Tok::Ident(kw) if kw == "import" => {
                    self.bump()?;
                    let module = match self.bump()? {
                        (Tok::Text(t), _) => String::from_utf8_lossy(&t).into_owned(),
                        _ => String::new(),
                    };
                    return Err(Error::new(
                        span,
                        "Y002",
                        format!("`import \"{module}\"`: YARA modules are not supported by ferret's YARA subset (write the check with strings, uint16(0) == 0x5A4D, filesize, ...)"),
                    ));
                }
                Tok::Ident(kw) if kw == "include" => {
                    return Err(Error::new(
                        span,
                        "Y002",
                        "`include` is not supported: put the files side by side in the rules directory",
                    ));
                }
                Tok::Ident(kw) if kw == "global" => {
                    return Err(Error::new(
                        span,
                        "Y002",
                        "`global` rules are not supported: add their condition to each rule (or reference a private rule)",
                    ));
                }
                Tok::Ident(kw) if kw == "private" || kw == "rule" => {
                    let private = kw == "private";
                    if private {
                        self.bump()?;
                        if self.is_kw("global")? {
                            let span = self.bump()?.1;
                            return Err(Error::new(
                                span,
                                "Y002",
                                "`global` rules are not supported: add their condition to each rule (or reference a private rule)",
                            ));
                        }
                    }
                    let rule = self.rule(private)?;
                    self.rules.push(Arc::new(rule));
                }
                _ => return Err(self.unexpected("`rule`, `private rule` or end of file")),
            }
        }
    }

    fn rule(&mut self, private: bool) -> Result<Rule, Error> {
        self.expect_kw("rule")?;
        let (name, name_span) = self.ident("a rule name")?;
        if self.rules.iter().any(|r| r.name == name) {
            return Err(Error::new(
                name_span,
                "Y006",
                format!("rule `{name}` is defined twice in this file"),
            ));
        }
        let mut tags = Vec::new();
        if self.is_punct(":")? {
            self.bump()?;
            while let (Tok::Ident(_), _) = self.peek()? {
                tags.push(self.ident("a tag")?.0);
            }
            if tags.is_empty() {
                return Err(self.unexpected("a tag after `:`"));
            }
        }
        self.expect_punct("{")?;
        let mut meta = Vec::new();
        if self.is_kw("meta")? {
            self.bump()?;
            self.expect_punct(":")?;
            while matches!(self.peek()?, (Tok::Ident(s), _) if s != "strings" && s != "condition") {
                let (key, _) = self.bump()?;
                let Tok::Ident(key) = key else { unreachable!() };
                self.expect_punct("=")?;
                let (value, span) = match self.bump()? {
                    (Tok::Text(t), s) => (MetaValue::Str(String::from_utf8_lossy(&t).into()), s),
                    (Tok::Int(n), s) => (MetaValue::Int(n), s),
                    (Tok::Punct("-"), s) => match self.bump()? {
                        (Tok::Int(n), e) => (MetaValue::Int(-n), s.start..e.end),
                        (t, e) => {
                            return Err(Error::new(
                                e,
                                "Y001",
                                format!("expected an integer after `-`, found {}", t.describe()),
                            ))
                        }
                    },
                    (Tok::Ident(b), s) if b == "true" || b == "false" => {
                        (MetaValue::Bool(b == "true"), s)
                    }
                    (t, s) => {
                        return Err(Error::new(
                            s,
                            "Y001",
                            format!(
                            "expected a meta value (\"text\", integer, true or false), found {}",
                            t.describe()
                        ),
                        ))
                    }
                };
                meta.push(Meta { key, value, span });
            }
        }
        self.strings.clear();
        if self.is_kw("strings")? {
            self.bump()?;
            self.expect_punct(":")?;
            while let (Tok::StrId(_), _) = self.peek()? {
                let s = self.string_def()?;
                self.strings.push(s);
            }
            if self.strings.is_empty() {
                return Err(self.unexpected("a string definition (`$name = ...`)"));
            }
        }
        self.expect_kw("condition")?;
        self.expect_punct(":")?;
        let cond = self.expr()?;
        let condition = cond.e;
        self.expect_punct("}")?;
        let mut deps = Vec::new();
        condition.rules(&mut deps);
        Ok(Rule {
            name,
            name_span,
            tags,
            private,
            meta,
            strings: self.strings.drain(..).map(|(_, s)| s).collect(),
            condition,
            deps,
            uid: next_uid(),
            #[cfg(feature = "yara-x")]
            source: None,
        })
    }

    fn string_def(&mut self) -> Result<(String, Arc<YString>), Error> {
        let (tok, id_span) = self.bump()?;
        let Tok::StrId(name) = tok else {
            unreachable!()
        };
        if !name.is_empty() && self.strings.iter().any(|(n, _)| *n == name) {
            return Err(Error::new(
                id_span,
                "Y006",
                format!("string `${name}` is defined twice in this rule"),
            ));
        }
        self.expect_punct("=")?;
        // A hex string: read raw, `{` also opens rule bodies.
        self.lex.skip_trivia()?;
        enum Value {
            Text(Vec<u8>),
            Hex(String),
            Regex(String, String),
        }
        let vstart = self.lex.pos;
        let value = if self.lex.src[vstart..].starts_with('{') {
            let close = self.lex.src[vstart..].find('}').ok_or_else(|| {
                Error::new(vstart..vstart + 1, "Y001", "hex string `{` has no `}`")
            })?;
            let pat = strings::hex_pattern(&self.lex.src[vstart + 1..vstart + close], vstart + 1)?;
            self.lex.pos = vstart + close + 1;
            Value::Hex(pat)
        } else {
            match self.bump()? {
                (Tok::Text(t), _) => Value::Text(t),
                (Tok::Regex { pattern, flags }, _) => Value::Regex(pattern, flags),
                (t, span) => {
                    return Err(Error::new(
                        span,
                        "Y001",
                        format!(
                            "expected a string value (\"text\", {{ hex }} or /regex/), found {}",
                            t.describe()
                        ),
                    ))
                }
            }
        };
        let vspan = vstart..self.lex.pos;
        let mut m = Modifiers::default();
        let kind = match &value {
            Value::Text(_) => "text",
            Value::Hex(_) => "hex",
            Value::Regex(..) => "regex",
        };
        let mut seen: Vec<String> = Vec::new();
        loop {
            let (tok, span) = self.peek()?.clone();
            let Tok::Ident(word) = tok else { break };
            let known = [
                "nocase",
                "ascii",
                "wide",
                "fullword",
                "private",
                "xor",
                "base64",
                "base64wide",
            ];
            if !known.contains(&word.as_str()) {
                break;
            }
            self.bump()?;
            if seen.contains(&word) {
                return Err(Error::new(
                    span,
                    "Y001",
                    format!("modifier `{word}` given twice"),
                ));
            }
            seen.push(word.clone());
            let allowed = match kind {
                "hex" => word == "private",
                "regex" => {
                    ["nocase", "ascii", "wide", "fullword", "private"].contains(&word.as_str())
                }
                _ => true,
            };
            if !allowed {
                return Err(Error::new(
                    span,
                    "Y003",
                    format!("modifier `{word}` does not apply to {kind} strings"),
                ));
            }
            match word.as_str() {
                "nocase" => m.nocase = true,
                "ascii" => m.ascii = true,
                "wide" => {
                    if kind == "regex" {
                        return Err(Error::new(
                            span,
                            "Y002",
                            "`wide` regular expressions are not supported; write the UTF-16 form as a hex string or text with `wide`",
                        ));
                    }
                    m.wide = true;
                }
                "fullword" => m.fullword = true,
                "private" => m.private = true,
                "xor" => {
                    let mut range = (0u8, 255u8);
                    if self.is_punct("(")? {
                        self.bump()?;
                        let lo = self.byte_arg()?;
                        let hi = if self.is_punct("-")? {
                            self.bump()?;
                            self.byte_arg()?
                        } else {
                            lo
                        };
                        let close = self.expect_punct(")")?;
                        if hi < lo {
                            return Err(Error::new(
                                span.start..close.end,
                                "Y003",
                                "xor range ends before it starts",
                            ));
                        }
                        range = (lo, hi);
                    }
                    m.xor = Some(range);
                }
                _ => {
                    // base64 / base64wide, with an optional custom alphabet.
                    let mut alphabet = STD_ALPHABET.to_vec();
                    if self.is_punct("(")? {
                        self.bump()?;
                        match self.bump()? {
                            (Tok::Text(a), s) => {
                                if a.len() != 64 {
                                    return Err(Error::new(
                                        s,
                                        "Y003",
                                        format!(
                                            "a base64 alphabet has 64 characters, this one {}",
                                            a.len()
                                        ),
                                    ));
                                }
                                alphabet = a;
                            }
                            (t, s) => {
                                return Err(Error::new(
                                    s,
                                    "Y001",
                                    format!("expected an alphabet string, found {}", t.describe()),
                                ))
                            }
                        }
                        self.expect_punct(")")?;
                    }
                    if word == "base64" {
                        m.base64 = Some(alphabet);
                    } else {
                        m.base64wide = Some(alphabet);
                    }
                }
            }
        }
        let b64 = m.base64.is_some() || m.base64wide.is_some();
        let clash = if b64 && m.nocase {
            Some("base64 and nocase")
        } else if b64 && m.fullword {
            Some("base64 and fullword")
        } else if b64 && m.xor.is_some() {
            Some("base64 and xor")
        } else if m.xor.is_some() && m.nocase {
            Some("xor and nocase")
        } else {
            None
        };
        if let Some(c) = clash {
            return Err(Error::new(
                id_span.start..self.lex.pos,
                "Y003",
                format!("modifiers {c} cannot be combined (as in YARA)"),
            ));
        }
        let pattern = match value {
            Value::Text(t) => strings::text_pattern(&t, &m, vspan.clone())?,
            Value::Hex(p) => p,
            Value::Regex(p, flags) => {
                strings::regex_pattern(&p, &flags, m.nocase, vspan.start + 1)?
            }
        };
        let atoms = crate::check_pattern(&pattern).map_err(|msg| {
            Error::new(
                vspan.clone(),
                "Y003",
                format!("cannot compile this string: {msg}"),
            )
        })?;
        let ys = YString::new(format!("${name}"), m.private, m.fullword, pattern, atoms);
        Ok((name, Arc::new(ys)))
    }

    fn byte_arg(&mut self) -> Result<u8, Error> {
        match self.bump()? {
            (Tok::Int(n), span) => u8::try_from(n).map_err(|_| {
                Error::new(span, "Y003", format!("xor key {n} is not a byte (0-255)"))
            }),
            (t, span) => Err(Error::new(
                span,
                "Y001",
                format!("expected a byte value, found {}", t.describe()),
            )),
        }
    }

    // ---- conditions ----

    fn expr(&mut self) -> Result<P, Error> {
        let mut l = self.and_expr()?;
        while self.is_kw("or")? {
            self.bump()?;
            let r = self.and_expr()?;
            l = P {
                span: l.span.start..r.span.end,
                e: Expr::Or(Box::new(l.e), Box::new(r.e)),
                ty: Ty::Bool,
            };
        }
        Ok(l)
    }

    fn and_expr(&mut self) -> Result<P, Error> {
        let mut l = self.not_expr()?;
        while self.is_kw("and")? {
            self.bump()?;
            let r = self.not_expr()?;
            l = P {
                span: l.span.start..r.span.end,
                e: Expr::And(Box::new(l.e), Box::new(r.e)),
                ty: Ty::Bool,
            };
        }
        Ok(l)
    }

    fn not_expr(&mut self) -> Result<P, Error> {
        if self.is_kw("not")? {
            let start = self.bump()?.1.start;
            let inner = self.not_expr()?;
            return Ok(P {
                span: start..inner.span.end,
                e: Expr::Not(Box::new(inner.e)),
                ty: Ty::Bool,
            });
        }
        self.cmp_expr()
    }

    fn int(&self, p: P) -> Result<Box<Expr>, Error> {
        if p.ty != Ty::Int {
            return Err(Error::new(
                p.span,
                "Y005",
                "expected an integer expression here, found a boolean one",
            ));
        }
        Ok(Box::new(p.e))
    }

    fn cmp_expr(&mut self) -> Result<P, Error> {
        let l = self.binary(0)?;
        let op = match &self.peek()?.0 {
            Tok::Punct("==") => CmpOp::Eq,
            Tok::Punct("!=") => CmpOp::Ne,
            Tok::Punct("<") => CmpOp::Lt,
            Tok::Punct("<=") => CmpOp::Le,
            Tok::Punct(">") => CmpOp::Gt,
            Tok::Punct(">=") => CmpOp::Ge,
            Tok::Ident(s)
                if [
                    "contains",
                    "icontains",
                    "startswith",
                    "istartswith",
                    "endswith",
                    "iendswith",
                    "iequals",
                    "matches",
                ]
                .contains(&s.as_str()) =>
            {
                let (s, span) = (s.clone(), self.peek()?.1.clone());
                return Err(Error::new(
                    span,
                    "Y002",
                    format!("`{s}` compares text values, which only modules provide; modules are not supported"),
                ));
            }
            _ => return Ok(l),
        };
        self.bump()?;
        let r = self.binary(0)?;
        let span = l.span.start..r.span.end;
        Ok(P {
            e: Expr::Cmp(op, self.int(l)?, self.int(r)?),
            ty: Ty::Bool,
            span,
        })
    }

    /// Integer operators by precedence level: `|`, `^`, `&`, shifts, `+ -`, `* \ %`.
    fn binary(&mut self, level: usize) -> Result<P, Error> {
        const LEVELS: &[&[(&str, BinOp)]] = &[
            &[("|", BinOp::Or)],
            &[("^", BinOp::Xor)],
            &[("&", BinOp::And)],
            &[("<<", BinOp::Shl), (">>", BinOp::Shr)],
            &[("+", BinOp::Add), ("-", BinOp::Sub)],
            &[("*", BinOp::Mul), ("\\", BinOp::Div), ("%", BinOp::Mod)],
        ];
        if level == LEVELS.len() {
            return self.unary();
        }
        let mut l = self.binary(level + 1)?;
        loop {
            let op = match &self.peek()?.0 {
                Tok::Punct(p) => LEVELS[level].iter().find(|(s, _)| s == p).map(|x| x.1),
                _ => None,
            };
            let Some(op) = op else { return Ok(l) };
            self.bump()?;
            let r = self.binary(level + 1)?;
            let span = l.span.start..r.span.end;
            l = P {
                e: Expr::Bin(op, self.int(l)?, self.int(r)?),
                ty: Ty::Int,
                span,
            };
        }
    }

    fn unary(&mut self) -> Result<P, Error> {
        if self.is_punct("-")? || self.is_punct("~")? {
            let (t, span) = self.bump()?;
            let inner = self.unary()?;
            let span = span.start..inner.span.end;
            let e = self.int(inner)?;
            return Ok(P {
                e: if t == Tok::Punct("-") {
                    Expr::Neg(e)
                } else {
                    Expr::BitNot(e)
                },
                ty: Ty::Int,
                span,
            });
        }
        self.primary()
    }

    fn string_ref(&self, name: &str, sigil: char, span: &Range<usize>) -> Result<SRef, Error> {
        if name.is_empty() {
            if self.in_for > 0 {
                return Ok(SRef::Current);
            }
            return Err(Error::new(
                span.clone(),
                "Y004",
                format!(
                    "a bare `{sigil}` names the current string only inside `for … of … : ( … )`"
                ),
            ));
        }
        self.strings
            .iter()
            .position(|(n, _)| n == name)
            .map(SRef::Idx)
            .ok_or_else(|| Error::new(span.clone(), "Y004", format!("undefined string `${name}`")))
    }

    fn range(&mut self) -> Result<(Box<Expr>, Box<Expr>, usize), Error> {
        self.expect_punct("(")?;
        let lo = self.binary(0)?;
        self.expect_punct("..")?;
        let hi = self.binary(0)?;
        let end = self.expect_punct(")")?.end;
        Ok((self.int(lo)?, self.int(hi)?, end))
    }

    fn index(&mut self) -> Result<(Box<Expr>, Option<usize>), Error> {
        if self.is_punct("[")? {
            self.bump()?;
            let i = self.expr()?;
            let end = self.expect_punct("]")?.end;
            Ok((self.int(i)?, Some(end)))
        } else {
            Ok((Box::new(Expr::Int(1)), None))
        }
    }

    fn primary(&mut self) -> Result<P, Error> {
        let (tok, span) = self.peek()?.clone();
        let is_offset = matches!(tok, Tok::Offset(_));
        let p = match tok {
            Tok::Punct("(") => {
                self.bump()?;
                let inner = self.expr()?;
                let end = self.expect_punct(")")?.end;
                P {
                    e: inner.e,
                    ty: inner.ty,
                    span: span.start..end,
                }
            }
            Tok::Int(n) => {
                self.bump()?;
                P {
                    e: Expr::Int(n),
                    ty: Ty::Int,
                    span,
                }
            }
            Tok::Text(_) | Tok::Regex { .. } => {
                return Err(Error::new(
                    span,
                    "Y002",
                    "text and regex values in conditions need modules, which are not supported; define a string under `strings:` and use `$name`",
                ))
            }
            Tok::StrWild(_) => {
                return Err(Error::new(
                    span,
                    "Y001",
                    "`$name*` is a set: use it as `any of ($name*)`",
                ))
            }
            Tok::StrId(name) => {
                self.bump()?;
                let s = self.string_ref(&name, '$', &span)?;
                if self.is_kw("at")? {
                    self.bump()?;
                    let at = self.binary(0)?;
                    let sp = span.start..at.span.end;
                    return Ok(P {
                        e: Expr::StrAt(s, self.int(at)?),
                        ty: Ty::Bool,
                        span: sp,
                    });
                }
                if self.is_kw("in")? {
                    self.bump()?;
                    let (lo, hi, end) = self.range()?;
                    return Ok(P {
                        e: Expr::StrIn(s, lo, hi),
                        ty: Ty::Bool,
                        span: span.start..end,
                    });
                }
                P {
                    e: Expr::Str(s),
                    ty: Ty::Bool,
                    span,
                }
            }
            Tok::Count(name) => {
                self.bump()?;
                let s = self.string_ref(&name, '#', &span)?;
                if self.is_kw("in")? {
                    self.bump()?;
                    let (lo, hi, end) = self.range()?;
                    return Ok(P {
                        e: Expr::CountIn(s, lo, hi),
                        ty: Ty::Int,
                        span: span.start..end,
                    });
                }
                P {
                    e: Expr::Count(s),
                    ty: Ty::Int,
                    span,
                }
            }
            Tok::Offset(name) | Tok::Length(name) => {
                let offset = is_offset;
                self.bump()?;
                let s = self.string_ref(&name, if offset { '@' } else { '!' }, &span)?;
                let (i, end) = self.index()?;
                let e = if offset {
                    Expr::Offset(s, i)
                } else {
                    Expr::Length(s, i)
                };
                P {
                    e,
                    ty: Ty::Int,
                    span: span.start..end.unwrap_or(span.end),
                }
            }
            Tok::Ident(word) => match word.as_str() {
                "true" | "false" => {
                    self.bump()?;
                    P {
                        e: Expr::Bool(word == "true"),
                        ty: Ty::Bool,
                        span,
                    }
                }
                "filesize" => {
                    self.bump()?;
                    P {
                        e: Expr::Filesize,
                        ty: Ty::Int,
                        span,
                    }
                }
                "all" | "any" | "none" => {
                    self.bump()?;
                    let q = match word.as_str() {
                        "all" => Quant::All,
                        "any" => Quant::Any,
                        _ => Quant::None,
                    };
                    return self.of(q, span.start);
                }
                "for" => return self.for_of(),
                "entrypoint" => {
                    return Err(Error::new(
                        span,
                        "Y002",
                        "`entrypoint` is deprecated in YARA and not supported (it needs the pe/elf modules)",
                    ))
                }
                "defined" => {
                    return Err(Error::new(
                        span,
                        "Y002",
                        "`defined` is not supported (without modules every value is defined or an out-of-range read)",
                    ))
                }
                w if read_fn(w).is_some() => {
                    let (width, signed, be) = read_fn(w).expect("checked");
                    self.bump()?;
                    self.expect_punct("(")?;
                    let at = self.expr()?;
                    let end = self.expect_punct(")")?.end;
                    P {
                        e: Expr::Read {
                            width,
                            signed,
                            be,
                            at: self.int(at)?,
                        },
                        ty: Ty::Int,
                        span: span.start..end,
                    }
                }
                w => {
                    self.bump()?;
                    if self.is_punct(".")? {
                        return Err(Error::new(
                            span,
                            "Y002",
                            format!("`{w}.…`: YARA modules are not supported by ferret's YARA subset"),
                        ));
                    }
                    match self.rules.iter().find(|r| r.name == w) {
                        Some(r) => P {
                            e: Expr::Rule(r.clone()),
                            ty: Ty::Bool,
                            span,
                        },
                        None => {
                            return Err(Error::new(
                                span,
                                "Y004",
                                format!("unknown identifier `{w}` (a condition can name rules defined above it in the same file)"),
                            ))
                        }
                    }
                }
            },
            _ => return Err(self.unexpected("an expression")),
        };
        // `N of …`, `N% of …`
        if p.ty == Ty::Int {
            if self.is_kw("of")? {
                return self.of(Quant::N(Box::new(p.e)), p.span.start);
            }
            if self.is_punct("%")? && self.peek2()? == Tok::Ident("of".into()) {
                self.bump()?;
                return self.of(Quant::Percent(Box::new(p.e)), p.span.start);
            }
        }
        Ok(p)
    }

    /// The string set of `… of SET`: `them` or `($a, $b*, ...)`, as rule-local indices.
    fn set(&mut self) -> Result<(Vec<usize>, usize), Error> {
        if self.is_kw("them")? {
            let span = self.bump()?.1;
            if self.strings.is_empty() {
                return Err(Error::new(span, "Y004", "`them`: this rule has no strings"));
            }
            return Ok(((0..self.strings.len()).collect(), span.end));
        }
        self.expect_punct("(")?;
        let mut out = Vec::new();
        loop {
            let (tok, span) = self.bump()?;
            let found: Vec<usize> = match &tok {
                Tok::StrId(n) if !n.is_empty() => match self.string_ref(n, '$', &span)? {
                    SRef::Idx(i) => vec![i],
                    SRef::Current => Vec::new(),
                },
                Tok::StrWild(prefix) => self
                    .strings
                    .iter()
                    .enumerate()
                    .filter(|(_, (n, _))| n.starts_with(prefix.as_str()))
                    .map(|(i, _)| i)
                    .collect(),
                Tok::Ident(_) => {
                    return Err(Error::new(
                        span,
                        "Y002",
                        "sets of rules (`any of (rule_a, rule_b)`) are not supported; combine the rules with `or`",
                    ))
                }
                t => {
                    return Err(Error::new(
                        span,
                        "Y001",
                        format!("expected `$name` or `$prefix*` in a string set, found {}", t.describe()),
                    ))
                }
            };
            if found.is_empty() {
                return Err(Error::new(
                    span,
                    "Y004",
                    "no string of this rule matches this name",
                ));
            }
            for i in found {
                if !out.contains(&i) {
                    out.push(i);
                }
            }
            if self.is_punct(",")? {
                self.bump()?;
                continue;
            }
            let end = self.expect_punct(")")?.end;
            return Ok((out, end));
        }
    }

    fn of(&mut self, quant: Quant, start: usize) -> Result<P, Error> {
        self.expect_kw("of")?;
        let (set, mut end) = self.set()?;
        let anchor = if self.is_kw("at")? {
            self.bump()?;
            let at = self.binary(0)?;
            end = at.span.end;
            Anchor::At(self.int(at)?)
        } else if self.is_kw("in")? {
            self.bump()?;
            let (lo, hi, e) = self.range()?;
            end = e;
            Anchor::In(lo, hi)
        } else {
            Anchor::None
        };
        Ok(P {
            e: Expr::Of { quant, set, anchor },
            ty: Ty::Bool,
            span: start..end,
        })
    }

    fn for_of(&mut self) -> Result<P, Error> {
        let start = self.expect_kw("for")?.start;
        let (tok, span) = self.bump()?;
        let quant = match tok {
            Tok::Ident(w) if w == "all" => Quant::All,
            Tok::Ident(w) if w == "any" => Quant::Any,
            Tok::Ident(w) if w == "none" => Quant::None,
            Tok::Int(n) => {
                if self.is_punct("%")? {
                    self.bump()?;
                    Quant::Percent(Box::new(Expr::Int(n)))
                } else {
                    Quant::N(Box::new(Expr::Int(n)))
                }
            }
            Tok::Punct("(") => {
                let e = self.expr()?;
                self.expect_punct(")")?;
                let e = self.int(e)?;
                if self.is_punct("%")? {
                    self.bump()?;
                    Quant::Percent(e)
                } else {
                    Quant::N(e)
                }
            }
            t => {
                return Err(Error::new(
                    span,
                    "Y001",
                    format!(
                        "expected all, any, none or a number after `for`, found {}",
                        t.describe()
                    ),
                ))
            }
        };
        if !self.is_kw("of")? {
            let span = self.peek()?.1.clone();
            return Err(Error::new(
                span,
                "Y002",
                "`for … in` loops with variables are not supported; `for … of ($a*) : ( … )` is",
            ));
        }
        self.bump()?;
        let (set, _) = self.set()?;
        self.expect_punct(":")?;
        self.expect_punct("(")?;
        self.in_for += 1;
        let body = self.expr();
        self.in_for -= 1;
        let body = body?;
        let end = self.expect_punct(")")?.end;
        Ok(P {
            e: Expr::ForOf {
                quant,
                set,
                body: Box::new(body.e),
            },
            ty: Ty::Bool,
            span: start..end,
        })
    }
}

/// `uint16be` → (width in bytes, signed, big-endian).
fn read_fn(name: &str) -> Option<(u8, bool, bool)> {
    let (signed, rest) = if let Some(r) = name.strip_prefix("uint") {
        (false, r)
    } else {
        (true, name.strip_prefix("int")?)
    };
    let (bits, be) = match rest.strip_suffix("be") {
        Some(b) => (b, true),
        None => (rest, false),
    };
    let width = match bits {
        "8" => 1,
        "16" => 2,
        "32" => 4,
        _ => return None,
    };
    Some((width, signed, be))
}
