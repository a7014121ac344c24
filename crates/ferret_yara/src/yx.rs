//! The `yara-x` feature: rules compiled and matched by the real YARA engine.
//!
//! [`compile`] compiles one source file with `yara_x::Compiler` (includes disabled), turns its
//! first error into an [`Error`] whose span is that of the error's first label, and describes
//! each compiled rule (name, tags, meta, strings) as a [`Rule`] that keeps the source. Where
//! names and meta values are written comes from `yara_x_parser`'s syntax tree. A [`Scanner`]
//! compiles the sources of its rules once, each file in a namespace of its own.
//!
//! A `yara_x::Scanner` borrows the compiled rules and is not `Sync`; creating one costs about
//! 0.3 ms (50 rules, debug build) where scanning 4 KiB with it costs 2 µs. So the compiled rules
//! are kept for the life of the process (leaked: a [`Scanner`] is built once per run) and each
//! thread keeps the `yara_x::Scanner` it last used.

use crate::{next_uid, Error, Meta, MetaValue, Rule, RuleMatch, StringHit, YString};
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;
use yara_x_parser::ast::WithSpan;

/// A rule file as compiled by `yara-x`, shared by the rules compiled from it.
pub(crate) struct Source {
    text: String,
    uid: u64,
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Source#{} ({} bytes)", self.uid, self.text.len())
    }
}

fn compiler() -> yara_x::Compiler<'static> {
    let mut c = yara_x::Compiler::new();
    // A rule file must not read other files.
    c.enable_includes(false);
    c
}

/// The error as ferret reports it: yara-x's code (`E009`, ...), its title and the text of its
/// first label, at the span of that label.
fn error(e: &yara_x::errors::CompileError, src: &str) -> Error {
    let (span, text) = e.labels().next().map_or((0..0, String::new()), |l| {
        (l.span().range(), l.text().to_string())
    });
    let span = span.start.min(src.len())..span.end.min(src.len());
    let title = e.title();
    let message = if text.is_empty() || text == title {
        title.to_string()
    } else {
        format!("{title}: {text}")
    };
    Error::new(span, e.code(), message)
}

/// Where each rule's name and meta values are written: rule name → (name span, meta key and
/// value span in order).
type Spans = HashMap<String, (Range<usize>, Vec<(String, Range<usize>)>)>;

fn spans(src: &str) -> Spans {
    let ast = yara_x_parser::ast::AST::from(yara_x_parser::Parser::new(src.as_bytes()));
    ast.rules()
        .map(|r| {
            let meta = r
                .meta
                .iter()
                .flatten()
                .map(|m| (m.identifier.name.to_string(), m.value.span().range()))
                .collect();
            (
                r.identifier.name.to_string(),
                (r.identifier.span().range(), meta),
            )
        })
        .collect()
}

pub(crate) fn compile(src: &str) -> Result<Vec<Arc<Rule>>, Error> {
    let mut c = compiler();
    if let Err(e) = c.add_source(src) {
        return Err(error(&e, src));
    }
    let compiled = c.build();
    let source = Arc::new(Source {
        text: src.to_string(),
        uid: next_uid(),
    });
    let spans = spans(src);
    let no_meta = Vec::new();
    let mut out = Vec::new();
    for r in compiled.iter() {
        let name = r.identifier().to_string();
        let (name_span, meta_spans) = spans
            .get(&name)
            .map_or((0..0, &no_meta), |(n, m)| (n.clone(), m));
        let meta = r
            .metadata()
            .enumerate()
            .map(|(i, (key, value))| Meta {
                key: key.to_string(),
                value: match value {
                    yara_x::MetaValue::Integer(n) => MetaValue::Int(n),
                    yara_x::MetaValue::Bool(b) => MetaValue::Bool(b),
                    yara_x::MetaValue::String(s) => MetaValue::Str(s.to_string()),
                    yara_x::MetaValue::Float(f) => MetaValue::Str(f.to_string()),
                    yara_x::MetaValue::Bytes(b) => {
                        MetaValue::Str(String::from_utf8_lossy(b).into_owned())
                    }
                },
                span: meta_spans
                    .get(i)
                    .filter(|(k, _)| k == key)
                    .map_or(name_span.clone(), |(_, s)| s.clone()),
            })
            .collect();
        let strings = r
            .patterns()
            .include_private(true)
            .map(|p| {
                Arc::new(YString::new(
                    p.identifier().to_string(),
                    p.is_private(),
                    false,
                    String::new(),
                    None,
                ))
            })
            .collect();
        out.push(Arc::new(Rule {
            name,
            name_span,
            tags: r.tags().map(|t| t.identifier().to_string()).collect(),
            private: r.is_private(),
            meta,
            strings,
            // Never evaluated: yara-x matches these rules (see `Scanner`).
            condition: crate::Expr::Bool(false),
            deps: Vec::new(),
            uid: next_uid(),
            source: Some(source.clone()),
        }));
    }
    Ok(out)
}

