//! A YARA-compatible subset, compiled to `regex::bytes` and matched without modules.
//!
//! What is supported (the rest is rejected with an error that points into the rule file):
//!
//! - rules: `rule name : tags { meta: … strings: … condition: … }`, `private rule` (never
//!   reported, usable in other rules' conditions). `global` rules, `import` and `include` are
//!   rejected.
//! - strings: text with `\" \\ \t \n \r \xHH` and the modifiers `nocase`, `ascii`, `wide`,
//!   `fullword`, `private`, `xor`, `xor(n)`, `xor(lo-hi)`, `base64`, `base64wide` (optionally
//!   with a custom alphabet); hex strings with `??`, nibble wildcards (`4?`, `?A`), `~XX`,
//!   jumps `[n]`, `[n-m]`, `[n-]`, `[-]` and alternatives `( AA | BB CC )`; regular
//!   expressions `/…/is` with `nocase`, `ascii`, `fullword`, `private`.
//! - conditions: `and`, `or`, `not`, parentheses, `true`, `false`, `$a`, `$a at N`,
//!   `$a in (X..Y)`, `#a`, `#a in (X..Y)`, `@a`, `@a[i]`, `!a`, `!a[i]`, `filesize`, integers
//!   (`10`, `0x1F`, `0o17`, `4KB`, `1MB`), `+ - * \ % & | ^ ~ << >>`, comparisons,
//!   `uint8/16/32(off)`, `int8/16/32(off)` and their `be` forms, `any/all/none/N/N% of them`,
//!   `… of ($a*, $b)` optionally `at N` or `in (X..Y)`, `for Q of SET : ( … $ … # … @ … ! … )`,
//!   and names of rules defined above in the same file.
//!
//! Each string is one regex, checked (syntax, size) when the rule loads and compiled the first
//! time a buffer could contain it. Literals that every match of a string must contain (its
//! atoms, as YARA calls them) are extracted at load; a [`SubsetScanner`] puts the atoms of all
//! its strings into one Aho-Corasick automaton, so a member in which no atom occurs costs one
//! pass and no regex runs. Matches (offsets, counts) are computed only for strings that occur and
//! only when a condition asks.
//!
//! With the cargo feature `yara-x`, [`compile`] and [`Scanner`] use the real YARA engine (the
//! `yara-x` crate, with its `console`, `hash`, `math`, `string` and `time` modules) instead:
//! any rule YARA accepts loads, and errors still point into the rule file. The subset stays
//! available as [`compile_subset`] and [`SubsetScanner`].

mod lex;
mod parse;
mod strings;
#[cfg(feature = "yara-x")]
mod yx;

#[cfg(feature = "yara-x")]
pub use yx::Scanner;

use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Hir, HirKind};
use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

/// At most this many matches are recorded per string and member (YARA has a similar cap);
/// `#a` saturates there.
pub const MAX_MATCHES: usize = 100_000;

/// Listing a string's matches stops once the searches have spanned this many times the
/// member's size (plus 1 MiB): a greedy regex (`/a.*b/s`) found again from every start offset
/// would otherwise cost quadratic time. Counts and offsets past that point are not seen.
pub const MAX_SEARCH_FACTOR: usize = 16;

/// A compile error: byte span in the source, a stable code and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub span: Range<usize>,
    /// `Y001` syntax, `Y002` unsupported YARA feature, `Y003` invalid string, `Y004` unknown
    /// name, `Y005` type mismatch, `Y006` duplicate name. With the `yara-x` feature, yara-x's
    /// own codes (`E001`, ...).
    pub code: &'static str,
    pub message: String,
}

impl Error {
    pub(crate) fn new(span: Range<usize>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            span,
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} at byte {}: {}",
            self.code, self.span.start, self.message
        )
    }
}

impl std::error::Error for Error {}

static UID: AtomicU64 = AtomicU64::new(1);

pub(crate) fn next_uid() -> u64 {
    UID.fetch_add(1, Ordering::Relaxed)
}

/// At most this many atoms per string (more are shortened to fewer distinct ones).
const MAX_ATOMS: usize = 16;

/// A string whose regex would have more NFA states than this (about) is rejected at load.
const MAX_PATTERN_SIZE: u64 = 1_000_000;

