//! Code patterns: a call written as Python, with metavariables (`$X`) and ellipses (`...`),
//! matched against call facts (resolved callee and per-argument facts), never against text.
//!
//! ```text
//! requests.post(..., data=$D)          any positional arguments, a `data` keyword bound to D
//! exec(base64.b64decode(...))          exec of a value produced by base64.b64decode
//! subprocess.Popen($CMD, ..., shell=True)
//! $SESSION.post(...)                   a method `post` on any object
//! ```
//!
//! Names are the resolved qualified names ferret uses everywhere (`import requests as r;
//! r.post()` is `requests.post`; bare builtins are `builtins.exec`). A nested call matches the
//! call that produced the argument's value, through variables and str/bytes methods
//! (`x = b64decode(s).decode(); exec(x)` matches `exec(base64.b64decode(...))`). Keyword
//! arguments are unordered; without `...` the call may have no other arguments.

use crate::Regex;
use ferret_python::{ArgFact, CallFact, FlowSet, Glob};
use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::Ranged;

/// Metavariables are not Python: `$X` is rewritten to this prefix before parsing.
const MV_PREFIX: &str = "__ferret_mv_";

#[derive(Debug, Clone)]
pub struct CallPattern {
    /// The callee, as a glob (`*` for `$F(...)`, `*.post` for `$R.post(...)`).
    pub callee: Glob,
    positional: Vec<ArgPat>,
    keywords: Vec<(String, ArgPat)>,
    /// The pattern has `...` among its arguments: other keyword arguments may be present.
    open: bool,
    /// Constraints on metavariables (`[match.where.X]`).
    pub(crate) wheres: Vec<(String, Where)>,
}

#[derive(Debug, Clone)]
enum ArgPat {
    /// `...`: any number of arguments (as a keyword value: any value).
    Ellipsis,
    /// `$X` (binds X; `$_` binds nothing).
    Var(String),
    /// A constant or a dotted name, compared with the argument's folded text.
    Const(String),
    /// A nested call: the argument's value was produced by a call to this.
    From(Glob),
}

/// A `where` constraint on one metavariable; all given keys must hold.
#[derive(Debug, Clone, Default)]
pub struct Where {
    /// The value carries one of these flow tags (0: not checked).
    pub flows: FlowSet,
    /// The value's folded text matches.
    pub string: Option<Regex>,
    /// The value was produced by a call to one of these.
    pub from: Vec<Glob>,
}

/// A pattern that does not compile; `offset` is a byte offset into the pattern text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pub offset: usize,
    pub message: String,
}

impl CallPattern {
    /// The metavariables the pattern binds (for checking `where` tables).
    pub fn metavariables(&self) -> Vec<&str> {
        let vars = self
            .positional
            .iter()
            .chain(self.keywords.iter().map(|(_, p)| p));
        vars.filter_map(|p| match p {
            ArgPat::Var(v) if v != "_" => Some(v.as_str()),
            _ => None,
        })
        .collect()
    }
}

/// Compiles a pattern such as `requests.post(..., data=$D)`.
pub fn compile(src: &str) -> Result<CallPattern, PatternError> {
    let (python, shifts) = rewrite_metavariables(src)?;
    // Offsets in the rewritten text → offsets in what the author wrote.
    let back = |off: usize| -> usize {
        let grown = shifts.iter().filter(|&&at| at < off).count() * (MV_PREFIX.len() - 1);
        off.saturating_sub(grown).min(src.len())
    };
    let err = |e: &dyn Ranged, message: String| PatternError {
        offset: back(e.range().start().to_usize()),
        message,
    };
    let parsed = ruff_python_parser::parse_expression(&python).map_err(|e| PatternError {
        offset: back(e.location.start().to_usize()),
        message: format!("not a Python expression: {}", e.error),
    })?;
    let Expr::Call(call) = &*parsed.syntax().body else {
        return Err(PatternError {
            offset: 0,
            message: "a code pattern must be a call, such as `exec($X)` or `requests.post(...)`"
                .into(),
        });
    };
    let callee = callee_of(&call.func).map_err(|m| err(&*call.func, m))?;
    let mut positional = Vec::new();
    let mut open = false;
    for a in &call.arguments.args {
        let p = arg_pattern(a).map_err(|m| err(a, m))?;
        open |= matches!(p, ArgPat::Ellipsis);
        positional.push(p);
    }
    let mut keywords = Vec::new();
    for k in &call.arguments.keywords {
        let Some(name) = &k.arg else {
            return Err(err(
                k,
                "`**` is not supported in patterns; use `...`".into(),
            ));
        };
        let p = arg_pattern(&k.value).map_err(|m| err(&k.value, m))?;
        keywords.push((name.to_string(), p));
    }
    Ok(CallPattern {
        callee: Glob::new(&callee),
        positional,
        keywords,
        open,
        wheres: Vec::new(),
    })
}