thread_local! {
    /// The `yara_x::Scanner` this thread last used, and the uid of its [`Scanner`].
    static CACHED: RefCell<Option<(u64, yara_x::Scanner<'static>)>> = const { RefCell::new(None) };
}

/// Rules ready to scan byte buffers with `yara-x`; `Sync`, built once and shared by threads.
/// Only rules from [`crate::compile`] match (those of [`crate::compile_subset`] never do).
/// The compiled rules are never freed (see the module's documentation).
pub struct Scanner {
    rules: Vec<Arc<Rule>>,
    /// Every source of `rules`, each in the namespace `s<uid>`.
    compiled: &'static yara_x::Rules,
    uid: u64,
    /// Namespace → rule name → index in `rules`.
    index: HashMap<String, HashMap<String, usize>>,
}

impl std::fmt::Debug for Scanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner")
            .field("rules", &self.rules)
            .finish_non_exhaustive()
    }
}

impl Scanner {
    /// Rules to report (private ones are evaluated only when another rule names them).
    pub fn new(rules: Vec<Arc<Rule>>) -> Self {
        let mut c = compiler();
        let mut index: HashMap<String, HashMap<String, usize>> = HashMap::new();
        for (i, r) in rules.iter().enumerate() {
            let Some(source) = &r.source else { continue };
            let ns = format!("s{}", source.uid);
            if !index.contains_key(&ns) {
                c.new_namespace(&ns);
                // It compiled alone in `compile`; should it fail here, its rules do not match.
                let _ = c.add_source(source.text.as_str());
            }
            index.entry(ns).or_default().insert(r.name.clone(), i);
        }
        Scanner {
            rules,
            compiled: Box::leak(Box::new(c.build())),
            uid: next_uid(),
            index,
        }
    }