/// Roughly how many NFA states `h` compiles to (repetitions expanded).
fn pattern_size(h: &Hir) -> u64 {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) | HirKind::Class(_) => 1,
        HirKind::Literal(l) => l.0.len() as u64,
        HirKind::Repetition(r) => pattern_size(&r.sub)
            .saturating_mul(u64::from(r.max.unwrap_or(r.min).max(1)))
            .saturating_add(1),
        HirKind::Capture(c) => pattern_size(&c.sub),
        HirKind::Concat(v) | HirKind::Alternation(v) => {
            v.iter().map(pattern_size).fold(0, u64::saturating_add)
        }
    }
}

/// Literals one of which every match of a string starts (or ends) with; `nocase` when they
/// are to be found ignoring ASCII case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Atoms {
    pub literals: Vec<Vec<u8>>,
    pub nocase: bool,
}

/// Checks a translated pattern (syntax, size) and returns its atoms, each at least 2 bytes
/// long; `None` when there are none that narrow the search (the regex then runs on every
/// buffer).
pub(crate) fn check_pattern(pattern: &str) -> Result<Option<Atoms>, String> {
    // Patterns are `(?FLAGS:…)` with no inner flag groups: a case-insensitive one is analysed
    // without `i` and its atoms are searched ignoring case, instead of as every case variant.
    let nocase = pattern.starts_with("(?i");
    let src = if nocase {
        format!("(?{}", &pattern[3..])
    } else {
        pattern.to_string()
    };
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(&src)
        .map_err(|e| {
            e.to_string()
                .lines()
                .last()
                .unwrap_or("invalid")
                .trim()
                .to_string()
        })?;
    let size = pattern_size(&hir);
    if size > MAX_PATTERN_SIZE {
        return Err(format!(
            "too large: about {size} automaton states (limit {MAX_PATTERN_SIZE}); use shorter jumps or repetitions"
        ));
    }
    let mut best: Option<(usize, Vec<Vec<u8>>)> = None;
    for prefix in [true, false] {
        if best.as_ref().is_some_and(|(min, _)| *min >= 4) {
            break;
        }
        let mut ex = Extractor::new();
        ex.kind(if prefix {
            ExtractKind::Prefix
        } else {
            ExtractKind::Suffix
        });
        let mut seq = ex.extract(&hir);
        // Many variants (`abc[0-9]{3}` → abc000…abc999) make a big automaton for little gain:
        // shorten them until few remain.
        if let Some(min) = seq
            .min_literal_len()
            .filter(|_| seq.len() > Some(MAX_ATOMS))
        {
            for k in (2..=min).rev() {
                let mut t = seq.clone();
                if prefix {
                    t.keep_first_bytes(k);
                } else {
                    t.keep_last_bytes(k);
                }
                t.dedup();
                if t.len() <= Some(MAX_ATOMS) {
                    seq = t;
                    break;
                }
            }
        }
        let (Some(lits), Some(min)) = (seq.literals(), seq.min_literal_len()) else {
            continue;
        };
        if min < 2 || lits.is_empty() {
            continue;
        }
        if best
            .as_ref()
            .is_none_or(|(m, l)| (min, usize::MAX - lits.len()) > (*m, usize::MAX - l.len()))
        {
            best = Some((min, lits.iter().map(|l| l.as_bytes().to_vec()).collect()));
        }
    }
    Ok(best.map(|(_, mut literals)| {
        if nocase {
            literals.iter_mut().for_each(|l| l.make_ascii_lowercase());
            literals.sort();
            literals.dedup();
        }
        Atoms { literals, nocase }
    }))
}

pub(crate) fn build_regex(pattern: &str) -> Result<regex::bytes::Regex, String> {
    regex::bytes::RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(32 << 20)
        .dfa_size_limit(8 << 20)
        .build()
        .map_err(|e| {
            e.to_string()
                .lines()
                .last()
                .unwrap_or("invalid")
                .trim()
                .to_string()
        })
}

/// A `meta:` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetaValue {
    Str(String),
    Int(i64),
    Bool(bool),
}

#[derive(Debug, Clone)]
pub struct Meta {
    pub key: String,
    pub value: MetaValue,
    /// Where the value is written.
    pub span: Range<usize>,
}