/// `$NAME` → `__ferret_mv_NAME`; returns the rewritten text and where each `$` was (in the
/// rewritten text).
fn rewrite_metavariables(src: &str) -> Result<(String, Vec<usize>), PatternError> {
    let mut out = String::with_capacity(src.len() + 16);
    let mut shifts = Vec::new();
    let mut chars = src.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some(&(_, n)) if n == '_' || n.is_ascii_uppercase() => {
                shifts.push(out.len());
                out.push_str(MV_PREFIX);
            }
            _ => {
                return Err(PatternError {
                    offset: i,
                    message:
                        "a metavariable is `$` and an upper-case name, such as `$X` or `$DATA`"
                            .into(),
                })
            }
        }
    }
    Ok((out, shifts))
}

fn metavariable(e: &Expr) -> Option<&str> {
    match e {
        Expr::Name(n) => n.id.strip_prefix(MV_PREFIX),
        _ => None,
    }
}

/// The qualified name (or glob) a pattern's callee expression stands for.
fn callee_of(e: &Expr) -> Result<String, String> {
    if metavariable(e).is_some() {
        return Ok("*".into());
    }
    match e {
        Expr::Name(n) if ferret_python::is_builtin(&n.id) => Ok(format!("builtins.{}", n.id)),
        Expr::Name(n) => Ok(n.id.to_string()),
        Expr::Attribute(a) => {
            let base = match &*a.value {
                Expr::Call(inner) => {
                    // `open(...).write(...)`: a method of what the inner call returned.
                    if !only_ellipsis(&inner.arguments) {
                        return Err("the receiver's call is matched by name only: write its arguments as `(...)`".into());
                    }
                    callee_of(&inner.func)?
                }
                other => callee_of(other)?,
            };
            Ok(format!("{base}.{}", a.attr))
        }
        _ => Err("the called function must be a name, a dotted name or a metavariable".into()),
    }
}

/// `(...)` or `()`: a nested call whose arguments the pattern does not constrain.
fn only_ellipsis(args: &ast::Arguments) -> bool {
    args.keywords.is_empty()
        && args
            .args
            .iter()
            .all(|x| matches!(x, Expr::EllipsisLiteral(_)))
}

fn arg_pattern(e: &Expr) -> Result<ArgPat, String> {
    if let Some(v) = metavariable(e) {
        return Ok(ArgPat::Var(v.to_string()));
    }
    Ok(match e {
        Expr::EllipsisLiteral(_) => ArgPat::Ellipsis,
        Expr::StringLiteral(s) => ArgPat::Const(s.value.to_str().to_string()),
        Expr::BytesLiteral(b) => {
            let bytes: Vec<u8> = b.value.bytes().collect();
            ArgPat::Const(String::from_utf8_lossy(&bytes).into_owned())
        }
        Expr::NumberLiteral(n) => match &n.value {
            ast::Number::Int(i) => match i.as_i64() {
                Some(v) => ArgPat::Const(v.to_string()),
                None => return Err("integer too large for a pattern".into()),
            },
            _ => return Err("only integer numbers can be matched".into()),
        },
        Expr::BooleanLiteral(b) => ArgPat::Const(if b.value { "True" } else { "False" }.into()),
        Expr::NoneLiteral(_) => ArgPat::Const("None".into()),
        Expr::Name(_) | Expr::Attribute(_) => ArgPat::Const(callee_of(e)?),
        Expr::Call(c) => {
            if !only_ellipsis(&c.arguments) {
                return Err("a nested call is matched by the name of the call that produced the value: write its arguments as `(...)`, and constrain them with `where`".into());
            }
            ArgPat::From(Glob::new(&callee_of(&c.func)?))
        }
        _ => return Err("unsupported in a pattern argument: use `$X`, `...`, a constant, a dotted name or a call `f(...)`".into()),
    })
}