    pub fn rules(&self) -> &[Arc<Rule>] {
        &self.rules
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Every rule whose condition holds on `data`, in the order of the scanner's rules; the
    /// hit is the earliest match of a public string, else of a private one.
    pub fn scan(&self, data: &[u8]) -> Vec<RuleMatch> {
        if self.index.is_empty() {
            return Vec::new();
        }
        CACHED.with_borrow_mut(|cached| match cached {
            Some((uid, scanner)) if *uid == self.uid => self.scan_with(scanner, data),
            _ => {
                let (_, scanner) = cached.insert((self.uid, yara_x::Scanner::new(self.compiled)));
                self.scan_with(scanner, data)
            }
        })
    }

    fn scan_with(&self, scanner: &mut yara_x::Scanner<'static>, data: &[u8]) -> Vec<RuleMatch> {
        let Ok(results) = scanner.scan(data) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for m in results.matching_rules() {
            let Some(&rule) = self
                .index
                .get(m.namespace())
                .and_then(|n| n.get(m.identifier()))
            else {
                continue;
            };
            let mut best: Option<(bool, StringHit)> = None;
            for p in m.patterns().include_private(true) {
                // Matches are kept in order of their start.
                let Some(first) = p.matches().next() else {
                    continue;
                };
                let r = first.range();
                let better = best
                    .as_ref()
                    .is_none_or(|(private, b)| (p.is_private(), r.start) < (*private, b.start));
                if better {
                    best = Some((
                        p.is_private(),
                        StringHit {
                            ident: p.identifier().to_string(),
                            start: r.start,
                            end: r.end,
                        },
                    ));
                }
            }
            out.push(RuleMatch {
                rule,
                hit: best.map(|(_, h)| h),
            });
        }
        out.sort_by_key(|m| m.rule);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (rule name, hit) of each public rule of `src` that matches `data`.
    fn hits(src: &str, data: &[u8]) -> Vec<(String, Option<StringHit>)> {
        let rules = crate::compile(src).unwrap_or_else(|e| panic!("{e}"));
        let public: Vec<_> = rules.into_iter().filter(|r| !r.private).collect();
        let sc = crate::Scanner::new(public);
        sc.scan(data)
            .into_iter()
            .map(|m| (sc.rules()[m.rule].name.clone(), m.hit))
            .collect()
    }

    fn names(src: &str, data: &[u8]) -> Vec<String> {
        hits(src, data).into_iter().map(|(n, _)| n).collect()
    }

    /// (code, line, column, message) of the compile error of `src`.
    fn error_at(src: &str) -> (&'static str, usize, usize, String) {
        crate::tests::located(src, crate::compile(src).expect_err("must not compile"))
    }

    #[test]
    fn the_scanner_is_shared_by_threads() {
        fn sync<T: Send + Sync>() {}
        sync::<crate::Scanner>();
    }

    #[test]
    fn modules_work() {
        let src = r#"
import "math"
import "hash"
rule high_entropy { condition: filesize > 1000 and math.entropy(0, filesize) > 7 }
rule md5_of_abc { condition: hash.md5(0, filesize) == "900150983cd24fb0d6963f7d28e17f72" }
"#;
        let random: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 256) as u8).collect();
        assert_eq!(names(src, &random), ["high_entropy"]);
        assert_eq!(names(src, &[b'a'; 4096]), Vec::<String>::new());
        assert_eq!(names(src, b"abc"), ["md5_of_abc"]);
    }

    #[test]
    fn what_the_subset_rejects_compiles_and_matches() {
        // `for … in` over match indexes, and a global rule: both rejected by the subset.
        let src = r#"
rule spaced {
    strings: $a = "evil"
    condition: #a >= 2 and for any i in (2..#a) : ( @a[i] - @a[i - 1] > 10 )
}
"#;
        assert!(crate::compile_subset(src).is_err());
        assert_eq!(
            names(src, b"evil..............evil"),
            ["spaced".to_string()]
        );
        assert!(names(src, b"evil.evil").is_empty());
    }

    #[test]
    fn names_tags_meta_and_their_spans() {
        let src = "rule a : net exfil {\n  meta:\n    severity = \"low\"\n    score = 5\n    \
                   active = true\n  condition: true\n}\nprivate rule b { condition: false }\n";
        let rules = crate::compile(src).unwrap();
        assert_eq!(rules.len(), 2);
        let a = &rules[0];
        assert_eq!(a.name, "a");
        assert_eq!(&src[a.name_span.clone()], "a");
        assert_eq!(a.tags, ["net", "exfil"]);
        assert!(!a.private && rules[1].private);
        let sev = a.meta("severity").unwrap();
        assert_eq!(sev.value, MetaValue::Str("low".into()));
        assert_eq!(&src[sev.span.clone()], "\"low\"");
        assert_eq!(a.meta("score").unwrap().value, MetaValue::Int(5));
        assert_eq!(a.meta("active").unwrap().value, MetaValue::Bool(true));
    }