/// One compiled string.
#[derive(Debug)]
pub struct YString {
    /// `$name` as written (`$` for anonymous strings).
    pub ident: String,
    pub private: bool,
    fullword: bool,
    /// The `regex` source it translates to.
    pattern: String,
    /// Compiled on first use.
    regex: OnceLock<Option<regex::bytes::Regex>>,
    /// Literals one of which every match contains (see [`check_pattern`]).
    atoms: Option<Atoms>,
    uid: u64,
}

impl YString {
    pub(crate) fn new(
        ident: String,
        private: bool,
        fullword: bool,
        pattern: String,
        atoms: Option<Atoms>,
    ) -> Self {
        Self {
            ident,
            private,
            fullword,
            pattern,
            regex: OnceLock::new(),
            atoms,
            uid: next_uid(),
        }
    }

    /// The Rust regex this string translates to (for tests and debugging).
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// The literals the prefilter looks for (`None`: the regex runs on every buffer).
    pub fn atoms(&self) -> Option<&Atoms> {
        self.atoms.as_ref()
    }

    /// The compiled regex. Syntax and size were checked at load, so `None` is not expected.
    fn regex(&self) -> Option<&regex::bytes::Regex> {
        self.regex
            .get_or_init(|| build_regex(&self.pattern).ok())
            .as_ref()
    }
}

/// One compiled rule.
#[derive(Debug)]
pub struct Rule {
    pub name: String,
    /// Where the name is written.
    pub name_span: Range<usize>,
    pub tags: Vec<String>,
    pub private: bool,
    pub meta: Vec<Meta>,
    pub strings: Vec<Arc<YString>>,
    condition: Expr,
    /// Rules named in the condition.
    deps: Vec<Arc<Rule>>,
    uid: u64,
    /// The source file the rule was compiled from by `yara-x` (`None` for the subset's rules).
    #[cfg(feature = "yara-x")]
    source: Option<Arc<yx::Source>>,
}

impl Rule {
    /// The first `meta:` value with this key.
    pub fn meta(&self, key: &str) -> Option<&Meta> {
        self.meta.iter().find(|m| m.key == key)
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    And,
    Or,
    Xor,
    Shl,
    Shr,
}

/// A string named in a condition: by index in the rule, or the current one of `for … of`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SRef {
    Idx(usize),
    Current,
}

#[derive(Debug)]
pub(crate) enum Quant {
    All,
    Any,
    None,
    N(Box<Expr>),
    Percent(Box<Expr>),
}

#[derive(Debug)]
pub(crate) enum Anchor {
    None,
    At(Box<Expr>),
    In(Box<Expr>, Box<Expr>),
}

#[derive(Debug)]
pub(crate) enum Expr {
    Bool(bool),
    Int(i64),
    Filesize,
    Str(SRef),
    StrAt(SRef, Box<Expr>),
    StrIn(SRef, Box<Expr>, Box<Expr>),
    Count(SRef),
    CountIn(SRef, Box<Expr>, Box<Expr>),
    Offset(SRef, Box<Expr>),
    Length(SRef, Box<Expr>),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    Neg(Box<Expr>),
    BitNot(Box<Expr>),
    Read {
        width: u8,
        signed: bool,
        be: bool,
        at: Box<Expr>,
    },
    Of {
        quant: Quant,
        set: Vec<usize>,
        anchor: Anchor,
    },
    ForOf {
        quant: Quant,
        set: Vec<usize>,
        body: Box<Expr>,
    },
    Rule(Arc<Rule>),
}

impl Expr {
    /// Rules this expression names.
    fn rules(&self, out: &mut Vec<Arc<Rule>>) {
        let mut each = |e: &Expr| e.rules(out);
        match self {
            Expr::Rule(r) => out.push(r.clone()),
            Expr::StrAt(_, a) | Expr::Offset(_, a) | Expr::Length(_, a) => each(a),
            Expr::StrIn(_, a, b) | Expr::CountIn(_, a, b) => {
                each(a);
                each(b);
            }
            Expr::Not(a) | Expr::Neg(a) | Expr::BitNot(a) | Expr::Read { at: a, .. } => each(a),
            Expr::And(a, b) | Expr::Or(a, b) | Expr::Cmp(_, a, b) | Expr::Bin(_, a, b) => {
                each(a);
                each(b);
            }
            Expr::ForOf { body, .. } => each(body),
            _ => {}
        }
    }
}