impl CallPattern {
    /// Whether a call fact (whose callee already matched [`CallPattern::callee`]) matches.
    /// `text` is the file's source, for comparing two uses of one metavariable.
    pub fn matches(&self, call: &CallFact, text: &str) -> bool {
        let mut positional: Vec<&ArgFact> = Vec::new();
        let mut starred = false;
        let mut keywords: Vec<&ArgFact> = Vec::new();
        for a in &call.args {
            match (&a.keyword, a.starred) {
                (_, true) => starred = true,
                (None, false) => positional.push(a),
                (Some(_), false) => keywords.push(a),
            }
        }
        // `f(*args)` or `f(**kw)`: its arguments are unknown, so only an open pattern fits.
        if starred && !self.open {
            return false;
        }
        let mut binds: Vec<(&str, &ArgFact)> = Vec::new();
        if !match_positional(&self.positional, &positional, &mut binds, text) {
            return false;
        }
        for (name, pat) in &self.keywords {
            let Some(arg) = keywords.iter().find(|a| a.keyword.as_deref() == Some(name)) else {
                return false;
            };
            if !match_one(pat, arg, &mut binds, text) {
                return false;
            }
        }
        if !self.open
            && keywords.iter().any(|a| {
                !self
                    .keywords
                    .iter()
                    .any(|(n, _)| a.keyword.as_deref() == Some(n))
            })
        {
            return false;
        }
        self.wheres.iter().all(|(var, w)| {
            binds
                .iter()
                .filter(|(n, _)| n == var)
                .all(|(_, arg)| w.holds(arg))
                && binds.iter().any(|(n, _)| n == var)
        })
    }
}

impl Where {
    fn holds(&self, arg: &ArgFact) -> bool {
        (self.flows == 0 || arg.flows & self.flows != 0)
            && self
                .string
                .as_ref()
                .is_none_or(|re| arg.text.as_ref().is_some_and(|t| re.is_match(t.as_bytes())))
            && (self.from.is_empty()
                || arg
                    .from
                    .as_deref()
                    .is_some_and(|f| self.from.iter().any(|g| g.matches(f))))
    }
}

fn match_positional<'f>(
    pats: &'f [ArgPat],
    args: &[&'f ArgFact],
    binds: &mut Vec<(&'f str, &'f ArgFact)>,
    text: &str,
) -> bool {
    let Some((first, rest)) = pats.split_first() else {
        return args.is_empty();
    };
    if matches!(first, ArgPat::Ellipsis) {
        // Zero or more arguments; bindings made by a failed attempt are undone.
        return (0..=args.len()).any(|skip| {
            let mark = binds.len();
            let ok = match_positional(rest, &args[skip..], binds, text);
            if !ok {
                binds.truncate(mark);
            }
            ok
        });
    }
    let Some((arg, more)) = args.split_first() else {
        return false;
    };
    let mark = binds.len();
    if match_one(first, arg, binds, text) && match_positional(rest, more, binds, text) {
        return true;
    }
    binds.truncate(mark);
    false
}

fn match_one<'f>(
    pat: &'f ArgPat,
    arg: &'f ArgFact,
    binds: &mut Vec<(&'f str, &'f ArgFact)>,
    text: &str,
) -> bool {
    match pat {
        ArgPat::Ellipsis => true,
        ArgPat::Var(v) if v == "_" => true,
        ArgPat::Var(v) => {
            if let Some((_, prev)) = binds.iter().find(|(n, _)| n == v) {
                if !same_value(prev, arg, text) {
                    return false;
                }
            }
            binds.push((v, arg));
            true
        }
        ArgPat::Const(c) => arg.text.as_deref() == Some(c.as_str()),
        ArgPat::From(g) => arg.from.as_deref().is_some_and(|f| g.matches(f)),
    }
}