    #[test]
    fn errors_point_at_the_offending_text() {
        let (code, line, col, msg) = error_at("rule a {\n  condition:\n    nosuch\n}\n");
        assert!(code.starts_with('E'), "{code}");
        assert_eq!((line, col), (3, 5), "{msg}");
        let (_, line, col, msg) = error_at("rule a {\n  strings: $a = \"x\"\n  condtion: $a\n}\n");
        assert_eq!((line, col), (3, 3), "{msg}");
        let (_, line, _, _) = error_at("import \"nosuchmodule\"\nrule a { condition: true }");
        assert_eq!(line, 1);
        // Includes are off: a rule file reads no other file.
        assert!(crate::compile("include \"other.yar\"\nrule a { condition: true }").is_err());
    }

    #[test]
    fn the_hit_is_the_earliest_public_string() {
        let src =
            r#"rule r { strings: $p = "aa" $q = "zz" private $b = "bb" condition: any of them }"#;
        let found = hits(src, b"zz..bb..aa..bb");
        let hit = found[0].1.clone().unwrap();
        assert_eq!((hit.ident.as_str(), hit.start, hit.end), ("$b", 4, 6));
        let found = hits(src, b"zz");
        assert_eq!(found[0].1.clone().unwrap().ident, "$q");
        let found = hits("rule f { condition: filesize > 2 }", b"abcd");
        assert_eq!(found, [("f".to_string(), None)]);
    }

    #[test]
    fn files_keep_their_own_namespace() {
        let one = crate::compile(r#"rule same { strings: $a = "one" condition: $a }"#).unwrap();
        let two = crate::compile(r#"rule same { strings: $a = "two" condition: $a }"#).unwrap();
        let sc = crate::Scanner::new(one.into_iter().chain(two).collect());
        let rule_of =
            |data: &[u8]| -> Vec<usize> { sc.scan(data).iter().map(|m| m.rule).collect() };
        assert_eq!(rule_of(b"two"), [1]);
        assert_eq!(rule_of(b"one two"), [0, 1]);
        // Two scanners used in turn on one thread, and one scanner on several threads.
        let other = crate::Scanner::new(
            crate::compile(r#"rule o { strings: $a = "one" condition: $a }"#).unwrap(),
        );
        for _ in 0..3 {
            assert_eq!(other.scan(b"one").len(), 1);
            assert_eq!(rule_of(b"one"), [0]);
        }
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| assert_eq!(rule_of(b"two one"), [0, 1]));
            }
        });
        // Rules of the subset do not match in a yara-x scanner.
        let sub = crate::compile_subset("rule s { condition: true }").unwrap();
        assert!(crate::Scanner::new(sub).scan(b"x").is_empty());
    }

    #[test]
    fn scans_reuse_the_threads_scanner() {
        let src = (0..50)
            .map(|i| format!("rule r{i} {{ strings: $a = \"needle{i}\" condition: $a }}\n"))
            .collect::<String>();
        let t = std::time::Instant::now();
        let sc = crate::Scanner::new(crate::compile(&src).unwrap());
        eprintln!("compile and Scanner::new of 50 rules: {:?}", t.elapsed());
        let data = vec![b'x'; 4096];
        let n = 200;
        let t = std::time::Instant::now();
        for _ in 0..n {
            assert!(sc.scan(&data).is_empty());
        }
        let per_call = t.elapsed() / n;
        eprintln!("Scanner::scan of 4 KiB: {per_call:?} per call");
        let t = std::time::Instant::now();
        for _ in 0..n {
            std::hint::black_box(yara_x::Scanner::new(sc.compiled));
        }
        eprintln!("yara_x::Scanner::new: {:?} per call", t.elapsed() / n);
        let mut one = yara_x::Scanner::new(sc.compiled);
        let t = std::time::Instant::now();
        for _ in 0..n {
            assert_eq!(one.scan(&data).unwrap().matching_rules().len(), 0);
        }
        eprintln!("scan with a reused scanner: {:?} per call", t.elapsed() / n);
        assert!(
            per_call < std::time::Duration::from_millis(20),
            "{per_call:?}"
        );
    }
}