/// Compiles a YARA source file into its rules (private ones included; see [`Rule::private`]).
#[cfg(not(feature = "yara-x"))]
pub fn compile(src: &str) -> Result<Vec<Arc<Rule>>, Error> {
    compile_subset(src)
}

/// Compiles a YARA source file into its rules (private ones included; see [`Rule::private`])
/// with `yara-x`: the rules carry their name, tags and meta, and match only in a
/// [`Scanner`].
#[cfg(feature = "yara-x")]
pub fn compile(src: &str) -> Result<Vec<Arc<Rule>>, Error> {
    yx::compile(src)
}

/// Compiles a YARA source file with the built-in subset (whatever the cargo features), for a
/// [`SubsetScanner`].
pub fn compile_subset(src: &str) -> Result<Vec<Arc<Rule>>, Error> {
    parse::Parser::new(src).file()
}

/// Where a matching rule matched: the earliest occurrence of one of its strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringHit {
    pub ident: String,
    pub start: usize,
    pub end: usize,
}

/// A rule that matched, by index in the scanner's rule list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMatch {
    pub rule: usize,
    /// None when the condition held without a string (`filesize`, `uint16(0)`, ...).
    pub hit: Option<StringHit>,
}

/// Rules ready to scan byte buffers, without the `yara-x` feature.
#[cfg(not(feature = "yara-x"))]
pub type Scanner = SubsetScanner;

/// The built-in subset's rules ready to scan byte buffers; `Sync`, built once and shared by
/// threads.
#[derive(Debug)]
pub struct SubsetScanner {
    rules: Vec<Arc<Rule>>,
    strings: Vec<Arc<YString>>,
    /// Rule uid → slot of each of its strings in `strings`.
    slots: HashMap<u64, Vec<usize>>,
    /// The atoms of every string that has some (one automaton matching case, one ignoring
    /// it), and the slot each pattern belongs to: a pass over a buffer says which strings may
    /// occur.
    atoms: Vec<(aho_corasick::AhoCorasick, Vec<usize>)>,
    /// Strings whose atoms could not be put into an automaton.
    unfiltered: Vec<usize>,
}

impl SubsetScanner {
    /// Rules to report (private ones are evaluated only when another rule names them).
    pub fn new(rules: Vec<Arc<Rule>>) -> Self {
        let mut sc = SubsetScanner {
            rules: Vec::new(),
            strings: Vec::new(),
            slots: HashMap::new(),
            atoms: Vec::new(),
            unfiltered: Vec::new(),
        };
        fn add(sc: &mut SubsetScanner, r: &Arc<Rule>) {
            if sc.slots.contains_key(&r.uid) {
                return;
            }
            let mut slots = Vec::new();
            for s in &r.strings {
                match sc.strings.iter().position(|x| x.uid == s.uid) {
                    Some(i) => slots.push(i),
                    None => {
                        sc.strings.push(s.clone());
                        slots.push(sc.strings.len() - 1);
                    }
                }
            }
            sc.slots.insert(r.uid, slots);
            for d in &r.deps {
                add(sc, d);
            }
        }
        for r in &rules {
            add(&mut sc, r);
        }
        sc.rules = rules;
        for nocase in [false, true] {
            let mut patterns: Vec<&[u8]> = Vec::new();
            let mut owner = Vec::new();
            for (slot, s) in sc.strings.iter().enumerate() {
                for a in s.atoms.iter().filter(|a| a.nocase == nocase) {
                    for l in &a.literals {
                        patterns.push(l);
                        owner.push(slot);
                    }
                }
            }
            if patterns.is_empty() {
                continue;
            }
            // The default automaton: a full DFA scans about twice as fast but takes ~5x as long
            // to build for hundreds of rules, and start-up matters for one-file scans.
            let ac = aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(nocase)
                .build(patterns);
            match ac {
                Ok(ac) => sc.atoms.push((ac, owner)),
                // Not expected for short literals; the strings then run their regexes.
                Err(_) => {
                    for &slot in &owner {
                        sc.unfiltered.push(slot);
                    }
                }
            }
        }
        sc
    }