/// Two uses of one metavariable: the same constant, or the same source text.
fn same_value(a: &ArgFact, b: &ArgFact, text: &str) -> bool {
    if let (Some(x), Some(y)) = (&a.text, &b.text) {
        return x == y;
    }
    let src = |x: &ArgFact| {
        text.get(x.start as usize..x.end as usize)
            .filter(|s| !s.is_empty())
    };
    matches!((src(a), src(b)), (Some(x), Some(y)) if x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arg(keyword: Option<&str>, text: Option<&str>, from: Option<&str>, flows: u8) -> ArgFact {
        ArgFact {
            keyword: keyword.map(str::to_string),
            text: text.map(str::to_string),
            from: from.map(str::to_string),
            flows,
            ..ArgFact::default()
        }
    }

    fn call(args: Vec<ArgFact>) -> CallFact {
        CallFact {
            callee: "requests.post".into(),
            dynamic: false,
            arg_strings: Vec::new(),
            flows: 0,
            kwargs: Vec::new(),
            args,
        }
    }

    #[test]
    fn callee_names_resolve_like_facts() {
        assert_eq!(
            compile("exec($X)").unwrap().callee.as_str(),
            "builtins.exec"
        );
        assert_eq!(
            compile("requests.post(...)").unwrap().callee.as_str(),
            "requests.post"
        );
        assert_eq!(compile("$R.post(...)").unwrap().callee.as_str(), "*.post");
        assert_eq!(compile("$F()").unwrap().callee.as_str(), "*");
        assert_eq!(
            compile("open(...).write(...)").unwrap().callee.as_str(),
            "builtins.open.write"
        );
    }

    #[test]
    fn ellipsis_and_keywords() {
        let p = compile("requests.post(..., data=$D)").unwrap();
        assert_eq!(p.metavariables(), ["D"]);
        let url = arg(None, Some("http://x"), None, 0);
        let data = arg(Some("data"), None, None, 0);
        let timeout = arg(Some("timeout"), Some("3"), None, 0);
        assert!(p.matches(&call(vec![url.clone(), data.clone()]), ""));
        assert!(p.matches(&call(vec![data.clone(), timeout.clone()]), ""));
        assert!(!p.matches(&call(vec![url.clone()]), ""));
        // Without `...` no other argument may be there.
        let strict = compile("requests.post($U, data=$D)").unwrap();
        assert!(strict.matches(&call(vec![url.clone(), data.clone()]), ""));
        assert!(!strict.matches(&call(vec![url.clone(), data.clone(), timeout]), ""));
        assert!(!strict.matches(&call(vec![data]), ""));
    }

    #[test]
    fn constants_nested_calls_and_where() {
        let p = compile("subprocess.Popen($C, ..., shell=True)").unwrap();
        let cmd = arg(None, Some("ls"), None, 0);
        assert!(p.matches(
            &call(vec![cmd.clone(), arg(Some("shell"), Some("True"), None, 0)]),
            ""
        ));
        assert!(!p.matches(
            &call(vec![cmd, arg(Some("shell"), Some("False"), None, 0)]),
            ""
        ));

        let p = compile("exec(base64.b64decode(...))").unwrap();
        assert!(p.matches(
            &call(vec![arg(None, None, Some("base64.b64decode"), 1)]),
            ""
        ));
        assert!(!p.matches(&call(vec![arg(None, None, Some("zlib.decompress"), 1)]), ""));

        let mut p = compile("requests.post(..., data=$D)").unwrap();
        p.wheres.push((
            "D".into(),
            Where {
                flows: ferret_python::flow::SECRET,
                ..Where::default()
            },
        ));
        let secret = arg(Some("data"), None, None, ferret_python::flow::SECRET);
        let plain = arg(Some("data"), None, None, ferret_python::flow::FILE);
        assert!(p.matches(&call(vec![secret]), ""));
        assert!(!p.matches(&call(vec![plain]), ""));
    }

    #[test]
    fn repeated_metavariables_must_agree() {
        let p = compile("os.rename($A, $A)").unwrap();
        let text = "os.rename(src, src) os.rename(src, dst)";
        let at = |s: u32, e: u32| ArgFact {
            start: s,
            end: e,
            ..ArgFact::default()
        };
        assert!(p.matches(&call(vec![at(10, 13), at(15, 18)]), text));
        assert!(!p.matches(&call(vec![at(30, 33), at(35, 38)]), text));
    }

    #[test]
    fn errors_point_into_the_pattern() {
        let e = compile("exec($x)").unwrap_err();
        assert_eq!(e.offset, 5);
        let e = compile("requests.post(..., data=$D, [1])").unwrap_err();
        assert!(e.message.contains("Python"), "{e:?}");
        let e = compile("exec(b64decode($X))").unwrap_err();
        assert_eq!(e.offset, 5, "{e:?}");
        assert!(compile("$X + 1").is_err());
        let e = compile("f($A, g($B))").unwrap_err();
        assert_eq!(e.offset, 6, "{e:?}");
    }
}
