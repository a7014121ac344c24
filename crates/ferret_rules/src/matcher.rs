//! Evaluating a compiled condition against one fact.

use crate::{Cond, FactKinds, StringHits, StringPrefilter};
use ferret_python::{Context, Fact, FactKind, Facts};
use ferret_report::When;

/// What the matcher needs to know about a package member.
#[derive(Debug, Clone, Copy)]
pub struct FileInfo<'a> {
    pub path: &'a str,
    pub magic: Option<&'a str>,
    /// Content, when the member was read. `text` conditions see it only when it is UTF-8,
    /// checked when one asks (most members meet no `text` condition).
    pub data: Option<&'a [u8]>,
}

/// One fact, of any kind, as rules see it.
#[derive(Debug, Clone, Copy)]
pub enum FactRef<'a> {
    Python {
        path: &'a str,
        fact: &'a Fact,
        facts: &'a Facts,
        /// For calls: which of the rule set's callee globs match (see `RuleSet::callee_bits`).
        callee_bits: Option<&'a [u64]>,
        /// The union of the callee bits of every call enclosing the fact (its context's
        /// `calls`), so `inside.call` is a bit test instead of globs over each enclosing call.
        context_call_bits: Option<&'a [u64]>,
        /// The rule set's literal prefilter and its answers, found in one pass per text on
        /// first need (see `StringPrefilter`): for a string, one for its value; for a call,
        /// one per string argument, in order.
        string_hits: Option<(&'a StringPrefilter, &'a [StringHits])>,
    },
    File(FileInfo<'a>),
    Issue {
        path: &'a str,
        code: &'a str,
    },
}

impl<'a> FactRef<'a> {
    pub fn kind_bit(&self) -> u8 {
        match self {
            Self::Python { fact, .. } => match fact.kind {
                FactKind::Call(_) => FactKinds::CALL,
                FactKind::Str { .. } => FactKinds::STRING,
                FactKind::Import(_) => FactKinds::IMPORT,
            },
            Self::File(_) => FactKinds::FILE,
            Self::Issue { .. } => FactKinds::ISSUE,
        }
    }
    pub fn path(&self) -> &'a str {
        match self {
            Self::Python { path, .. } | Self::Issue { path, .. } => path,
            Self::File(f) => f.path,
        }
    }
    pub fn when(&self) -> Option<When> {
        match self {
            Self::Python { fact, .. } => Some(fact.when),
            _ => None,
        }
    }
    fn context(&self) -> Option<&'a Context> {
        match self {
            Self::Python { fact, facts, .. } => facts.contexts.get(fact.ctx as usize),
            _ => None,
        }
    }
}

/// Whether any of the glob ids `ids` is set in the bit set `bits`.
pub(crate) fn any_bit(bits: &[u64], ids: &[u32]) -> bool {
    ids.iter().any(|&i| {
        bits.get(i as usize / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    })
}

pub(crate) fn eval(cond: &Cond, fact: &FactRef<'_>) -> bool {
    let call = match fact {
        FactRef::Python { fact: f, .. } => match &f.kind {
            FactKind::Call(c) => Some(c),
            _ => None,
        },
        _ => None,
    };
    match cond {
        Cond::All(cs) => cs.iter().all(|c| eval(c, fact)),
        Cond::Any(cs) => cs.iter().any(|c| eval(c, fact)),
        Cond::Not(c) => !eval(c, fact),
        Cond::Call(cg) => match (fact, call) {
            (
                FactRef::Python {
                    callee_bits: Some(bits),
                    ..
                },
                Some(_),
            ) if !cg.ids.is_empty() => any_bit(bits, &cg.ids),
            (_, Some(c)) => cg.globs.iter().any(|g| g.matches(&c.callee)),
            _ => false,
        },
        Cond::ArgString(sr) => call.is_some_and(|c| {
            let hits = match fact {
                FactRef::Python { string_hits, .. } => *string_hits,
                _ => None,
            };
            c.arg_strings
                .iter()
                .enumerate()
                .any(|(i, s)| text_matches(sr, s.as_bytes(), hits, i))
        }),
        Cond::ArgFlow(flows) => call.is_some_and(|c| c.flows & flows != 0),
        Cond::Kwarg(pairs) => call.is_some_and(|c| {
            pairs.iter().all(|(name, re)| {
                c.kwargs
                    .iter()
                    .any(|(n, v)| n == name && re.is_match(v.as_bytes()))
            })
        }),
        Cond::Dynamic(d) => call.is_some_and(|c| c.dynamic == *d),
        Cond::Pattern(p) => match (fact, call) {
            (FactRef::Python { facts, .. }, Some(c)) => p.matches(c, &facts.text),
            _ => false,
        },
        Cond::String(sr) => match fact {
            FactRef::Python {
                fact: f,
                string_hits,
                ..
            } => match &f.kind {
                FactKind::Str { value, .. } => text_matches(sr, value.as_bytes(), *string_hits, 0),
                _ => false,
            },
            _ => false,
        },
        Cond::Origin(origins) => match fact {
            FactRef::Python { fact: f, .. } => match &f.kind {
                FactKind::Str { origin, .. } => origins.contains(origin),
                _ => false,
            },
            _ => false,
        },
        Cond::Import(globs) => match fact {
            FactRef::Python { fact: f, .. } => match &f.kind {
                FactKind::Import(m) => globs.iter().any(|g| g.matches(m)),
                _ => false,
            },
            _ => false,
        },
        Cond::File(globs) => match fact {
            FactRef::File(info) => globs.iter().any(|g| g.matches(info.path)),
            _ => false,
        },
        Cond::Magic(kinds) => match fact {
            FactRef::File(info) => info.magic.is_some_and(|m| kinds.iter().any(|k| k == m)),
            _ => false,
        },
        Cond::Text(re) => match fact {
            FactRef::File(info) => info
                .data
                .is_some_and(|d| std::str::from_utf8(d).is_ok() && re.is_match(d)),
            _ => false,
        },
        Cond::Issue(codes) => match fact {
            FactRef::Issue { code, .. } => codes.iter().any(|c| c == code),
            _ => false,
        },
        Cond::When(whens) => fact.when().is_some_and(|w| whens.contains(&w)),
        Cond::InsideCall(cg) => match fact {
            FactRef::Python {
                context_call_bits: Some(bits),
                ..
            } if !cg.ids.is_empty() => any_bit(bits, &cg.ids),
            _ => fact.context().is_some_and(|c| {
                c.calls
                    .iter()
                    .any(|call| cg.globs.iter().any(|g| g.matches(call)))
            }),
        },
        Cond::InsideFunction(globs) => fact.context().is_some_and(|c| {
            c.function
                .as_deref()
                .is_some_and(|f| globs.iter().any(|g| g.matches(f)))
        }),
        Cond::InsideClassBase(globs) => fact.context().is_some_and(|c| {
            c.class_bases
                .iter()
                .any(|b| globs.iter().any(|g| g.matches(b)))
        }),
    }
}

/// Whether `sr` matches `text`, the `i`-th text of its fact: asked of the prefilter first
/// (its answers for that text in `hits`, when the fact has them).
fn text_matches(
    sr: &crate::StringRegex,
    text: &[u8],
    hits: Option<(&StringPrefilter, &[StringHits])>,
    i: usize,
) -> bool {
    hits.and_then(|(pre, hits)| Some((pre, hits.get(i)?)))
        .is_none_or(|(pre, hits)| pre.may_match(sr.id, text, hits))
        && sr.re.is_match(text)
}