    pub fn rules(&self) -> &[Arc<Rule>] {
        &self.rules
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Every rule whose condition holds on `data`.
    pub fn scan(&self, data: &[u8]) -> Vec<RuleMatch> {
        let mut candidate: Vec<bool> = self.strings.iter().map(|s| s.atoms.is_none()).collect();
        for &slot in &self.unfiltered {
            candidate[slot] = true;
        }
        for (ac, owner) in &self.atoms {
            let mut left = owner.iter().filter(|&&slot| !candidate[slot]).count();
            if left == 0 {
                continue;
            }
            for m in ac.find_overlapping_iter(data) {
                let slot = owner[m.pattern().as_usize()];
                if !candidate[slot] {
                    candidate[slot] = true;
                    left -= 1;
                    if left == 0 {
                        break;
                    }
                }
            }
        }
        let ctx = Ctx {
            sc: self,
            data,
            candidate,
            hits: (0..self.strings.len()).map(|_| OnceCell::new()).collect(),
            first: (0..self.strings.len()).map(|_| OnceCell::new()).collect(),
            all: (0..self.strings.len()).map(|_| OnceCell::new()).collect(),
            memo: RefCell::new(HashMap::new()),
        };
        let mut out = Vec::new();
        for (i, r) in self.rules.iter().enumerate() {
            if !ctx.rule(r) {
                continue;
            }
            let slots = &self.slots[&r.uid];
            let mut best: Option<(bool, StringHit)> = None;
            for &slot in slots {
                let s = &self.strings[slot];
                if let Some((start, end)) = ctx.first(slot) {
                    // Prefer public strings, then the earliest.
                    let better = match &best {
                        None => true,
                        Some((private, b)) => (s.private, start) < (*private, b.start),
                    };
                    if better {
                        best = Some((
                            s.private,
                            StringHit {
                                ident: s.ident.clone(),
                                start,
                                end,
                            },
                        ));
                    }
                }
            }
            out.push(RuleMatch {
                rule: i,
                hit: best.map(|(_, h)| h),
            });
        }
        out
    }
}

fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// `fullword`: not preceded or followed by an alphanumeric character (in ASCII or UTF-16LE).
fn fullword_ok(data: &[u8], start: usize, end: usize) -> bool {
    let before_ascii = start >= 1 && is_alnum(data[start - 1]);
    let before_wide = start >= 2 && data[start - 1] == 0 && is_alnum(data[start - 2]);
    let after_ascii = end < data.len() && is_alnum(data[end]);
    let after_wide = end + 1 < data.len() && is_alnum(data[end]) && data[end + 1] == 0;
    !(before_ascii || before_wide || after_ascii || after_wide)
}

struct Ctx<'a> {
    sc: &'a SubsetScanner,
    data: &'a [u8],
    /// Strings the atoms say may occur.
    candidate: Vec<bool>,
    /// Whether each string's regex matches (not yet checked for `fullword`).
    hits: Vec<OnceCell<bool>>,
    first: Vec<OnceCell<Option<(usize, usize)>>>,
    all: Vec<OnceCell<Vec<(usize, usize)>>>,
    memo: RefCell<HashMap<u64, bool>>,
}

