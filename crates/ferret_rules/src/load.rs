//! Rule files → compiled rules, with errors that name the file, line and column.

use crate::Regex;
use crate::{pattern, Body, Cond, Docs, FactKinds, Rule, RuleSet, Within};
use ferret_python::{flow, FlowConfig, FlowSet, Glob, Origin};
use ferret_report::{Confidence, RuleKind, Severity, When};
use rayon::prelude::*;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
}

/// An error in a rule file, located like a compiler diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// Stable code (`R001` …), so tooling and docs can refer to it.
    pub code: &'static str,
    pub message: String,
    /// The offending source line, for display.
    pub source_line: String,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error[{}]: {}", self.code, self.message)?;
        writeln!(f, "  --> {}:{}:{}", self.file, self.line, self.column)?;
        if !self.source_line.is_empty() {
            let num = self.line.to_string();
            writeln!(f, "{} |", " ".repeat(num.len()))?;
            writeln!(f, "{num} | {}", self.source_line)?;
            write!(
                f,
                "{} | {}^",
                " ".repeat(num.len()),
                " ".repeat(self.column.saturating_sub(1))
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for RuleError {}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn items(&self) -> Vec<&str> {
        match self {
            Self::One(s) => vec![s.as_str()],
            Self::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    name: String,
    kind: Spanned<String>,
    category: String,
    severity: Spanned<String>,
    confidence: Spanned<String>,
    summary: String,
    #[serde(default)]
    remediation: String,
    #[serde(default)]
    references: Vec<String>,
    docs: RawDocs,
    #[serde(default)]
    scope: Option<RawScope>,
    #[serde(rename = "match")]
    matcher: Option<RawCond>,
    correlate: Option<RawCorrelate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocs {
    what: Spanned<String>,
    why: Spanned<String>,
    example: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScope {
    when: Option<Spanned<OneOrMany>>,
    files: Option<OneOrMany>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawCond {
    call: Option<OneOrMany>,
    arg_string: Option<Spanned<String>>,
    arg_flow: Option<Spanned<OneOrMany>>,
    kwarg: Option<BTreeMap<String, Spanned<String>>>,
    dynamic: Option<bool>,
    string: Option<Spanned<String>>,
    origin: Option<Spanned<OneOrMany>>,
    import: Option<OneOrMany>,
    file: Option<OneOrMany>,
    magic: Option<Spanned<OneOrMany>>,
    text: Option<Spanned<String>>,
    issue: Option<OneOrMany>,
    when: Option<Spanned<OneOrMany>>,
    inside: Option<RawInside>,
    pattern: Option<Spanned<String>>,
    #[serde(rename = "where")]
    where_: Option<BTreeMap<String, Spanned<RawWhere>>>,
    any: Option<Vec<RawCond>>,
    all: Option<Vec<RawCond>>,
    not: Option<Box<RawCond>>,
}

/// `[match.where.X]`: constraints on a pattern's metavariable X.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWhere {
    flow: Option<Spanned<OneOrMany>>,
    string: Option<Spanned<String>>,
    from: Option<OneOrMany>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawInside {
    call: Option<OneOrMany>,
    function: Option<OneOrMany>,
    class_base: Option<OneOrMany>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCorrelate {
    within: Option<Spanned<String>>,
    #[serde(default)]
    all: Vec<String>,
    #[serde(default)]
    any: Vec<String>,
}

const MAGICS: &[&str] = &[
    "elf", "pe", "macho", "pyc", "shebang", "zip", "gzip", "bzip2", "xz", "png", "jpeg", "gif",
];

struct Ctx<'s> {
    file: &'s str,
    src: &'s str,
    /// Check regex syntax now (user rules, for located errors). The built-in rules skip it:
    /// it is half of start-up, and `builtin_rules_are_valid` checks them in CI instead.
    check_regex: bool,
}

impl Ctx<'_> {
    fn err(&self, span: Range<usize>, code: &'static str, message: impl Into<String>) -> RuleError {
        let offset = span.start.min(self.src.len());
        let before = &self.src[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = self.src[line_start..offset].chars().count() + 1;
        let source_line = self.src[line_start..]
            .lines()
            .next()
            .unwrap_or("")
            .to_string();
        RuleError {
            file: self.file.to_string(),
            line,
            column,
            code,
            message: message.into(),
            source_line,
        }
    }

    fn regex(&self, s: &Spanned<String>) -> Result<Regex, RuleError> {
        if !self.check_regex {
            return Ok(Regex::unchecked(s.get_ref()));
        }
        Regex::new(s.get_ref()).map_err(|msg| {
            self.err(
                s.span(),
                "R004",
                format!(
                    "invalid regex: {msg} (Rust regex syntax: no look-around or back-references)"
                ),
            )
        })
    }
}

fn globs(v: &OneOrMany) -> Vec<Glob> {
    v.items().into_iter().map(Glob::new).collect()
}

fn parse_when(ctx: &Ctx<'_>, v: &Spanned<OneOrMany>) -> Result<Vec<When>, RuleError> {
    v.get_ref()
        .items()
        .into_iter()
        .map(|w| {
            When::parse(w).ok_or_else(|| {
                ctx.err(
                    v.span(),
                    "R003",
                    format!("unknown `when` value `{w}` (expected install, import or runtime)"),
                )
            })
        })
        .collect()
}

fn flow_set(ctx: &Ctx<'_>, f: &Spanned<OneOrMany>) -> Result<FlowSet, RuleError> {
    let mut set = 0;
    for tag in f.get_ref().items() {
        set |= flow::parse(tag).ok_or_else(|| {
            let names: Vec<_> = flow::NAMES.iter().map(|(n, _)| *n).collect();
            ctx.err(
                f.span(),
                "R005",
                format!(
                    "unknown flow tag `{tag}` (expected one of: {})",
                    names.join(", ")
                ),
            )
        })?;
    }
    Ok(set)
}

/// A `pattern` and its `where` tables; errors point at the offending character of the
/// pattern when it is written on one line.
fn compile_pattern(
    ctx: &Ctx<'_>,
    p: &Spanned<String>,
    wheres: Option<&BTreeMap<String, Spanned<RawWhere>>>,
) -> Result<pattern::CallPattern, RuleError> {
    let mut compiled = pattern::compile(p.get_ref()).map_err(|e| {
        let raw = ctx.src.get(p.span()).unwrap_or("");
        let quote = if raw.starts_with("'''") || raw.starts_with("\"\"\"") {
            3
        } else {
            1
        };
        // Offsets inside the pattern map onto the file only when the TOML string has no
        // escapes or line breaks before them.
        let inner = raw.get(quote..).unwrap_or("");
        let plain = inner
            .get(..e.offset)
            .is_some_and(|s| s == &p.get_ref()[..e.offset.min(p.get_ref().len())]);
        let at = if plain {
            p.span().start + quote + e.offset
        } else {
            p.span().start
        };
        ctx.err(
            at..at + 1,
            "R011",
            format!("invalid code pattern: {}", e.message),
        )
    })?;
    let vars: Vec<String> = compiled
        .metavariables()
        .into_iter()
        .map(str::to_string)
        .collect();
    for (name, w) in wheres.into_iter().flatten() {
        if !vars.iter().any(|v| v == name) {
            return Err(ctx.err(
                w.span(),
                "R011",
                format!(
                    "`where.{name}`: the pattern has no metavariable `${name}` (it has: {})",
                    if vars.is_empty() {
                        "none".to_string()
                    } else {
                        vars.iter()
                            .map(|v| format!("${v}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ),
            ));
        }
        let raw = w.get_ref();
        let mut c = pattern::Where::default();
        if let Some(f) = &raw.flow {
            c.flows = flow_set(ctx, f)?;
        }
        if let Some(s) = &raw.string {
            c.string = Some(ctx.regex(s)?);
        }
        if let Some(f) = &raw.from {
            c.from = globs(f);
        }
        compiled.wheres.push((name.clone(), c));
    }
    Ok(compiled)
}

fn compile_cond(ctx: &Ctx<'_>, r: &RawCond, span: Range<usize>) -> Result<(Cond, u8), RuleError> {
    let mut all = Vec::new();
    // Which fact kinds this table can match: leaves narrow it, combinators widen it.
    let mut kinds = FactKinds::ALL;
    let mut narrow = |k: u8| kinds &= k;
    if let Some(c) = &r.call {
        all.push(Cond::Call(crate::CallGlobs {
            globs: globs(c),
            ids: Vec::new(),
        }));
        narrow(FactKinds::CALL);
    }
    if let Some(s) = &r.arg_string {
        all.push(Cond::ArgString(crate::StringRegex {
            re: ctx.regex(s)?,
            id: u32::MAX,
        }));
        narrow(FactKinds::CALL);
    }
    if let Some(f) = &r.arg_flow {
        all.push(Cond::ArgFlow(flow_set(ctx, f)?));
        narrow(FactKinds::CALL);
    }
    if let Some(p) = &r.pattern {
        let pattern = compile_pattern(ctx, p, r.where_.as_ref())?;
        all.push(Cond::Call(crate::CallGlobs {
            globs: vec![pattern.callee.clone()],
            ids: Vec::new(),
        }));
        all.push(Cond::Pattern(Box::new(pattern)));
        narrow(FactKinds::CALL);
    } else if let Some(w) = &r.where_ {
        let span = w.values().next().map_or(span.clone(), Spanned::span);
        return Err(ctx.err(
            span,
            "R011",
            "`where` constrains the metavariables of a `pattern`, and this table has no `pattern`",
        ));
    }
    if let Some(k) = &r.kwarg {
        let mut pairs = Vec::new();
        for (name, re) in k {
            pairs.push((name.clone(), ctx.regex(re)?));
        }
        all.push(Cond::Kwarg(pairs));
        narrow(FactKinds::CALL);
    }
    if let Some(d) = r.dynamic {
        all.push(Cond::Dynamic(d));
        narrow(FactKinds::CALL);
    }
    if let Some(s) = &r.string {
        all.push(Cond::String(crate::StringRegex {
            re: ctx.regex(s)?,
            id: u32::MAX,
        }));
        narrow(FactKinds::STRING);
    }
    if let Some(o) = &r.origin {
        let mut origins = Vec::new();
        for item in o.get_ref().items() {
            origins.push(match item {
                "literal" => Origin::Literal,
                "folded" => Origin::Folded,
                "obfuscated" => Origin::Obfuscated,
                "decoded" => Origin::Decoded,
                other => return Err(ctx.err(o.span(), "R003", format!("unknown origin `{other}` (expected literal, folded, obfuscated or decoded)"))),
            });
        }
        all.push(Cond::Origin(origins));
        narrow(FactKinds::STRING);
    }
    if let Some(i) = &r.import {
        all.push(Cond::Import(globs(i)));
        narrow(FactKinds::IMPORT);
    }
    if let Some(f) = &r.file {
        all.push(Cond::File(globs(f)));
        narrow(FactKinds::FILE);
    }
    if let Some(m) = &r.magic {
        for item in m.get_ref().items() {
            if !MAGICS.contains(&item) {
                return Err(ctx.err(
                    m.span(),
                    "R003",
                    format!(
                        "unknown magic `{item}` (expected one of: {})",
                        MAGICS.join(", ")
                    ),
                ));
            }
        }
        all.push(Cond::Magic(
            m.get_ref()
                .items()
                .into_iter()
                .map(str::to_string)
                .collect(),
        ));
        narrow(FactKinds::FILE);
    }
    if let Some(t) = &r.text {
        all.push(Cond::Text(ctx.regex(t)?));
        narrow(FactKinds::FILE);
    }
    if let Some(i) = &r.issue {
        all.push(Cond::Issue(
            i.items().into_iter().map(str::to_string).collect(),
        ));
        narrow(FactKinds::ISSUE);
    }
    if let Some(w) = &r.when {
        all.push(Cond::When(parse_when(ctx, w)?));
        narrow(FactKinds::CALL | FactKinds::STRING | FactKinds::IMPORT);
    }
    if let Some(inside) = &r.inside {
        if let Some(c) = &inside.call {
            all.push(Cond::InsideCall(crate::CallGlobs {
                globs: globs(c),
                ids: Vec::new(),
            }));
        }
        if let Some(f) = &inside.function {
            all.push(Cond::InsideFunction(globs(f)));
        }
        if let Some(b) = &inside.class_base {
            all.push(Cond::InsideClassBase(globs(b)));
        }
        narrow(FactKinds::CALL | FactKinds::STRING | FactKinds::IMPORT);
    }
    if let Some(list) = &r.any {
        let mut any = Vec::new();
        let mut any_kinds = 0;
        for c in list {
            let (c, k) = compile_cond(ctx, c, span.clone())?;
            any.push(c);
            any_kinds |= k;
        }
        all.push(Cond::Any(any));
        narrow(any_kinds);
    }
    if let Some(list) = &r.all {
        for c in list {
            let (c, k) = compile_cond(ctx, c, span.clone())?;
            all.push(c);
            narrow(k);
        }
    }
    if let Some(n) = &r.not {
        let (c, _) = compile_cond(ctx, n, span.clone())?;
        all.push(Cond::Not(Box::new(c)));
    }
    if all.is_empty() || (all.len() == 1 && matches!(all[0], Cond::Not(_))) {
        return Err(ctx.err(span, "R006", "empty condition: name at least one fact to match (call, string, import, file, issue, ...)"));
    }
    // The keys of one table are ANDed and have no side effects: test the cheap ones (when,
    // origin, flow bits, callee bits) before regexes over long strings.
    all.sort_by_key(Cond::cost);
    let cond = if all.len() == 1 {
        all.pop().unwrap_or(Cond::All(Vec::new()))
    } else {
        Cond::All(all)
    };
    Ok((cond, kinds))
}

/// Loads one rule from TOML text. `file` names it in errors; when the file stem is known it
/// must equal the rule id.
pub fn load_str(src: &str, file: &str, expected_id: Option<&str>) -> Result<Rule, RuleError> {
    load_str_checked(src, file, expected_id, true)
}

fn load_str_checked(
    src: &str,
    file: &str,
    expected_id: Option<&str>,
    check_regex: bool,
) -> Result<Rule, RuleError> {
    let ctx = Ctx {
        file,
        src,
        check_regex,
    };
    let raw: RawRule = toml::from_str(src).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        ctx.err(span, "R001", e.message().trim().to_string())
    })?;
    let id = raw.id.get_ref().clone();
    let id_ok = !id.is_empty()
        && id.split('-').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    if !id_ok {
        return Err(ctx.err(
            raw.id.span(),
            "R002",
            format!("rule id `{id}` must be kebab-case (lowercase words joined by `-`)"),
        ));
    }
    if let Some(stem) = expected_id {
        if stem != id {
            return Err(ctx.err(
                raw.id.span(),
                "R002",
                format!(
                    "rule id `{id}` differs from its file name `{stem}.toml`; rename one of them"
                ),
            ));
        }
    }
    let kind = match raw.kind.get_ref().as_str() {
        "capability" => RuleKind::Capability,
        "threat" => RuleKind::Threat,
        other => {
            return Err(ctx.err(
                raw.kind.span(),
                "R003",
                format!("unknown kind `{other}` (expected capability or threat)"),
            ))
        }
    };
    let severity = Severity::parse(raw.severity.get_ref()).ok_or_else(|| {
        ctx.err(
            raw.severity.span(),
            "R003",
            format!(
                "unknown severity `{}` (expected info, low, medium, high or critical)",
                raw.severity.get_ref()
            ),
        )
    })?;
    let confidence = Confidence::parse(raw.confidence.get_ref()).ok_or_else(|| {
        ctx.err(
            raw.confidence.span(),
            "R003",
            format!(
                "unknown confidence `{}` (expected low, medium or high)",
                raw.confidence.get_ref()
            ),
        )
    })?;
    for field in [&raw.docs.what, &raw.docs.why] {
        if field.get_ref().trim().is_empty() {
            return Err(ctx.err(
                field.span(),
                "R010",
                "docs `what` and `why` must say what the rule flags and why it is bad",
            ));
        }
    }
    let (when, files) = match &raw.scope {
        Some(s) => (
            s.when
                .as_ref()
                .map(|w| parse_when(&ctx, w))
                .transpose()?
                .unwrap_or_default(),
            s.files.as_ref().map(globs).unwrap_or_default(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    let (body, fact_kinds) = match (&raw.matcher, &raw.correlate) {
        (Some(m), None) => {
            let span = src.find("[match").map_or(0..0, |i| i..i + 1);
            let (cond, kinds) = compile_cond(&ctx, m, span)?;
            (Body::Match(cond), FactKinds(kinds))
        }
        (None, Some(c)) => {
            let within = match c.within.as_ref().map(|w| (w.get_ref().as_str(), w.span())) {
                None | Some(("file", _)) => Within::File,
                Some(("package", _)) => Within::Package,
                Some((other, span)) => {
                    return Err(ctx.err(
                        span,
                        "R003",
                        format!("unknown `within` value `{other}` (expected file or package)"),
                    ))
                }
            };
            let cr = c;
            if cr.all.is_empty() && cr.any.is_empty() {
                return Err(ctx.err(
                    src.find("[correlate").map_or(0..0, |i| i..i + 1),
                    "R006",
                    "empty correlation: list rule ids under `all` and/or `any`",
                ));
            }
            (
                Body::Correlate {
                    within,
                    all: cr.all.clone(),
                    any: cr.any.clone(),
                },
                FactKinds(0),
            )
        }
        _ => {
            return Err(ctx.err(
                raw.id.span(),
                "R007",
                "a rule needs exactly one of a `[match]` table or a `[correlate]` table",
            ));
        }
    };
    Ok(Rule {
        id,
        name: raw.name,
        kind,
        category: raw.category,
        severity,
        confidence,
        summary: raw.summary,
        remediation: raw.remediation,
        references: raw.references,
        docs: Docs {
            what: raw.docs.what.into_inner(),
            why: raw.docs.why.into_inner(),
            example: raw.docs.example,
        },
        when,
        files,
        body,
        origin: file.to_string(),
        fact_kinds,
        required_calls: None,
        required_strings: None,
    })
}

/// Whether a rules-directory file is YARA source.
fn is_yara(path: &str) -> bool {
    path.ends_with(".yar") || path.ends_with(".yara")
}

/// Loads the rules of one YARA source file (see [`ferret_yara`] for the supported subset).
/// Each public rule becomes a rule `yara:<name>`; `meta:` keys `severity` (default `high`),
/// `confidence` (`medium`), `kind` (`threat`), `category` (`yara`), `description` (the
/// finding's message), `remediation` and `reference` fill in what TOML rules say in fields.
pub fn load_yara_str(src: &str, file: &str) -> Result<Vec<Rule>, RuleError> {
    let ctx = Ctx {
        file,
        src,
        check_regex: true,
    };
    let compiled = ferret_yara::compile(src).map_err(|e| ctx.err(e.span, e.code, e.message))?;
    let mut out = Vec::new();
    for y in compiled.iter().filter(|r| !r.private) {
        let text = |key: &str| -> Result<Option<&str>, RuleError> {
            match y.meta(key) {
                None => Ok(None),
                Some(ferret_yara::Meta {
                    value: ferret_yara::MetaValue::Str(s),
                    ..
                }) => Ok(Some(s.as_str())),
                Some(m) => Err(ctx.err(
                    m.span.clone(),
                    "Y007",
                    format!("meta `{key}` must be a text value (\"...\")"),
                )),
            }
        };
        let span_of = |key: &str| y.meta(key).map_or(0..0, |m| m.span.clone());
        let severity = match text("severity")? {
            None => Severity::High,
            Some(v) => Severity::parse(&v.to_ascii_lowercase()).ok_or_else(|| {
                ctx.err(
                    span_of("severity"),
                    "Y007",
                    format!(
                        "unknown severity `{v}` (expected info, low, medium, high or critical)"
                    ),
                )
            })?,
        };
        let confidence = match text("confidence")? {
            None => Confidence::Medium,
            Some(v) => Confidence::parse(&v.to_ascii_lowercase()).ok_or_else(|| {
                ctx.err(
                    span_of("confidence"),
                    "Y007",
                    format!("unknown confidence `{v}` (expected low, medium or high)"),
                )
            })?,
        };
        let kind = match text("kind")?.map(str::to_ascii_lowercase).as_deref() {
            None | Some("threat") => RuleKind::Threat,
            Some("capability") => RuleKind::Capability,
            Some(other) => {
                return Err(ctx.err(
                    span_of("kind"),
                    "Y007",
                    format!("unknown kind `{other}` (expected capability or threat)"),
                ))
            }
        };
        let description = text("description")?.map(str::to_string);
        let mut references = Vec::new();
        for key in ["reference", "references", "url"] {
            if let Some(r) = text(key)? {
                references.push(r.to_string());
            }
        }
        let summary = description
            .clone()
            .unwrap_or_else(|| format!("matches YARA rule {}", y.name));
        let name = if y.tags.is_empty() {
            y.name.clone()
        } else {
            format!("{} [{}]", y.name, y.tags.join(", "))
        };
        out.push(Rule {
            id: format!("yara:{}", y.name),
            name,
            kind,
            category: text("category")?.unwrap_or("yara").to_string(),
            severity,
            confidence,
            summary,
            remediation: text("remediation")?
                .unwrap_or("Review the matched content before installing.")
                .to_string(),
            references,
            docs: Docs {
                what: description.unwrap_or_else(|| {
                    format!("Member content matching the YARA rule `{}`.", y.name)
                }),
                why: text("why")?.map_or_else(
                    || format!("Flagged by the YARA rule in {file}."),
                    str::to_string,
                ),
                example: String::new(),
            },
            when: Vec::new(),
            files: Vec::new(),
            body: Body::Yara(y.clone()),
            origin: file.to_string(),
            fact_kinds: FactKinds(0),
            required_calls: None,
            required_strings: None,
        });
    }
    Ok(out)
}

/// Parses `flow.toml` (sources of flow tags).
pub fn parse_flow_config(src: &str, file: &str) -> Result<FlowConfig, RuleError> {
    parse_flow_config_checked(src, file, true)
}

/// [`parse_flow_config`]; `check_regex` false skips the located regex check (the built-in
/// file, which the tests load, and whose set would fail to build anyway).
fn parse_flow_config_checked(
    src: &str,
    file: &str,
    check_regex: bool,
) -> Result<FlowConfig, RuleError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawFlows {
        sources: BTreeMap<Spanned<String>, RawSource>,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RawSource {
        #[serde(default)]
        calls: Vec<String>,
        #[serde(default)]
        names: Vec<String>,
        #[serde(default)]
        paths: Vec<Spanned<String>>,
    }
    let ctx = Ctx {
        file,
        src,
        check_regex,
    };
    let raw: RawFlows = toml::from_str(src).map_err(|e| {
        ctx.err(
            e.span().unwrap_or(0..0),
            "R001",
            e.message().trim().to_string(),
        )
    })?;
    let mut cfg = FlowConfig::default();
    let mut paths = Vec::new();
    for (tag, source) in &raw.sources {
        let bit = flow::parse(tag.get_ref()).ok_or_else(|| {
            ctx.err(
                tag.span(),
                "R005",
                format!("unknown flow tag `{}`", tag.get_ref()),
            )
        })?;
        cfg.calls
            .extend(source.calls.iter().map(|c| (Glob::new(c), bit)));
        cfg.names
            .extend(source.names.iter().map(|c| (Glob::new(c), bit)));
        for p in &source.paths {
            ctx.regex(p)?;
            paths.push(p.get_ref().clone());
        }
    }
    cfg.secret_paths = crate::literals::secret_paths(paths);
    Ok(cfg)
}

fn fnv(acc: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(acc, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Builds a rule set from (relative path, source) pairs; checks ids are unique and that
/// correlations name existing rules.
fn build(
    files: &[(String, String)],
    label: &str,
    check_regex: bool,
) -> Result<RuleSet, Vec<RuleError>> {
    enum Loaded {
        Flows(Box<FlowConfig>),
        Rules(Vec<Rule>),
    }
    // Files parse independently, so on all cores (most of start-up); merged below in order.
    let loaded: Vec<Result<Loaded, RuleError>> = files
        .par_iter()
        .map(|(path, src)| {
            let shown = format!("{label}{path}");
            // Only a file named exactly `flow.toml` holds flow sources: `dataflow.toml` and
            // `exfil-flow.toml` are rules like any other.
            if Path::new(path)
                .file_name()
                .is_some_and(|n| n == "flow.toml")
            {
                return parse_flow_config_checked(src, &shown, check_regex)
                    .map(|cfg| Loaded::Flows(Box::new(cfg)));
            }
            let stem = Path::new(path).file_stem().and_then(|s| s.to_str());
            if is_yara(path) {
                load_yara_str(src, &shown).map(Loaded::Rules)
            } else {
                load_str_checked(src, &shown, stem, check_regex).map(|r| Loaded::Rules(vec![r]))
            }
        })
        .collect();
    let mut errors = Vec::new();
    let mut set = RuleSet::default();
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for ((path, src), loaded) in files.iter().zip(loaded) {
        hash = fnv(fnv(hash, path.as_bytes()), src.as_bytes());
        match loaded {
            Ok(Loaded::Flows(cfg)) => {
                set.flows.calls.extend(cfg.calls);
                set.flows.call_index = std::sync::OnceLock::new();
                set.flows.names.extend(cfg.names);
                if !cfg.secret_paths.is_empty() {
                    set.flows.secret_paths = cfg.secret_paths;
                }
            }
            Ok(Loaded::Rules(rules)) => {
                for rule in rules {
                    if let Some(prev) = set.rules.iter().find(|r| r.id == rule.id) {
                        let shown = format!("{label}{path}");
                        let ctx = Ctx {
                            file: &shown,
                            src,
                            check_regex,
                        };
                        let span = match &rule.body {
                            Body::Yara(y) => y.name_span.clone(),
                            _ => 0..0,
                        };
                        errors.push(ctx.err(
                            span,
                            "R009",
                            format!(
                                "rule id `{}` is already defined in {}",
                                rule.id, prev.origin
                            ),
                        ));
                    } else {
                        set.rules.push(rule);
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    for rule in &set.rules {
        if let Body::Correlate { all, any, .. } = &rule.body {
            for id in all.iter().chain(any) {
                if set.get(id).is_none() {
                    errors.push(RuleError {
                        file: rule.origin.clone(),
                        line: 1,
                        column: 1,
                        code: "R008",
                        message: format!("correlation names unknown rule `{id}`"),
                        source_line: String::new(),
                    });
                }
            }
        }
    }
    set.rules.sort_by(|a, b| a.id.cmp(&b.id));
    set.finalize();
    set.version = format!("{hash:016x}");
    if errors.is_empty() {
        Ok(set)
    } else {
        Err(errors)
    }
}

/// The rules shipped inside the binary (from `rules/` at build time).
pub fn load_builtin() -> Result<RuleSet, Vec<RuleError>> {
    let files: Vec<(String, String)> = builtin::BUILTIN
        .iter()
        .map(|(p, s)| ((*p).to_string(), (*s).to_string()))
        .collect();
    build(&files, "rules/", false)
}

/// Whether `path` (relative to a rules root) is a rule file (`.toml`, or YARA `.yar`/`.yara`)
/// rather than part of a fixture. A fixture directory is one named like a sibling rule file
/// (`<id>.toml`, `<name>.yar`).
pub fn is_rule_file(root: &Path, path: &Path) -> bool {
    if !matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("toml" | "yar" | "yara")
    ) {
        return false;
    }
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) {
            break;
        }
        if let (Some(parent), Some(name)) = (d.parent(), d.file_name()) {
            let name = name.to_string_lossy();
            if ["toml", "yar", "yara"]
                .iter()
                .any(|ext| parent.join(format!("{name}.{ext}")).is_file())
            {
                return false;
            }
        }
        dir = d.parent();
    }
    true
}

/// Loads every rule file under `dir` (fixtures are skipped).
pub fn load_dir(dir: &Path) -> Result<RuleSet, Vec<RuleError>> {
    let mut paths = Vec::new();
    collect(dir, dir, &mut paths).map_err(|e| {
        vec![RuleError {
            file: dir.display().to_string(),
            line: 0,
            column: 0,
            code: "R000",
            message: format!("cannot read rules directory: {e}"),
            source_line: String::new(),
        }]
    })?;
    paths.sort();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        match std::fs::read_to_string(&p) {
            Ok(src) => files.push((
                p.strip_prefix(dir)
                    .unwrap_or(&p)
                    .to_string_lossy()
                    .replace('\\', "/"),
                src,
            )),
            Err(e) => errors.push(RuleError {
                file: p.display().to_string(),
                line: 0,
                column: 0,
                code: "R000",
                message: format!("cannot read: {e}"),
                source_line: String::new(),
            }),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let label = format!("{}/", dir.display()).replace("//", "/");
    build(&files, &label, true)
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect(root, &path, out)?;
        } else if is_rule_file(root, &path) {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in rules load without their regexes checked (start-up); this checks them.
    #[test]
    fn builtin_rules_are_valid() {
        let files: Vec<(String, String)> = builtin::BUILTIN
            .iter()
            .map(|(p, s)| ((*p).to_string(), (*s).to_string()))
            .collect();
        let checked = build(&files, "rules/", true).unwrap_or_else(|errors| {
            panic!(
                "{}",
                errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        });
        assert_eq!(checked.rules.len(), load_builtin().unwrap().rules.len());
    }

    const GOOD: &str = r#"
id = "x-rule"
name = "X"
kind = "threat"
category = "test"
severity = "high"
confidence = "medium"
summary = "s"
[docs]
what = "w"
why = "y"
example = "exec(1)"
[match]
call = "builtins.exec"
arg-flow = ["decoded"]
"#;

    #[test]
    fn loads_a_rule() {
        let r = load_str(GOOD, "x-rule.toml", Some("x-rule")).unwrap();
        assert_eq!(r.id, "x-rule");
        assert_eq!(r.fact_kinds.0, FactKinds::CALL);
    }

    #[test]
    fn errors_point_into_the_file() {
        let bad = GOOD.replace("arg-flow = [\"decoded\"]", "arg-flow = [\"decodd\"]");
        let e = load_str(&bad, "x.toml", None).unwrap_err();
        assert_eq!((e.code, e.line, e.column), ("R005", 15, 12), "{e}");
        let bad = GOOD.replace("call = ", "cal = ");
        let e = load_str(&bad, "x.toml", None).unwrap_err();
        assert_eq!((e.code, e.line), ("R001", 14), "{e}");
        assert!(e.message.contains("unknown field `cal`"), "{e}");
        let bad = GOOD.replace(
            "[match]\ncall = \"builtins.exec\"",
            "[match]\nstring = '(?<=x)'\ncall = \"builtins.exec\"",
        );
        let e = load_str(&bad, "x.toml", None).unwrap_err();
        assert_eq!((e.code, e.line, e.column), ("R004", 14, 10), "{e}");
        let e = load_str(GOOD, "y.toml", Some("y")).unwrap_err();
        assert_eq!(e.code, "R002");
    }

    const YARA: &str = r#"rule webhook_exfil : discord {
    meta:
        description = "Discord webhook URL"
        severity = "critical"
        confidence = "high"
        category = "exfiltration"
        reference = "https://example.invalid/ref"
    strings:
        $a = "discord.com/api/webhooks/"
    condition:
        $a
}
private rule helper { condition: filesize > 0 }
rule plain { condition: helper }
"#;

    #[test]
    fn loads_yara_rules_with_meta() {
        let rules = load_yara_str(YARA, "x.yar").unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            ["yara:webhook_exfil", "yara:plain"],
            "private rules are not listed"
        );
        let r = &rules[0];
        assert_eq!(r.severity, Severity::Critical);
        assert_eq!(r.confidence, Confidence::High);
        assert_eq!(r.kind, RuleKind::Threat);
        assert_eq!(r.category, "exfiltration");
        assert_eq!(r.summary, "Discord webhook URL");
        assert_eq!(r.name, "webhook_exfil [discord]");
        assert_eq!(r.references, ["https://example.invalid/ref"]);
        assert!(matches!(r.body, Body::Yara(_)));
        assert_eq!(r.fact_kinds.0, 0, "no fact rule list holds a YARA rule");
        // Defaults.
        let p = &rules[1];
        assert_eq!(
            (p.severity, p.confidence, p.kind, p.category.as_str()),
            (Severity::High, Confidence::Medium, RuleKind::Threat, "yara")
        );
        assert_eq!(p.summary, "matches YARA rule plain");
    }

    #[test]
    fn yara_errors_point_into_the_file() {
        let bad = YARA.replace("        $a\n", "        $b\n");
        let e = load_yara_str(&bad, "x.yar").unwrap_err();
        // The same place either way; the code is the engine's own.
        let code = if cfg!(feature = "yara-x") {
            "E025"
        } else {
            "Y004"
        };
        assert_eq!((e.code, e.line, e.column), (code, 11, 9), "{e}");
        assert_eq!(e.source_line, "        $b");
        let bad = YARA.replace("\"critical\"", "\"severe\"");
        let e = load_yara_str(&bad, "x.yar").unwrap_err();
        assert_eq!((e.code, e.line, e.column), ("Y007", 4, 20), "{e}");
        assert!(e.to_string().contains("unknown severity `severe`"), "{e}");
        let bad = YARA.replace("confidence = \"high\"", "confidence = 3");
        let e = load_yara_str(&bad, "x.yar").unwrap_err();
        assert_eq!((e.code, e.line, e.column), ("Y007", 5, 22), "{e}");
    }

    #[test]
    fn yara_files_load_from_a_directory_beside_toml_rules() {
        let dir = std::env::temp_dir().join(format!("ferret-rules-yara-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("net/fixtures")).unwrap();
        std::fs::create_dir_all(dir.join("x-rule")).unwrap();
        std::fs::write(dir.join("net/fixtures.yar"), YARA).unwrap();
        // Files inside fixture directories are not rules, whatever their extension.
        std::fs::write(dir.join("net/fixtures/inner.yar"), "not yara").unwrap();
        std::fs::write(dir.join("x-rule.toml"), GOOD).unwrap();
        std::fs::write(dir.join("x-rule/a.yara"), "not yara").unwrap();
        let set = load_dir(&dir).unwrap_or_else(|e| panic!("{e:?}"));
        let ids: Vec<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["x-rule", "yara:plain", "yara:webhook_exfil"]);
        // The same rule name in two files is a duplicate id.
        std::fs::write(dir.join("again.yara"), "rule plain { condition: true }").unwrap();
        let errs = load_dir(&dir).unwrap_err();
        assert_eq!(errs.len(), 1);
        // Files load in path order: the second definition is the one in net/fixtures.yar.
        assert_eq!(
            (errs[0].code, errs[0].line, errs[0].column),
            ("R009", 14, 6)
        );
        assert!(errs[0].file.ends_with("net/fixtures.yar"), "{}", errs[0]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn only_a_file_named_flow_toml_holds_flow_sources() {
        let dir = std::env::temp_dir().join(format!("ferret-rules-flow-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("net")).unwrap();
        // A rule whose file name ends in "flow.toml" is a rule.
        let rule = GOOD.replace("id = \"x-rule\"", "id = \"exfil-flow\"");
        assert_ne!(rule, GOOD);
        std::fs::write(dir.join("net/exfil-flow.toml"), rule).unwrap();
        std::fs::write(
            dir.join("flow.toml"),
            "[sources.decoded]\ncalls = [\"mylib.unpack\"]\n",
        )
        .unwrap();
        let set = load_dir(&dir).unwrap_or_else(|e| panic!("{e:?}"));
        let ids: Vec<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["exfil-flow"]);
        assert!(
            set.flows
                .calls
                .iter()
                .any(|(g, _)| g.as_str() == "mylib.unpack"),
            "{:?}",
            set.flows.calls
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn builtin_rules_load() {
        let set = load_builtin().unwrap_or_else(|e| {
            panic!(
                "{}",
                e.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        });
        assert!(
            set.rules.len() >= 20,
            "only {} built-in rules",
            set.rules.len()
        );
        assert!(!set.flows.calls.is_empty(), "flow.toml defines no sources");
    }
}