impl Ctx<'_> {
    fn hit(&self, slot: usize) -> bool {
        *self.hits[slot].get_or_init(|| {
            self.candidate[slot]
                && self.sc.strings[slot]
                    .regex()
                    .is_some_and(|r| r.is_match(self.data))
        })
    }

    /// Calls `f` on each match (every start offset, overlapping, as YARA counts them) until
    /// it returns false or [`MAX_MATCHES`] are seen.
    fn each_match(&self, slot: usize, mut f: impl FnMut(usize, usize) -> bool) {
        if !self.hit(slot) {
            return;
        }
        let s = &self.sc.strings[slot];
        let Some(regex) = s.regex() else { return };
        let budget = MAX_SEARCH_FACTOR
            .saturating_mul(self.data.len())
            .saturating_add(1 << 20);
        let mut spanned = 0usize;
        let mut pos = 0;
        let mut n = 0;
        while pos <= self.data.len() && spanned <= budget {
            let Some(m) = regex.find_at(self.data, pos) else {
                break;
            };
            spanned += m.end() - pos;
            if !s.fullword || fullword_ok(self.data, m.start(), m.end()) {
                n += 1;
                if !f(m.start(), m.end()) || n >= MAX_MATCHES {
                    break;
                }
            }
            pos = m.start() + 1;
        }
    }

    fn first(&self, slot: usize) -> Option<(usize, usize)> {
        *self.first[slot].get_or_init(|| {
            if let Some(all) = self.all[slot].get() {
                return all.first().copied();
            }
            let mut found = None;
            self.each_match(slot, |s, e| {
                found = Some((s, e));
                false
            });
            found
        })
    }

    fn all(&self, slot: usize) -> &[(usize, usize)] {
        self.all[slot].get_or_init(|| {
            let mut v = Vec::new();
            self.each_match(slot, |s, e| {
                v.push((s, e));
                true
            });
            v
        })
    }

    fn matched(&self, slot: usize) -> bool {
        if !self.hit(slot) {
            return false;
        }
        if !self.sc.strings[slot].fullword {
            return true;
        }
        self.first(slot).is_some()
    }

    fn rule(&self, r: &Rule) -> bool {
        if let Some(&v) = self.memo.borrow().get(&r.uid) {
            return v;
        }
        let slots = &self.sc.slots[&r.uid];
        let v = self.bool(&r.condition, slots, None).unwrap_or(false);
        self.memo.borrow_mut().insert(r.uid, v);
        v
    }

    fn slot(slots: &[usize], s: SRef, cur: Option<usize>) -> Option<usize> {
        match s {
            SRef::Idx(i) => slots.get(i).copied(),
            SRef::Current => cur,
        }
    }

    /// A boolean; `None` is YARA's undefined (an out-of-range read, a missing `@a[i]`).
    fn bool(&self, e: &Expr, slots: &[usize], cur: Option<usize>) -> Option<bool> {
        let slot = |s: SRef| Self::slot(slots, s, cur);
        Some(match e {
            Expr::Bool(b) => *b,
            Expr::Str(s) => self.matched(slot(*s)?),
            Expr::StrAt(s, at) => {
                let at = usize::try_from(self.int(at, slots, cur)?).ok()?;
                let slot = slot(*s)?;
                let mut found = false;
                // Matches are found in order of their start: stop once past `at`.
                self.each_match(slot, |st, _| {
                    found = st == at;
                    st < at
                });
                found
            }
            Expr::StrIn(s, lo, hi) => {
                let lo = self.int(lo, slots, cur)?;
                let hi = self.int(hi, slots, cur)?;
                let slot = slot(*s)?;
                let mut found = false;
                self.each_match(slot, |st, _| {
                    let st = st as i64;
                    found = st >= lo && st <= hi;
                    !found && st < hi
                });
                found
            }
            Expr::Not(a) => !self.bool(a, slots, cur)?,
            Expr::And(a, b) => match self.bool(a, slots, cur) {
                Some(false) => false,
                l => {
                    let r = self.bool(b, slots, cur);
                    match (l, r) {
                        (_, Some(false)) => false,
                        (Some(true), Some(true)) => true,
                        _ => return None,
                    }
                }
            },
            Expr::Or(a, b) => match self.bool(a, slots, cur) {
                Some(true) => true,
                l => {
                    let r = self.bool(b, slots, cur);
                    match (l, r) {
                        (_, Some(true)) => true,
                        (Some(false), Some(false)) => false,
                        _ => return None,
                    }
                }
            },
            Expr::Cmp(op, a, b) => {
                let (a, b) = (self.int(a, slots, cur)?, self.int(b, slots, cur)?);
                match op {
                    CmpOp::Eq => a == b,
                    CmpOp::Ne => a != b,
                    CmpOp::Lt => a < b,
                    CmpOp::Le => a <= b,
                    CmpOp::Gt => a > b,
                    CmpOp::Ge => a >= b,
                }
            }
            Expr::Of { quant, set, anchor } => {
                let mut n = 0i64;
                for &i in set {
                    let Some(slot) = slots.get(i).copied() else {
                        continue;
                    };
                    let ok = match anchor {
                        Anchor::None => self.matched(slot),
                        Anchor::At(at) => self
                            .bool(
                                &Expr::StrAt(
                                    SRef::Current,
                                    Box::new(Expr::Int(self.int(at, slots, cur)?)),
                                ),
                                slots,
                                Some(slot),
                            )
                            .unwrap_or(false),
                        Anchor::In(lo, hi) => self
                            .bool(
                                &Expr::StrIn(
                                    SRef::Current,
                                    Box::new(Expr::Int(self.int(lo, slots, cur)?)),
                                    Box::new(Expr::Int(self.int(hi, slots, cur)?)),
                                ),
                                slots,
                                Some(slot),
                            )
                            .unwrap_or(false),
                    };
                    n += i64::from(ok);
                }
                self.quant(quant, n, set.len() as i64, slots, cur)?
            }
            Expr::ForOf { quant, set, body } => {
                let mut n = 0i64;
                for &i in set {
                    let Some(slot) = slots.get(i).copied() else {
                        continue;
                    };
                    n += i64::from(self.bool(body, slots, Some(slot)).unwrap_or(false));
                }
                self.quant(quant, n, set.len() as i64, slots, cur)?
            }
            Expr::Rule(r) => self.rule(r),
            // An integer in a boolean context: true when not zero.
            other => self.int(other, slots, cur)? != 0,
        })
    }

    fn quant(
        &self,
        q: &Quant,
        n: i64,
        total: i64,
        slots: &[usize],
        cur: Option<usize>,
    ) -> Option<bool> {
        Some(match q {
            Quant::All => n == total,
            Quant::Any => n >= 1,
            Quant::None => n == 0,
            Quant::N(k) => n >= self.int(k, slots, cur)?,
            Quant::Percent(p) => n * 100 >= self.int(p, slots, cur)? * total,
        })
    }

    fn int(&self, e: &Expr, slots: &[usize], cur: Option<usize>) -> Option<i64> {
        let slot = |s: SRef| Self::slot(slots, s, cur);
        Some(match e {
            Expr::Int(n) => *n,
            Expr::Filesize => self.data.len() as i64,
            Expr::Count(s) => self.all(slot(*s)?).len() as i64,
            Expr::CountIn(s, lo, hi) => {
                let (lo, hi) = (self.int(lo, slots, cur)?, self.int(hi, slots, cur)?);
                self.all(slot(*s)?)
                    .iter()
                    .filter(|(st, _)| (lo..=hi).contains(&(*st as i64)))
                    .count() as i64
            }
            Expr::Offset(s, i) | Expr::Length(s, i) => {
                let i = self.int(i, slots, cur)?;
                let slot = slot(*s)?;
                if i < 1 {
                    return None;
                }
                let (st, en) = if i == 1 {
                    self.first(slot)?
                } else {
                    *self.all(slot).get(usize::try_from(i - 1).ok()?)?
                };
                if matches!(e, Expr::Offset(..)) {
                    st as i64
                } else {
                    (en - st) as i64
                }
            }
            Expr::Bin(op, a, b) => {
                let (a, b) = (self.int(a, slots, cur)?, self.int(b, slots, cur)?);
                match op {
                    BinOp::Add => a.wrapping_add(b),
                    BinOp::Sub => a.wrapping_sub(b),
                    BinOp::Mul => a.wrapping_mul(b),
                    BinOp::Div => a.checked_div(b)?,
                    BinOp::Mod => a.checked_rem(b)?,
                    BinOp::And => a & b,
                    BinOp::Or => a | b,
                    BinOp::Xor => a ^ b,
                    BinOp::Shl => {
                        if (0..64).contains(&b) {
                            a.wrapping_shl(b as u32)
                        } else {
                            0
                        }
                    }
                    BinOp::Shr => {
                        if (0..64).contains(&b) {
                            a.wrapping_shr(b as u32)
                        } else {
                            0
                        }
                    }
                }
            }
            Expr::Neg(a) => self.int(a, slots, cur)?.wrapping_neg(),
            Expr::BitNot(a) => !self.int(a, slots, cur)?,
            Expr::Read {
                width,
                signed,
                be,
                at,
            } => {
                let at = usize::try_from(self.int(at, slots, cur)?).ok()?;
                let w = usize::from(*width);
                let bytes = self.data.get(at..at.checked_add(w)?)?;
                let mut v: u64 = 0;
                for k in 0..w {
                    let b = if *be { bytes[k] } else { bytes[w - 1 - k] };
                    v = v << 8 | u64::from(b);
                }
                if *signed {
                    let shift = 64 - 8 * w as u32;
                    ((v << shift) as i64) >> shift
                } else {
                    v as i64
                }
            }
            // A boolean where an integer is expected cannot pass the parser's type check.
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests;
