//! The walk: one pass over a module that resolves names, folds constants, decodes payloads and
//! emits facts. Values are abstract ([`Val`]); anything not known statically is `Unknown` but
//! still carries its flow tags.
//!
//! Here: facts, scopes, statements, expressions and calls. In modules of their own: changes
//! in place (`mutation`), loops and append runs (`loops`), decoding and nested scans
//! (`decoding`), and what names may hold besides their last binding (`alternatives`).

use crate::fxhash::FxHashMap as HashMap;
use crate::value::{cut, lossy, range_ints, range_item, range_len, truncate, Chain, Val, V};
use crate::{
    flow, ArgFact, CallFact, Context, Fact, FactKind, Facts, FileRole, FlowConfig, FlowSet,
    Options, Origin, Payload, SourceIssue, Step, When,
};
use ferret_decode::{self as decode, DecodeError};
use ruff_python_ast::{
    self as ast, visitor, BoolOp, Expr, ExprCall, Number, Operator, PySourceType, Stmt, UnaryOp,
};
use ruff_python_parser::Parsed;
use ruff_text_size::{Ranged, TextRange};
use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashSet;
use std::rc::Rc;
use std::time::Instant;

mod alternatives;
mod decoding;
mod loops;
mod mutation;

use alternatives::*;
use decoding::*;
use loops::*;
use mutation::*;

/// Work and size spent on one file, shared with the payloads decoded from it.
pub(crate) struct Budget {
    steps: u64,
    deadline: Instant,
    decoded: usize,
    max_decoded: usize,
    max_value: usize,
    timed_out: bool,
    decode_exhausted: bool,
    facts: usize,
    /// Bytes of string facts so far (each is searched by every string rule).
    string_bytes: usize,
    /// Evaluation steps left for folding (comprehensions, map, inlined functions), which run
    /// without emitting facts; when spent, folding gives up (the walk itself goes on).
    fold_steps: u64,
}

const MAX_FACTS: usize = 1_000_000;
/// Bytes of string facts per file. A file's literals sum to less than its size; built strings
/// can repeat it quadratically (`x = x + "..."` 100,000 times: 6 GB of facts to search, 28 s
/// and 2.2 GB of memory before this bound).
const MAX_STRING_FACT_BYTES: usize = 64 << 20;
/// A string fact keeps this much of its value's text (rules match its start).
const MAX_STRING_FACT_TEXT: usize = 64 * 1024;
const MAX_ITEMS: usize = 200_000;
/// Evaluation steps per file for folding (see `Budget::fold_steps`).
const FOLD_STEPS: u64 = 2_000_000;
const MAX_INLINE: u32 = 8;
/// Distinct constant strings per file that `eval()` may fold as expressions (`eval("eval")`).
const MAX_EVAL_EXPRS: usize = 256;
/// Bytes of `eval` texts kept as keys of the parsed-expression cache, per file.
const MAX_EVAL_CACHE_BYTES: usize = 16 << 20;

impl Budget {
    pub fn new(opts: &Options, deadline: Instant) -> Self {
        Self {
            steps: 0,
            deadline,
            decoded: 0,
            max_decoded: opts.max_decoded_bytes,
            max_value: opts.max_value_bytes,
            timed_out: false,
            decode_exhausted: false,
            facts: 0,
            string_bytes: 0,
            fold_steps: FOLD_STEPS,
        }
    }
    fn step(&mut self) -> bool {
        self.steps += 1;
        if self.steps.is_multiple_of(4096) && Instant::now() > self.deadline {
            self.timed_out = true;
        }
        !self.timed_out
    }
}

/// Where facts of a decoded payload are attributed in the outer file.
#[derive(Clone)]
pub(crate) struct Nested {
    start: u32,
    end: u32,
    when: When,
    payload: u32,
    layer: u32,
    chain: Vec<Step>,
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn analyze_source(
    text: &str,
    base: u32,
    role: FileRole,
    flows: &FlowConfig,
    opts: &Options,
    budget: &mut Budget,
    out: &mut Facts,
    nested: Option<Nested>,
) {
    let parsed = ruff_python_parser::parse_unchecked_source(text, PySourceType::Python);
    if nested.is_none() {
        if let Some(err) = parsed.errors().first() {
            let r = err.location;
            out.issues.push(SourceIssue {
                code: "syntax-error",
                start: base + r.start().to_u32(),
                end: base + r.end().to_u32(),
                detail: format!(
                    "{} ({} syntax error{}; the rest of the file was still analysed)",
                    err.error,
                    parsed.errors().len(),
                    if parsed.errors().len() == 1 { "" } else { "s" }
                ),
                incomplete: false,
            });
        }
    }
    let layer = nested.as_ref().map_or(0, |n| n.layer);
    let depth_hit;
    // Expressions parsed from constant strings handed to `eval`, kept as long as the walk.
    let eval_exprs: Vec<OnceCell<Parsed<ast::ModExpression>>> =
        std::iter::repeat_with(OnceCell::new)
            .take(MAX_EVAL_EXPRS)
            .collect();
    {
        let mut w = Walker {
            text,
            base,
            role,
            flows,
            opts,
            budget,
            out,
            nested,
            scopes: vec![HashMap::default()],
            frames: Vec::new(),
            ctx_cache: None,
            emit: true,
            depth: 0,
            depth_hit: false,
            star_imports: Vec::new(),
            inline_depth: 0,
            layer,
            seen_payloads: HashSet::new(),
            exec_payload: None,
            callee_flows: HashMap::default(),
            secret_memo: Vec::new(),
            arg_bufs: Vec::new(),
            name_flow_cache: HashMap::default(),
            call_wanted: HashMap::default(),
            key_buf: String::new(),
            spare_scopes: Vec::new(),
            local_calls: Vec::new(),
            inline_limit_hit: false,
            eval_exprs: &eval_exprs,
            eval_cache: HashMap::default(),
            eval_cache_bytes: 0,
            eval_next: 0,
            chars_cache: Vec::new(),
            loop_shapes: HashMap::default(),
            alternatives: HashMap::default(),
            unknown_choices: 0,
            forced: None,
            call_choices: false,
            scope_globals: Vec::new(),
            def_globals: HashMap::default(),
            def_attr_stores: HashMap::default(),
            builtin_reads: HashMap::default(),
        };
        let first_fact = w.out.facts.len();
        let body = &parsed.syntax().body;
        w.prescan_constants(body);
        w.stmts(body);
        w.seeded_random_payloads(body);
        w.promote_called_functions(first_fact);
        depth_hit = w.depth_hit;
        // Said, not hidden: a file that spends the folding budget (on purpose, with loops
        // that run long before its payload) has the values computed after that point unknown.
        // Not counted as unanalysed code: the walk itself went on, and large benign modules
        // spend it too (4 of 795 benign packages, measured).
        if w.budget.fold_steps == 0 && !w.out.issues.iter().any(|i| i.code == "fold-budget") {
            w.out.issues.push(SourceIssue {
                code: "fold-budget",
                start: base,
                end: base,
                detail: format!(
                    "the folding budget ({FOLD_STEPS} steps) was spent: values computed past \
                     that point (loops, inlined calls) were not folded"
                ),
                incomplete: false,
            });
        }
        if w.budget.timed_out && !w.out.issues.iter().any(|i| i.code == "time-budget") {
            w.out.issues.push(SourceIssue {
                code: "time-budget",
                start: base,
                end: base,
                detail: format!("analysis stopped after {:?}", opts.time_budget),
                incomplete: true,
            });
        }
    }
    if depth_hit {
        out.issues.push(SourceIssue {
            code: "nesting-too-deep-source",
            start: base,
            end: base,
            detail: format!("expressions nest deeper than {} levels (CPython refuses such code); the deepest parts were not analysed", opts.max_depth),
            incomplete: true,
        });
        // The tree's drop glue recurses once per level: drop it on a stack sized for it.
        let depth = tree_depth(parsed.syntax());
        stacker::grow(depth.saturating_mul(1024) + (1 << 20), move || drop(parsed));
    }
}

/// Depth of a tree, measured with a growable stack.
fn tree_depth(module: &ast::ModModule) -> usize {
    struct Depth {
        cur: usize,
        max: usize,
    }
    impl<'a> visitor::Visitor<'a> for Depth {
        fn visit_stmt(&mut self, stmt: &'a Stmt) {
            self.cur += 1;
            self.max = self.max.max(self.cur);
            stacker::maybe_grow(64 * 1024, 1 << 20, || visitor::walk_stmt(self, stmt));
            self.cur -= 1;
        }
        fn visit_expr(&mut self, expr: &'a Expr) {
            self.cur += 1;
            self.max = self.max.max(self.cur);
            stacker::maybe_grow(64 * 1024, 1 << 20, || visitor::walk_expr(self, expr));
            self.cur -= 1;
        }
    }
    let mut d = Depth { cur: 0, max: 0 };
    visitor::Visitor::visit_body(&mut d, &module.body);
    d.max
}

enum Frame {
    Function {
        name: String,
    },
    Class {
        name: String,
        bases: Vec<String>,
        command: bool,
    },
    Call(Rc<str>),
}

struct Walker<'a, 'f> {
    text: &'a str,
    base: u32,
    role: FileRole,
    flows: &'f FlowConfig,
    opts: &'f Options,
    budget: &'f mut Budget,
    out: &'f mut Facts,
    nested: Option<Nested>,
    scopes: Vec<HashMap<Cow<'a, str>, Val<'a>>>,
    frames: Vec<Frame>,
    ctx_cache: Option<u32>,
    emit: bool,
    depth: usize,
    depth_hit: bool,
    star_imports: Vec<String>,
    inline_depth: u32,
    layer: u32,
    /// Payloads already scanned in this file, by their bytes: a 64-bit hash with fixed keys
    /// can be made to collide, which would hide a second payload behind a first.
    seen_payloads: HashSet<Box<[u8]>>,
    /// Payload scanned by the exec/eval call being applied, for that call's fact.
    exec_payload: Option<u32>,
    /// Flow tags a callee's result gets from `flow.toml`, computed once per callee.
    callee_flows: HashMap<Rc<str>, FlowSet>,
    /// Recent lone string arguments checked against the secret paths, with the answer: a
    /// decoding loop passes the same key to `len` once per character. The `Rc` is kept so
    /// that its address, the identity compared, cannot be reused by another text.
    secret_memo: Vec<(Rc<str>, bool)>,
    /// Argument lists of finished calls, emptied, for the next calls to fill: one allocation
    /// per call was a twentieth of a folding loop's time.
    arg_bufs: Vec<Vec<Val<'a>>>,
    name_flow_cache: HashMap<String, FlowSet>,
    /// Callee → whether its calls need a fact ([`Walker::wants_call_fact`]).
    call_wanted: HashMap<String, bool>,
    /// Reused to build attribute-chain keys ([`Walker::bound_dotted`]).
    key_buf: String,
    /// Emptied scope tables kept for reuse ([`Walker::push_scope`]).
    spare_scopes: Vec<HashMap<Cow<'a, str>, Val<'a>>>,
    /// Calls of local functions: (calling function or None at top level, called name).
    local_calls: Vec<(Option<String>, String)>,
    /// Set when applying a user function hit the inlining depth (a decoder calling itself).
    inline_limit_hit: bool,
    /// Parsed constant expressions for `eval("...")`.
    eval_exprs: &'a [OnceCell<Parsed<ast::ModExpression>>],
    /// By the whole text, not a hash of it: a crafted collision must not swap one folded
    /// expression for another.
    eval_cache: HashMap<Box<str>, Option<&'a Expr>>,
    eval_cache_bytes: usize,
    eval_next: usize,
    /// The strings indexed last and their characters (`None`: ASCII, indexed by byte). A few
    /// entries, because XOR loops index the data and the key in turn.
    chars_cache: Vec<(Rc<str>, CharsOf)>,
    /// Loop bodies' appends, by the loop's address: worked out once per loop, which an
    /// inlined function runs each time it is called.
    loop_shapes: HashMap<usize, Rc<LoopShape<'a>>>,
    /// Texts a name may hold besides its bound value: the walk binds a name's last
    /// assignment, though a branch that assigned it may never run (`x = payload; if
    /// sys.platform == 'plan9': x = ''`). exec and call arguments that are such a name are
    /// checked with these too. Cleared when the name is bound again.
    alternatives: HashMap<Cow<'a, str>, Vec<Val<'a>>>,
    /// Choices the walk could not make so far (see `unknown_choice`): whether an expression
    /// made one is the difference across its evaluation.
    unknown_choices: u64,
    /// The choice forced while alternatives are worked out (see `alternative_results`).
    forced: Option<Forced>,
    /// Whether the arguments of the call being applied made a choice the walk could not.
    call_choices: bool,
    /// Names an inlined function declared `global` (true) or `nonlocal`, by the index of its
    /// scope: binding one binds the module's, or the nearest enclosing scope's.
    scope_globals: Vec<(usize, &'a str, bool)>,
    /// The names each function declares `global` (true) or `nonlocal` and assigns, by the
    /// function's address.
    def_globals: HashMap<usize, Rc<[(&'a str, bool)]>>,
    /// Whether each function assigns attributes of its parameters, by its address.
    def_attr_stores: HashMap<usize, bool>,
    /// Builtins read by name and not bound in any scope: their qualified name and flows.
    builtin_reads: HashMap<&'a str, (Rc<str>, FlowSet)>,
}

/// A string's characters when it is not ASCII (`None`: index its bytes).
type CharsOf = Option<Rc<[char]>>;
const CHARS_CACHE_ENTRIES: usize = 4;

/// What running an inlined function body did.
enum Flow<'a> {
    Next,
    Return(Val<'a>),
    /// `break` / `continue`, on their way to the loop they end or go on with.
    Break,
    Continue,
    /// Something not modelled: the result is unknown.
    Stop,
}

pub(crate) const BUILTINS: &[&str] = &[
    "exec",
    "eval",
    "compile",
    "open",
    "__import__",
    "getattr",
    "setattr",
    "hasattr",
    "delattr",
    "globals",
    "locals",
    "vars",
    "chr",
    "ord",
    "bytes",
    "bytearray",
    "str",
    "list",
    "tuple",
    "set",
    "dict",
    "map",
    "filter",
    "reversed",
    "sorted",
    "len",
    "int",
    "hex",
    "input",
    "print",
    "type",
    "zip",
    "range",
    "enumerate",
    "iter",
    "next",
    "any",
    "all",
    "isinstance",
    "memoryview",
    "format",
    "repr",
    "breakpoint",
    "execfile",
    "callable",
    "object",
    "super",
    "abs",
    "min",
    "max",
    "sum",
    "frozenset",
    "bin",
    "oct",
    "__build_class__",
    "__loader__",
    "__spec__",
    "copyright",
    "credits",
    "license",
    "float",
    "bool",
    "object",
];

thread_local! {
    /// `builtins.<name>` for each of [`BUILTINS`], by name: every unbound name is asked here
    /// (a scan of the list was a tenth of a decoding loop's lookups).
    static BUILTIN_NAMES: HashMap<&'static str, Rc<str>> =
        BUILTINS.iter().map(|b| (*b, Rc::from(format!("builtins.{b}")))).collect();
}

/// `str()` of a builtin, as CPython prints it: obfuscators slice these texts for letters
/// (`oct.__str__()[-3]` is `c`).
fn builtin_text(q: &str) -> Option<String> {
    let name = q.strip_prefix("builtins.")?;
    const CLASSES: &[&str] = &[
        "str",
        "int",
        "bytes",
        "bytearray",
        "list",
        "tuple",
        "set",
        "frozenset",
        "dict",
        "float",
        "bool",
        "object",
        "type",
        "range",
        "memoryview",
        "super",
        "map",
        "filter",
        "zip",
        "enumerate",
        "reversed",
    ];
    Some(match name {
        "copyright" => "Copyright (c) 2001 Python Software Foundation.\nAll Rights Reserved.".to_string(),
        "credits" => "    Thanks to CWI, CNRI, BeOpen, Zope Corporation, the Python Software Foundation,\n    and a cast of thousands for supporting Python development.  See www.python.org for more information.".to_string(),
        "license" => "Type license() to see the full license text".to_string(),
        n if CLASSES.contains(&n) => format!("<class '{n}'>"),
        n if BUILTINS.contains(&n) => format!("<built-in function {n}>"),
        _ => return None,
    })
}

/// Setuptools/distutils command classes: their methods run during `pip install`.
fn is_command_base(q: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "setuptools.command.",
        "distutils.command.",
        "wheel.bdist_wheel",
        "setuptools.Command",
        "distutils.core.Command",
        "distutils.cmd.Command",
    ];
    PREFIXES.iter().any(|p| q.starts_with(p))
        || q == "setuptools.command"
        || q == "distutils.command"
}

impl<'a, 'f> Walker<'a, 'f> {
    // ---- facts -------------------------------------------------------------------------

    fn when(&self) -> When {
        if let Some(n) = &self.nested {
            return n.when;
        }
        match self.role {
            FileRole::SetupScript | FileRole::Pth => When::Install,
            FileRole::Script => When::Runtime,
            FileRole::Module => {
                let in_function = self
                    .frames
                    .iter()
                    .any(|f| matches!(f, Frame::Function { .. }));
                let in_command = self
                    .frames
                    .iter()
                    .any(|f| matches!(f, Frame::Class { command: true, .. }));
                if in_command {
                    When::Install
                } else if in_function {
                    When::Runtime
                } else {
                    When::Import
                }
            }
        }
    }

    fn ctx(&mut self) -> u32 {
        if let Some(c) = self.ctx_cache {
            return c;
        }
        // Contexts repeat locally (the same function, the same call): look back a little only,
        // comparing with the frames before building (and allocating) a new one.
        let len = self.out.contexts.len();
        let id = match self.out.contexts[len.saturating_sub(8)..]
            .iter()
            .rposition(|c| self.frames_are(c))
        {
            Some(i) => (len.saturating_sub(8) + i) as u32,
            None => {
                let mut ctx = Context::default();
                for f in &self.frames {
                    match f {
                        Frame::Function { name } => ctx.function = Some(name.clone()),
                        Frame::Class { bases, .. } => ctx.class_bases.clone_from(bases),
                        Frame::Call(c) => ctx.calls.push(c.to_string()),
                    }
                }
                self.out.contexts.push(ctx);
                len as u32
            }
        };
        self.ctx_cache = Some(id);
        id
    }

    /// Whether `c` is the context the frames make: the innermost function, the innermost
    /// class's bases, and every enclosing call in order.
    fn frames_are(&self, c: &Context) -> bool {
        let mut function = None;
        let mut bases: &[String] = &[];
        let mut calls = c.calls.iter();
        for f in &self.frames {
            match f {
                Frame::Function { name } => function = Some(name.as_str()),
                Frame::Class { bases: b, .. } => bases = b,
                Frame::Call(callee) => {
                    if calls.next().map(String::as_str) != Some(&**callee) {
                        return false;
                    }
                }
            }
        }
        calls.next().is_none() && c.function.as_deref() == function && c.class_bases == bases
    }

    fn push_frame(&mut self, f: Frame) {
        self.frames.push(f);
        self.ctx_cache = None;
    }

    fn pop_frame(&mut self) {
        self.frames.pop();
        self.ctx_cache = None;
    }

    /// Whether a call's fact is read by anything: install scripts' calls all are (what they
    /// run at install), a call that carries a payload is, and others when a rule could
    /// match the callee.
    fn wants_call_fact(&mut self, callee: &str, payload: Option<u32>) -> bool {
        let Some(filter) = &self.opts.call_filter else {
            return true;
        };
        if self.role == FileRole::SetupScript || payload.is_some() || self.nested.is_some() {
            return true;
        }
        if let Some(&wanted) = self.call_wanted.get(callee) {
            return wanted;
        }
        let wanted = filter.wants(callee);
        self.call_wanted.insert(callee.to_string(), wanted);
        wanted
    }

    fn fact(&mut self, kind: FactKind, range: TextRange, payload: Option<u32>) {
        if !self.emit {
            return;
        }
        self.budget.facts += 1;
        if self.budget.facts > MAX_FACTS {
            if self.budget.facts == MAX_FACTS + 1 {
                let detail =
                    format!("more than {MAX_FACTS} facts in one file; the rest was not analysed");
                self.too_many_facts(self.base, self.base, detail);
            }
            return;
        }
        let (start, end, payload) = match &self.nested {
            Some(n) => (n.start, n.end, Some(payload.unwrap_or(n.payload))),
            None => (
                self.base + range.start().to_u32(),
                self.base + range.end().to_u32(),
                payload,
            ),
        };
        let when = self.when();
        let ctx = self.ctx();
        self.out.facts.push(Fact {
            kind,
            start,
            end,
            when,
            ctx,
            payload,
        });
    }

    /// A per-file fact bound was reached: the rest of the file is not fully analysed.
    fn too_many_facts(&mut self, start: u32, end: u32, detail: String) {
        self.out.issues.push(SourceIssue {
            code: "too-many-facts",
            start,
            end,
            detail,
            incomplete: true,
        });
    }

    fn string_fact(&mut self, v: &Val<'a>, range: TextRange) {
        if !self.emit {
            return;
        }
        if let Some(text) = v.text_prefix(MAX_STRING_FACT_TEXT) {
            // Rules look for URLs, paths, commands and tokens: one or two characters never
            // make one, and skipping them keeps big files' fact lists small.
            if text.len() >= 3 {
                let len = text.len();
                self.budget.string_bytes += len;
                if self.budget.string_bytes > MAX_STRING_FACT_BYTES {
                    if self.budget.string_bytes - len <= MAX_STRING_FACT_BYTES {
                        let detail = format!(
                            "strings built in this file exceed {} MiB; the rest were not matched",
                            MAX_STRING_FACT_BYTES >> 20
                        );
                        let base = self.base;
                        self.too_many_facts(
                            base + range.start().to_u32(),
                            base + range.end().to_u32(),
                            detail,
                        );
                    }
                    return;
                }
                self.fact(
                    FactKind::Str {
                        value: text.into_owned(),
                        origin: v.origin,
                    },
                    range,
                    None,
                );
            }
        }
    }

    /// Code in a function runs at import (or install) when the module calls that function at
    /// top level, directly or through other local functions: `def steal(): ...` + `steal()`.
    /// `Thread(target=steal).start()`, `atexit.register(steal)`, `Timer(5, steal)`: a local
    /// function handed to an API that runs it counts as called from here, so one started by a
    /// thread at import time is import-time code.
    fn note_deferred_calls(
        &mut self,
        callee: &str,
        args: &[Val<'a>],
        kwargs: &[(Option<&'a str>, Val<'a>)],
    ) {
        let kw = |name: &str| {
            kwargs
                .iter()
                .find(|(n, _)| *n == Some(name))
                .map(|(_, v)| v)
        };
        let f = match callee {
            "threading.Thread" | "multiprocessing.Process" => kw("target"),
            "threading.Timer" => args.get(1).or_else(|| kw("function")),
            "atexit.register" | "_thread.start_new_thread" | "thread.start_new_thread" => {
                args.first()
            }
            c if c.starts_with("concurrent.futures.") && c.ends_with(".submit") => args.first(),
            _ => None,
        };
        let Some(V::Def(d)) = f.map(|v| &v.v) else {
            return;
        };
        let caller = self.current_function();
        self.local_calls.push((caller, d.name.to_string()));
    }

    /// The innermost function being walked (`None` at module level).
    fn current_function(&self) -> Option<String> {
        self.frames.iter().rev().find_map(|f| match f {
            Frame::Function { name } => Some(name.clone()),
            _ => None,
        })
    }

    fn promote_called_functions(&mut self, first_fact: usize) {
        // Functions reachable from some seeds through the calls recorded in this file.
        let reach = |seeds: Vec<String>| {
            let mut called: HashSet<String> = HashSet::new();
            let mut frontier = seeds;
            while let Some(f) = frontier.pop() {
                if !called.insert(f.clone()) {
                    continue;
                }
                for (caller, callee) in &self.local_calls {
                    if caller.as_deref() == Some(f.as_str()) && !called.contains(callee) {
                        frontier.push(callee.clone());
                    }
                }
            }
            called
        };
        let top_level = self
            .local_calls
            .iter()
            .filter(|(caller, _)| caller.is_none())
            .map(|(_, f)| f.clone())
            .collect();
        // A script's top level runs only when it is run: what it calls is run-time code.
        let called = if self.role == FileRole::Script {
            HashSet::new()
        } else {
            reach(top_level)
        };
        // A script run at install (`python -m pkg`, whose __main__.py is a script) runs whole.
        let script_installed = self.role == FileRole::Script
            && self.nested.is_none()
            && self.opts.install_entries.iter().any(|e| e == "<main>");
        let installed = if self.nested.is_none() {
            reach(self.opts.install_entries.clone())
        } else {
            HashSet::new()
        };
        if called.is_empty() && installed.is_empty() {
            return;
        }
        let top_level_too = |f: Option<&str>| f.is_none() && script_installed;
        let at = if self.role == FileRole::Module {
            When::Import
        } else {
            When::Install
        };
        for fact in &mut self.out.facts[first_fact..] {
            if fact.when == When::Runtime {
                let func = self
                    .out
                    .contexts
                    .get(fact.ctx as usize)
                    .and_then(|c| c.function.as_deref());
                if func.is_some_and(|f| installed.contains(f)) || top_level_too(func) {
                    fact.when = When::Install;
                } else if func.is_some_and(|f| called.contains(f)) {
                    fact.when = at;
                }
            }
        }
    }

    // ---- scopes ------------------------------------------------------------------------

    fn lookup(&self, name: &str) -> Val<'a> {
        for scope in self.scopes.iter().rev() {
            if let Some(v) = scope.get(name) {
                return v.clone();
            }
        }
        self.lookup_unbound(name)
    }

    /// What a name no scope binds is: a builtin, a name a star import may bring, or unknown.
    fn lookup_unbound(&self, name: &str) -> Val<'a> {
        if name == "__builtins__" {
            return Val::name("builtins");
        }
        // Shared texts: decoding loops look `chr` and `ord` up once per character.
        if let Some(q) = BUILTIN_NAMES.with(|names| names.get(name).cloned()) {
            return Val::new(V::Name(q));
        }
        if let Some(m) = self.star_imports.last() {
            return Val::name(&format!("{m}.{name}"));
        }
        Val::unknown()
    }

    fn is_bound(&self, name: &str) -> bool {
        self.scopes.iter().any(|s| s.contains_key(name))
    }

    /// The value bound to an attribute chain (`self.key = ...` binds `self.key`), if any.
    /// The key is built in a reused buffer: chains are everywhere, bindings of them rare.
    fn bound_dotted(&mut self, e: &Expr) -> Option<Val<'a>> {
        let mut key = std::mem::take(&mut self.key_buf);
        key.clear();
        let found = if dotted_into(e, &mut key) {
            self.scopes
                .iter()
                .rev()
                .find_map(|s| s.get(key.as_str()))
                .cloned()
        } else {
            None
        };
        self.key_buf = key;
        found
    }

    fn is_dotted_bound(&mut self, e: &Expr) -> bool {
        let mut key = std::mem::take(&mut self.key_buf);
        key.clear();
        let bound =
            dotted_into(e, &mut key) && self.scopes.iter().any(|s| s.contains_key(key.as_str()));
        self.key_buf = key;
        bound
    }

    /// A new innermost scope, reusing the table of one popped before: inlined calls and
    /// comprehensions in folding loops push and pop a scope per item.
    fn push_scope(&mut self) {
        let scope = self.spare_scopes.pop().unwrap_or_default();
        self.scopes.push(scope);
    }

    fn pop_scope(&mut self) {
        if !self.scope_globals.is_empty() {
            let depth = self.scopes.len().saturating_sub(1);
            self.scope_globals.retain(|(d, _, _)| *d < depth);
        }
        if let Some(mut scope) = self.scopes.pop() {
            // Small tables only: clearing costs their capacity at every reuse.
            if scope.capacity() <= 64 && self.spare_scopes.len() < 8 {
                scope.clear();
                self.spare_scopes.push(scope);
            }
        }
    }

    /// Binds a name written in the source: the key borrows the tree's text.
    fn bind_name(&mut self, name: &'a str, v: Val<'a>) {
        self.bind_key(Cow::Borrowed(name), v);
    }

    fn bind_key(&mut self, name: Cow<'a, str>, v: Val<'a>) {
        if !self.alternatives.is_empty() {
            self.alternatives.remove(&*name);
        }
        if !self.scope_globals.is_empty() {
            let top = self.scopes.len().saturating_sub(1);
            let declared = self
                .scope_globals
                .iter()
                .find(|(d, n, _)| *d == top && *n == &*name)
                .map(|(_, _, module)| *module);
            if let (Some(module), true) = (declared, top > 0) {
                let outer = &mut self.scopes[..top];
                let at = if module {
                    Some(0)
                } else {
                    outer.iter().rposition(|s| s.contains_key(&*name))
                };
                if let Some(at) = at {
                    outer[at].insert(name, v);
                    return;
                }
            }
        }
        if let Some(scope) = self.scopes.last_mut() {
            // Loops rebind the same names: reuse the key rather than allocate it again.
            match scope.get_mut(&*name) {
                Some(slot) => *slot = v,
                None => {
                    scope.insert(name, v);
                }
            }
        }
    }

    fn bind(&mut self, target: &'a Expr, v: Val<'a>) {
        match target {
            Expr::Name(n) => self.bind_name(n.id.as_str(), v),
            Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
                let items = v.iter_items(elts.len()).filter(|i| i.len() == elts.len());
                for (i, t) in elts.iter().enumerate() {
                    let item = items
                        .as_ref()
                        .map_or_else(|| Val::unknown().with_flows(v.flows), |it| it[i].clone());
                    self.bind(t, item);
                }
            }
            Expr::Starred(s) => self.bind(&s.value, Val::unknown().with_flows(v.flows)),
            Expr::Attribute(a) => {
                if let Some(key) = dotted(target) {
                    self.bind_key(Cow::Owned(key), v);
                } else if is_this_module(&a.value) {
                    // `sys.modules[__name__].x = v` is `x = v`.
                    self.store_global(Some(a.attr.as_str()), v);
                } else {
                    self.eval(&a.value);
                }
            }
            Expr::Subscript(s) => {
                let base = self.eval(&s.value);
                let key = self.eval(&s.slice);
                if matches!(base.v, V::Globals) {
                    // `globals()[k] = v` is `k = v`.
                    self.store_global(key.as_str(), v);
                    return;
                }
                if let Some(obj) = dict_of(&s.value) {
                    // `obj.__dict__[k] = v` is `obj.k = v`.
                    self.store_attribute(&obj, key.as_str(), v);
                    return;
                }
                self.changed_through(&s.value, base, |walker, place| {
                    walker.store_item(place, &key, v);
                });
            }
            _ => {}
        }
    }

    /// Module-level constant assignments, evaluated before the walk so that functions defined
    /// earlier in the file see constants assigned later (as they would when called).
    fn prescan_constants(&mut self, body: &'a [Stmt]) {
        let emit = std::mem::replace(&mut self.emit, false);
        let body = &body[..body.len().min(10_000)];
        let mut i = 0;
        while i < body.len() {
            if let Some(n) = self.append_run(&body[i..], true) {
                i += n;
                continue;
            }
            let s = &body[i];
            i += 1;
            if let Stmt::Assign(a) = s {
                if matches!(
                    &*a.value,
                    Expr::StringLiteral(_)
                        | Expr::BytesLiteral(_)
                        | Expr::BinOp(_)
                        | Expr::List(_)
                        | Expr::Tuple(_)
                ) {
                    let v = self.eval(&a.value);
                    if v.is_known() {
                        for t in &a.targets {
                            if let Expr::Name(n) = t {
                                self.bind_name(n.id.as_str(), v.clone());
                            }
                        }
                    }
                }
            }
        }
        self.emit = emit;
    }

    // ---- statements --------------------------------------------------------------------

    fn stmts(&mut self, body: &'a [Stmt]) {
        let mut i = 0;
        while i < body.len() {
            if self.budget.timed_out {
                return;
            }
            match self.append_run(&body[i..], false) {
                Some(n) => i += n,
                None => {
                    self.stmt(&body[i]);
                    i += 1;
                }
            }
        }
    }

    fn stmt(&mut self, s: &'a Stmt) {
        if !self.enter() {
            return;
        }
        stacker::maybe_grow(128 * 1024, 4 << 20, || self.stmt_inner(s));
        self.depth -= 1;
    }

    fn enter(&mut self) -> bool {
        if !self.budget.step() {
            return false;
        }
        if self.depth >= self.opts.max_depth {
            self.depth_hit = true;
            return false;
        }
        self.depth += 1;
        true
    }

    #[allow(clippy::too_many_lines)]
    fn stmt_inner(&mut self, s: &'a Stmt) {
        if !self.emit || !may_not_run(s) {
            self.stmt_walk(s);
            return;
        }
        let names = assigned_keys(std::slice::from_ref(s));
        if names.is_empty() {
            self.stmt_walk(s);
            return;
        }
        let mut seen: Vec<Vec<Val<'a>>> = vec![Vec::new(); names.len()];
        self.capture_texts(&names, &mut seen);
        match s {
            // Each block's result, not only the last one's.
            Stmt::If(i) => self.walk_if(i, |walker| walker.capture_texts(&names, &mut seen)),
            _ => self.stmt_walk(s),
        }
        self.keep_alternatives(&names, seen);
    }

    /// The blocks of an `if` one after the other; `between` runs before each `elif`/`else`.
    fn walk_if(&mut self, i: &'a ast::StmtIf, mut between: impl FnMut(&mut Self)) {
        self.eval(&i.test);
        self.stmts(&i.body);
        for clause in &i.elif_else_clauses {
            between(self);
            if let Some(t) = &clause.test {
                self.eval(t);
            }
            self.stmts(&clause.body);
        }
    }

    fn stmt_walk(&mut self, s: &'a Stmt) {
        match s {
            Stmt::FunctionDef(f) => {
                for d in &f.decorator_list {
                    self.eval(&d.expression);
                }
                self.eval_param_defaults(&f.parameters);
                self.bind_name(f.name.as_str(), Val::new(V::Def(f)));
                // Methods are named `Class.method`, so promoting one class's `run` to import
                // time does not promote every `run` in the module.
                let name = match self.frames.last() {
                    Some(Frame::Class { name: class, .. }) => format!("{class}.{}", f.name),
                    _ => f.name.to_string(),
                };
                self.push_frame(Frame::Function { name });
                self.push_scope();
                self.bind_params(&f.parameters);
                self.stmts(&f.body);
                self.pop_scope();
                self.pop_frame();
            }
            Stmt::ClassDef(c) => {
                let mut bases = Vec::new();
                if let Some(args) = &c.arguments {
                    for b in &args.args {
                        let v = self.eval(b);
                        if let Some(q) = v.qualified() {
                            bases.push(q.to_string());
                        }
                    }
                    for k in &args.keywords {
                        self.eval(&k.value);
                    }
                }
                for d in &c.decorator_list {
                    self.eval(&d.expression);
                }
                let command = bases.iter().any(|b| is_command_base(b));
                self.push_frame(Frame::Class {
                    name: c.name.to_string(),
                    bases,
                    command,
                });
                self.push_scope();
                self.stmts(&c.body);
                self.pop_scope();
                self.pop_frame();
                self.bind_name(c.name.as_str(), Val::name(&format!("<local>.{}", c.name)));
            }
            Stmt::Return(r) => {
                if let Some(v) = &r.value {
                    self.eval(v);
                }
            }
            Stmt::Delete(d) => {
                for t in &d.targets {
                    match t {
                        // `del x[k]` changes `x`: not modelled, so it is unknown from here.
                        Expr::Subscript(sub) => {
                            let base = self.eval(&sub.value);
                            self.eval(&sub.slice);
                            self.changed_through(&sub.value, base, |walker, place| {
                                walker.mutate(place, "__delitem__", &[]);
                            });
                        }
                        _ => {
                            self.eval(t);
                        }
                    }
                }
            }
            Stmt::Assign(a) => {
                let choices_before = self.unknown_choices;
                let v = self.eval(&a.value);
                let choices = self.unknown_choices != choices_before;
                if v.origin != Origin::Literal && !matches!(&*a.value, Expr::Call(_)) {
                    self.string_fact(&v, a.value.range());
                }
                // Read before the binding, which drops the target's own alternatives.
                let alts = match &a.targets[..] {
                    [t @ (Expr::Name(_) | Expr::Attribute(_))]
                        if choices || !self.alternatives.is_empty() =>
                    {
                        let key = match t {
                            Expr::Name(n) => Some(Cow::Borrowed(n.id.as_str())),
                            _ => dotted(t).map(Cow::Owned),
                        };
                        key.map(|k| (k, self.alternatives_built(&a.value, choices)))
                    }
                    _ => None,
                };
                for t in &a.targets {
                    self.bind(t, v.clone());
                }
                if let Some((key, mut alts)) = alts {
                    alts.retain(|alt| !same_text(alt, &v));
                    if !alts.is_empty() {
                        self.add_alternatives(key, alts);
                    }
                }
            }
            Stmt::AugAssign(a) => {
                let emit = std::mem::replace(&mut self.emit, false);
                let cur = self.eval(&a.target);
                self.emit = emit;
                let rhs = self.eval(&a.value);
                self.aug_assign(&a.target, cur, a.op, rhs);
            }
            Stmt::AnnAssign(a) => {
                if let Some(value) = &a.value {
                    let v = self.eval(value);
                    self.bind(&a.target, v);
                }
            }
            Stmt::For(f) => {
                let it = self.eval(&f.iter);
                self.bind(&f.target, Val::unknown().with_flows(it.deep_flows()));
                let plan = self.loop_plan(f, &it);
                self.stmts(&f.body);
                self.forget_grown(&f.body);
                self.stmts(&f.orelse);
                if let Some(plan) = plan {
                    self.unroll_loop(f, plan);
                }
            }
            Stmt::While(w) => {
                let plan = self.while_plan(w);
                self.eval(&w.test);
                self.stmts(&w.body);
                self.forget_grown(&w.body);
                self.stmts(&w.orelse);
                if let Some((names, before)) = plan {
                    self.replay(&names, before, |walker| walker.run_while(w));
                }
            }
            Stmt::If(i) if is_main_guard(&i.test) => {
                // `if __name__ == "__main__":` runs when the file is executed as a script,
                // not on import: like a function body.
                self.push_frame(Frame::Function {
                    name: "<main>".into(),
                });
                self.stmts(&i.body);
                self.pop_frame();
                for clause in &i.elif_else_clauses {
                    self.stmts(&clause.body);
                }
            }
            Stmt::If(i) => self.walk_if(i, |_| {}),
            Stmt::With(w) => {
                for item in &w.items {
                    let v = self.eval(&item.context_expr);
                    if let Some(t) = &item.optional_vars {
                        self.bind(t, v);
                    }
                }
                self.stmts(&w.body);
            }
            Stmt::Match(m) => {
                self.eval(&m.subject);
                for case in &m.cases {
                    if let Some(g) = &case.guard {
                        self.eval(g);
                    }
                    self.stmts(&case.body);
                }
            }
            Stmt::Raise(r) => {
                if let Some(e) = &r.exc {
                    self.eval(e);
                }
                if let Some(c) = &r.cause {
                    self.eval(c);
                }
            }
            Stmt::Try(t) => {
                self.stmts(&t.body);
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    if let Some(ty) = &h.type_ {
                        self.eval(ty);
                    }
                    self.stmts(&h.body);
                }
                self.stmts(&t.orelse);
                self.stmts(&t.finalbody);
            }
            Stmt::Assert(a) => {
                self.eval(&a.test);
                if let Some(m) = &a.msg {
                    self.eval(m);
                }
            }
            Stmt::Import(i) => {
                for alias in &i.names {
                    let module = alias.name.as_str();
                    self.fact(FactKind::Import(module.to_string()), alias.range(), None);
                    match &alias.asname {
                        Some(asname) => self.bind_name(asname.as_str(), Val::name(module)),
                        None => {
                            let first = module.split('.').next().unwrap_or(module);
                            self.bind_name(first, Val::name(first));
                        }
                    }
                }
            }
            Stmt::ImportFrom(i) => {
                let module = i.module.as_ref().map_or("", |m| m.as_str());
                for alias in &i.names {
                    let name = alias.name.as_str();
                    if name == "*" {
                        self.fact(FactKind::Import(module.to_string()), i.range(), None);
                        self.star_imports.push(module.to_string());
                        continue;
                    }
                    let q = if module.is_empty() {
                        name.to_string()
                    } else {
                        format!("{module}.{name}")
                    };
                    self.fact(FactKind::Import(q.clone()), alias.range(), None);
                    let local = alias.asname.as_ref().map_or(name, |a| a.as_str());
                    self.bind_name(local, Val::name(&q));
                }
            }
            Stmt::Expr(e) => {
                // A bare string statement is a docstring or a comment in disguise: not code.
                if !matches!(&*e.value, Expr::StringLiteral(_) | Expr::BytesLiteral(_)) {
                    self.eval(&e.value);
                }
            }
            Stmt::TypeAlias(_)
            | Stmt::Global(_)
            | Stmt::Nonlocal(_)
            | Stmt::Pass(_)
            | Stmt::Break(_)
            | Stmt::Continue(_)
            | Stmt::IpyEscapeCommand(_) => {}
        }
    }

    fn eval_param_defaults(&mut self, params: &'a ast::Parameters) {
        for p in params
            .posonlyargs
            .iter()
            .chain(&params.args)
            .chain(&params.kwonlyargs)
        {
            if let Some(d) = &p.default {
                self.eval(d);
            }
        }
    }

    fn bind_params(&mut self, params: &'a ast::Parameters) {
        for p in params
            .posonlyargs
            .iter()
            .chain(&params.args)
            .chain(&params.kwonlyargs)
        {
            self.bind_name(p.parameter.name.as_str(), Val::unknown());
        }
        for p in params.vararg.iter().chain(&params.kwarg) {
            self.bind_name(p.name.as_str(), Val::unknown());
        }
    }

    // ---- expressions -------------------------------------------------------------------

    fn eval(&mut self, e: &'a Expr) -> Val<'a> {
        if !self.emit {
            if self.budget.fold_steps == 0 {
                return Val::unknown();
            }
            self.budget.fold_steps -= 1;
        }
        if !self.enter() {
            return Val::unknown();
        }
        let v = stacker::maybe_grow(128 * 1024, 4 << 20, || self.eval_inner(e));
        self.depth -= 1;
        v
    }

    #[allow(clippy::too_many_lines)]
    fn eval_inner(&mut self, e: &'a Expr) -> Val<'a> {
        match e {
            Expr::StringLiteral(s) => {
                let v = Val::str(s.value.to_str());
                self.string_fact(&v, e.range());
                v
            }
            Expr::BytesLiteral(b) => {
                let bytes: Vec<u8> = b
                    .value
                    .iter()
                    .flat_map(|part| part.value.iter().copied())
                    .collect();
                let v = Val::new(V::Bytes(bytes.into()));
                self.string_fact(&v, e.range());
                v
            }
            Expr::NumberLiteral(n) => match &n.value {
                Number::Int(i) => i
                    .as_i64()
                    .map_or_else(Val::unknown, |i| Val::new(V::Int(i))),
                _ => Val::unknown(),
            },
            Expr::BooleanLiteral(b) => Val::new(V::Bool(b.value)),
            Expr::NoneLiteral(_) => Val::new(V::None),
            Expr::FString(f) => self.fstring(f),
            Expr::Name(n) => {
                let name = n.id.as_str();
                let bound = self.scopes.iter().rev().find_map(|s| s.get(name)).cloned();
                let unbound = bound.is_none();
                if unbound && !name.starts_with("__") {
                    // A builtin (`chr`, `ord`, `len` once per character of a decoding loop):
                    // its qualified name and flows, worked out once per file.
                    if let Some((q, flows)) = self.builtin_reads.get(name) {
                        return Val::new(V::Name(q.clone())).with_flows(*flows);
                    }
                }
                let mut v = bound.unwrap_or_else(|| self.lookup_unbound(name));
                if let V::Name(q) = &v.v {
                    // The shared text, not a copy: every name read passes here.
                    let q = q.clone();
                    let flows = self.name_flows(&q);
                    v.flows |= flows;
                    if unbound
                        && !name.starts_with("__")
                        && BUILTIN_NAMES.with(|names| names.contains_key(name))
                    {
                        self.builtin_reads.insert(name, (q, flows));
                    }
                }
                v
            }
            Expr::Attribute(a) => {
                if let Some(v) = self.bound_dotted(e) {
                    return v;
                }
                let base = self.eval(&a.value);
                self.attribute(&base, a.attr.as_str(), false)
            }
            Expr::Subscript(s) => self.subscript(s),
            Expr::Call(c) => self.call(c),
            Expr::BinOp(b) => {
                let l = self.eval(&b.left);
                let r = self.eval(&b.right);
                self.binop(l, b.op, r)
            }
            Expr::UnaryOp(u) => {
                let v = self.eval(&u.operand);
                match (u.op, v.as_int()) {
                    (UnaryOp::USub, Some(i)) => Val::new(V::Int(i.wrapping_neg())),
                    (UnaryOp::UAdd, Some(i)) => Val::new(V::Int(i)),
                    (UnaryOp::Invert, Some(i)) => Val::new(V::Int(!i)),
                    (UnaryOp::Not, _) => match truthy(&v) {
                        Some(b) => Val::new(V::Bool(!b)).with_flows(v.flows),
                        None => Val::unknown().with_flows(v.flows),
                    },
                    _ => Val::unknown().with_flows(v.flows),
                }
            }
            Expr::BoolOp(b) => {
                let mut flows = 0;
                let mut first_known = None;
                // Python's value when every operand's truth is known: the first operand that
                // decides (falsy for `and`, truthy for `or`), else the last.
                let mut decided: Option<Val<'a>> = None;
                let mut all_known = true;
                let mut last = None;
                for v in &b.values {
                    let v = self.eval(v);
                    flows |= v.flows;
                    if first_known.is_none() && v.is_known() && b.op == BoolOp::Or {
                        first_known = Some(v.clone());
                    }
                    if decided.is_none() && all_known {
                        match truthy(&v) {
                            Some(t) if t == (b.op == BoolOp::Or) => decided = Some(v.clone()),
                            Some(_) => {}
                            None => all_known = false,
                        }
                    }
                    last = Some(v);
                }
                let out = match (decided, all_known) {
                    (Some(v), _) => Some(v),
                    (None, true) => last,
                    (None, false) if b.op == BoolOp::Or => first_known,
                    _ => None,
                };
                out.unwrap_or_else(Val::unknown).with_flows(flows)
            }
            Expr::Compare(c) => {
                let mut left = self.eval(&c.left);
                let mut flows = left.flows;
                let mut result = Some(true);
                for (op, cmp) in c.ops.iter().zip(&c.comparators) {
                    let right = self.eval(cmp);
                    flows |= right.flows;
                    if result == Some(true) {
                        result = compare(*op, &left, &right);
                    }
                    left = right;
                }
                match result {
                    Some(b) => Val::new(V::Bool(b)).with_flows(flows),
                    None => Val::unknown().with_flows(flows),
                }
            }
            Expr::If(i) => {
                let test = self.eval(&i.test);
                let body = self.eval(&i.body);
                let orelse = self.eval(&i.orelse);
                let flows = body.flows | orelse.flows;
                // Only data decides here: a qualified name (`sys.flags.optimize`) is a value
                // the walk does not have, whatever `truthy` says of a module or function.
                let decided = match test.v {
                    V::Name(_) => None,
                    _ => truthy(&test),
                };
                let take_body = match decided {
                    Some(t) => t,
                    // Either may be the value: the known one, the other as an alternative.
                    None => match self.unknown_choice(std::ptr::from_ref(i) as usize, 2) {
                        Some(choice) => choice == 0,
                        None => body.is_known(),
                    },
                };
                if take_body { body } else { orelse }.with_flows(flows)
            }
            Expr::Lambda(l) => {
                // Walked once for the facts in its body; applied (without facts) where called.
                self.push_frame(Frame::Function {
                    name: "<lambda>".into(),
                });
                self.push_scope();
                if let Some(p) = &l.parameters {
                    self.bind_params(p);
                }
                self.eval(&l.body);
                self.pop_scope();
                self.pop_frame();
                Val::new(V::Lambda(l))
            }
            Expr::List(ast::ExprList { elts, .. })
            | Expr::Tuple(ast::ExprTuple { elts, .. })
            | Expr::Set(ast::ExprSet { elts, .. }) => {
                let mut items = Vec::with_capacity(elts.len().min(4096));
                let mut origin = Origin::Literal;
                for el in elts {
                    let v = self.eval(el);
                    if v.origin != Origin::Literal {
                        origin = v.origin;
                    }
                    items.push(v);
                }
                let mut v = Val::new(V::List(Rc::new(items)));
                v.origin = origin;
                v
            }
            Expr::Dict(d) => {
                let mut items = Vec::new();
                let mut known = true;
                for item in &d.items {
                    let k = item.key.as_ref().map(|k| self.eval(k));
                    let v = self.eval(&item.value);
                    match k {
                        Some(k) => items.push((k, v)),
                        None => known = false,
                    }
                }
                if known {
                    Val::new(V::Dict(Rc::new(items)))
                } else {
                    let flows = items.iter().fold(0, |f, (k, v)| f | k.flows | v.flows);
                    Val::unknown().with_flows(flows)
                }
            }
            Expr::ListComp(c) => self.comprehension(&c.elt, &c.generators),
            Expr::SetComp(c) => self.comprehension(&c.elt, &c.generators),
            Expr::Generator(c) => self.comprehension(&c.elt, &c.generators),
            Expr::DictComp(c) => {
                self.push_scope();
                for g in &c.generators {
                    let it = self.eval(&g.iter);
                    self.bind(&g.target, Val::unknown().with_flows(it.deep_flows()));
                    for cond in &g.ifs {
                        self.eval(cond);
                    }
                }
                let k = c.key.as_ref().map_or(0, |k| self.eval(k).flows);
                let v = self.eval(&c.value);
                self.pop_scope();
                Val::unknown().with_flows(k | v.flows)
            }
            Expr::Await(a) => self.eval(&a.value),
            Expr::Yield(y) => y.value.as_ref().map_or_else(Val::unknown, |v| self.eval(v)),
            Expr::YieldFrom(y) => self.eval(&y.value),
            Expr::Starred(s) => self.eval(&s.value),
            Expr::Named(n) => {
                let v = self.eval(&n.value);
                self.bind(&n.target, v.clone());
                v
            }
            Expr::Slice(s) => {
                for part in [&s.lower, &s.upper, &s.step].into_iter().flatten() {
                    self.eval(part);
                }
                Val::unknown()
            }
            Expr::TString(_) | Expr::EllipsisLiteral(_) | Expr::IpyEscapeCommand(_) => {
                Val::unknown()
            }
        }
    }

    fn name_flows(&mut self, q: &str) -> FlowSet {
        let scan = |names: &[(crate::Glob, FlowSet)]| {
            names
                .iter()
                .filter(|(g, _)| g.matches(q))
                .fold(0, |f, (_, t)| f | t)
        };
        // A few globs (the built-in rules have two) are asked faster than a cache is.
        if self.flows.names.len() <= 8 {
            return scan(&self.flows.names);
        }
        if let Some(f) = self.name_flow_cache.get(q) {
            return *f;
        }
        let f = scan(&self.flows.names);
        self.name_flow_cache.insert(q.to_string(), f);
        f
    }

    fn fstring(&mut self, f: &'a ast::ExprFString) -> Val<'a> {
        let mut text = String::new();
        let mut known = true;
        let mut flows = 0;
        // The literal pieces, seen by rules as the literals they are when the whole is not
        // known (`f"https://api.telegram.org/bot<token>/sendMessage?text={data}"`).
        let mut pieces: Vec<(&'a str, TextRange)> = Vec::new();
        for part in f.value.iter() {
            match part {
                ast::FStringPart::Literal(l) => {
                    text.push_str(l.value.as_ref());
                    pieces.push((l.value.as_ref(), l.range()));
                }
                ast::FStringPart::FString(fs) => {
                    for el in &fs.elements {
                        match el {
                            ast::InterpolatedStringElement::Literal(l) => {
                                text.push_str(&l.value);
                                pieces.push((&l.value, l.range()));
                            }
                            ast::InterpolatedStringElement::Interpolation(i) => {
                                let v = self.eval(&i.expression);
                                flows |= v.deep_flows();
                                match (&v.v, i.format_spec.is_none()) {
                                    (V::Str(s), true) => text.push_str(s),
                                    (V::Int(n), true) => text.push_str(&n.to_string()),
                                    _ => {
                                        known = false;
                                        text.push(char::REPLACEMENT_CHARACTER);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if known {
            let mut v = Val::str(&text).with_flows(flows);
            v.origin = Origin::Folded;
            v
        } else {
            let literal = !pieces.is_empty();
            for (piece, range) in pieces {
                self.string_fact(&Val::str(piece), range);
            }
            if literal {
                Val::new(V::Partial(text.into())).with_flows(flows)
            } else {
                Val::unknown().with_flows(flows)
            }
        }
    }

    fn attribute(&mut self, base: &Val<'a>, attr: &str, dynamic: bool) -> Val<'a> {
        let mut v = match &base.v {
            V::Name(q) if attr == "__name__" && q.starts_with("builtins.") => {
                Val::str(q.rsplit('.').next().unwrap_or_default())
            }
            V::Def(d) if attr == "__name__" => Val::str(d.name.as_str()),
            V::Name(q) if attr == "__dict__" => Val::new(V::Name(q.clone())),
            V::Name(q) | V::Instance(q) => self.dotted_name(q, attr),
            V::Globals if attr == "__builtins__" => Val::name("builtins"),
            V::Cipher(_) => self.dotted_name("cryptography.fernet.Fernet", attr),
            _ => self.dotted_name("?", attr),
        };
        v.dynamic = base.dynamic || dynamic;
        v.flows = base.flows;
        if let V::Name(q) = &v.v {
            let q = q.clone();
            v.flows |= self.name_flows(&q);
        }
        v
    }

    /// `base.attr` as a name, built in the reused buffer: one allocation, not two.
    fn dotted_name(&mut self, base: &str, attr: &str) -> Val<'a> {
        Val::new(V::Name(self.joined(base, attr)))
    }

    fn joined(&mut self, base: &str, attr: &str) -> Rc<str> {
        let mut key = std::mem::take(&mut self.key_buf);
        key.clear();
        key.push_str(base);
        key.push('.');
        key.push_str(attr);
        let q = Rc::from(key.as_str());
        self.key_buf = key;
        q
    }

    /// A string's characters, kept for the next index or `len()`: decoding loops index one
    /// string character by character, which would otherwise cost O(n) per step.
    fn chars_of(&mut self, s: &Rc<str>) -> CharsOf {
        if let Some((_, chars)) = self.chars_cache.iter().find(|(k, _)| Rc::ptr_eq(k, s)) {
            return chars.clone();
        }
        let chars: CharsOf = (!s.is_ascii()).then(|| s.chars().collect());
        if self.chars_cache.len() == CHARS_CACHE_ENTRIES {
            self.chars_cache.remove(0);
        }
        self.chars_cache.push((s.clone(), chars.clone()));
        chars
    }

    fn subscript(&mut self, s: &'a ast::ExprSubscript) -> Val<'a> {
        let base = self.eval(&s.value);
        if let Expr::Slice(sl) = &*s.slice {
            let lower = sl.lower.as_ref().map(|x| self.eval(x));
            let upper = sl.upper.as_ref().map(|x| self.eval(x));
            let step = sl.step.as_ref().map(|x| self.eval(x));
            return self.slice(&base, lower, upper, step);
        }
        let idx = self.eval(&s.slice);
        let flows = base.flows | idx.flows;
        if !is_constant(&idx) {
            // `{...}[k]`, `[...][i]` with a key that does not fold: any item may be the value.
            let count = match &base.v {
                V::Dict(items) => items.len(),
                V::List(items) => items.len(),
                _ => 0,
            };
            if count > 0 {
                if let Some(choice) = self.unknown_choice(std::ptr::from_ref(s) as usize, count) {
                    let mut v = match &base.v {
                        V::Dict(items) => items[choice].1.clone(),
                        V::List(items) => items[choice].clone(),
                        _ => Val::unknown(),
                    };
                    v.flows |= flows;
                    return v;
                }
            }
        }
        let key = idx.as_str().map(str::to_string);
        let mut out = match (&base.v, &key) {
            (V::Globals, Some(k)) => {
                let mut v = if k == "__builtins__" {
                    Val::name("builtins")
                } else {
                    self.lookup(k)
                };
                v.dynamic = true;
                v
            }
            (V::Name(q), Some(k)) if &**q == "sys.modules" => {
                let mut v = Val::name(k);
                v.dynamic = true;
                v
            }
            (V::Name(q), Some(k)) if &**q == "builtins" || q.ends_with(".__dict__") => {
                let mut v = Val::name(&format!("{}.{k}", q.trim_end_matches(".__dict__")));
                v.dynamic = true;
                v
            }
            (V::Dict(items), _) => items
                .iter()
                .find(|(k, _)| same_key(k, &idx))
                .map_or_else(Val::unknown, |(_, v)| v.clone()),
            (V::Str(s), _) => match idx.as_int() {
                Some(i) => {
                    // Decoding loops index one string character by character: its shape (ASCII,
                    // indexed in O(1), or its characters) is kept for the next index.
                    let chars = self.chars_of(s);
                    let ch = match &chars {
                        None => s.as_bytes().get(norm_index(i, s.len())).map(|&b| b as char),
                        Some(chars) => chars.get(norm_index(i, chars.len())).copied(),
                    };
                    ch.map_or_else(Val::unknown, |c| Val::str(c.encode_utf8(&mut [0; 4])))
                }
                None => Val::unknown(),
            },
            (V::Bytes(b), _) => match idx.as_int() {
                Some(i) => b
                    .get(norm_index(i, b.len()))
                    .map_or_else(Val::unknown, |&x| Val::new(V::Int(i64::from(x)))),
                None => Val::unknown(),
            },
            (V::List(items), _) => match idx.as_int() {
                Some(i) => items
                    .get(norm_index(i, items.len()))
                    .cloned()
                    .unwrap_or_else(Val::unknown),
                None => Val::unknown(),
            },
            (&V::Range(start, stop, step), _) => match idx.as_int() {
                Some(i) => range_item(start, stop, step, i)
                    .map_or_else(Val::unknown, |x| Val::new(V::Int(x))),
                None => Val::unknown(),
            },
            _ => Val::unknown(),
        };
        out.flows |= flows;
        if matches!(base.v, V::Str(_) | V::Bytes(_)) && out.is_known() {
            // A character of decoded text is still decoded text (a decoding loop's input).
            out.chain = base.chain.clone();
            out.origin = out.origin.max(base.origin);
        }
        if out.is_known() && idx.origin == Origin::Obfuscated {
            // `SUBST[PLAIN.index(c)]`: a character picked by a computed position.
            out.origin = Origin::Obfuscated;
        }
        out
    }

    fn slice(
        &mut self,
        base: &Val<'a>,
        lower: Option<Val<'a>>,
        upper: Option<Val<'a>>,
        step: Option<Val<'a>>,
    ) -> Val<'a> {
        let int = |v: &Option<Val<'a>>| -> Result<Option<i64>, ()> {
            match v {
                None => Ok(None),
                Some(v) => match (&v.v, v.as_int()) {
                    (V::None, _) => Ok(None),
                    (_, Some(i)) => Ok(Some(i)),
                    _ => Err(()),
                },
            }
        };
        let (Ok(lo), Ok(hi), Ok(st)) = (int(&lower), int(&upper), int(&step)) else {
            return Val::unknown().with_flows(base.flows);
        };
        let st = st.unwrap_or(1);
        if st == 0 {
            return Val::unknown();
        }
        let reverse = st == -1 && lo.is_none() && hi.is_none();
        let pick = |n: usize| -> Vec<usize> { py_slice(n, lo, hi, st) };
        let mut out = match &base.v {
            V::Str(s) => {
                let chars: Vec<char> = s.chars().collect();
                Val::str(
                    &pick(chars.len())
                        .into_iter()
                        .map(|i| chars[i])
                        .collect::<String>(),
                )
            }
            V::Bytes(b) => Val::new(V::Bytes(
                pick(b.len())
                    .into_iter()
                    .map(|i| b[i])
                    .collect::<Vec<u8>>()
                    .into(),
            )),
            V::List(items) => Val::new(V::List(Rc::new(
                pick(items.len())
                    .into_iter()
                    .map(|i| items[i].clone())
                    .collect(),
            ))),
            &V::Range(start, stop, step) if range_len(start, stop, step) <= MAX_ITEMS => {
                let ints: Vec<i64> = range_ints(start, stop, step).collect();
                Val::new(V::List(Rc::new(
                    pick(ints.len())
                        .into_iter()
                        .map(|i| Val::new(V::Int(ints[i])))
                        .collect(),
                )))
            }
            _ => return Val::unknown().with_flows(base.flows),
        };
        out.flows = base.flows;
        out.origin = base.origin.max(if reverse {
            Origin::Obfuscated
        } else {
            Origin::Folded
        });
        out.chain = base.chain.clone();
        out.payload_from(base);
        if reverse {
            out.chain.push(Step::Reverse);
        }
        out
    }

    fn binop(&mut self, l: Val<'a>, op: Operator, r: Val<'a>) -> Val<'a> {
        // `"%s;%s" % (user, host)`: the data formatted in sits inside the tuple.
        let flows = if op == Operator::Mod {
            l.flows | r.deep_flows()
        } else {
            l.flows | r.flows
        };
        let max = self.budget.max_value;
        let folded = match (&l.v, op, &r.v) {
            (V::Str(a), Operator::Add, V::Str(b)) if a.len() + b.len() <= max => {
                // Decoding loops grow a string one character at a time: one exact allocation
                // (format! grew its buffer by doubling, copying the prefix each time).
                let mut s = String::with_capacity(a.len() + b.len());
                s.push_str(a);
                s.push_str(b);
                Some(V::Str(s.into()))
            }
            (V::Bytes(a), Operator::Add, V::Bytes(b)) if a.len() + b.len() <= max => {
                Some(V::Bytes([&a[..], &b[..]].concat().into()))
            }
            (V::List(a), Operator::Add, V::List(b)) if a.len() + b.len() <= MAX_ITEMS => Some(
                V::List(Rc::new(a.iter().chain(b.iter()).cloned().collect())),
            ),
            (V::Str(a), Operator::Mult, V::Int(n)) | (V::Int(n), Operator::Mult, V::Str(a))
                if *n >= 0 && a.len().saturating_mul(*n as usize) <= max =>
            {
                Some(V::Str(a.repeat(*n as usize).into()))
            }
            (V::Str(fmt), Operator::Mod, _) => percent_format(fmt, &r).map(|s| V::Str(s.into())),
            (V::Int(_) | V::Bool(_), op, V::Int(_) | V::Bool(_)) => {
                // `True*2`: bools are ints in arithmetic.
                int_op(l.as_int().unwrap_or(0), op, r.as_int().unwrap_or(0)).map(V::Int)
            }
            _ => None,
        };
        match folded {
            Some(v) => {
                let xor = op == Operator::BitXor && matches!(v, V::Int(_));
                let mut out = Val::new(v).with_flows(flows);
                out.origin = l.origin.max(r.origin).max(Origin::Folded);
                out.chain = if l.chain.len() >= r.chain.len() {
                    l.chain.clone()
                } else {
                    r.chain.clone()
                };
                if xor {
                    // `ord(c) ^ k` in a decoding loop: the chain says so once.
                    out.origin = out.origin.max(Origin::Obfuscated);
                    if out.chain.last() != Some(&Step::Xor) {
                        out.chain.push(Step::Xor);
                    }
                }
                out.dynamic = l.dynamic || r.dynamic;
                out
            }
            None => Val::unknown().with_flows(flows),
        }
    }

    fn comprehension(&mut self, elt: &'a Expr, gens: &'a [ast::Comprehension]) -> Val<'a> {
        self.push_scope();
        // First, walk once for facts, with targets unknown.
        let mut iter_vals = Vec::new();
        for g in gens {
            let it = self.eval(&g.iter);
            self.bind(&g.target, Val::unknown().with_flows(it.deep_flows()));
            for cond in &g.ifs {
                self.eval(cond);
            }
            iter_vals.push(it);
        }
        let first = self.eval(elt);
        let mut result = Val::unknown()
            .with_flows(first.flows | iter_vals.iter().fold(0, |f, v| f | v.deep_flows()));
        // Then fold, without facts, when there is one generator over a known iterable.
        if gens.len() == 1 {
            // Each item costs at least one folding step: more items than steps left can
            // never fold, so they are not built.
            if let Some(items) = iter_vals[0].iter_items(self.fold_items_max()) {
                let emit = std::mem::replace(&mut self.emit, false);
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for item in items {
                    if self.budget.timed_out {
                        ok = false;
                        break;
                    }
                    self.bind(&gens[0].target, item);
                    let mut keep = true;
                    for cond in &gens[0].ifs {
                        match self.eval(cond).v {
                            V::Bool(b) => keep &= b,
                            _ => ok = false,
                        }
                    }
                    if !ok {
                        break;
                    }
                    if keep {
                        let v = self.eval(elt);
                        if !v.is_known() {
                            ok = false;
                            break;
                        }
                        out.push(v);
                    }
                }
                self.emit = emit;
                if ok {
                    let flows = result.flows;
                    result = Val::new(V::List(Rc::new(out))).with_flows(flows);
                    let items_origin = match &result.v {
                        V::List(items) => items
                            .iter()
                            .map(|i| i.origin)
                            .max()
                            .unwrap_or(Origin::Folded),
                        _ => Origin::Folded,
                    };
                    result.origin = iter_vals[0].origin.max(items_origin).max(Origin::Folded);
                    result.chain = iter_vals[0].chain.clone();
                    if matches!(elt, Expr::BinOp(b) if b.op == Operator::BitXor) {
                        result.chain.push(Step::Xor);
                        result.origin = result.origin.max(Origin::Obfuscated);
                    }
                }
            }
        }
        self.pop_scope();
        result
    }

    // ---- calls -------------------------------------------------------------------------

    #[allow(clippy::too_many_lines)]
    fn call(&mut self, c: &'a ExprCall) -> Val<'a> {
        let (fval, mut recv, method) = match &*c.func {
            Expr::Attribute(a) if !self.is_dotted_bound(&c.func) => {
                let base = self.eval(&a.value);
                let f = self.attribute(&base, a.attr.as_str(), false);
                (f, Some(base), Some(a.attr.as_str()))
            }
            other => (self.eval(other), None, None),
        };
        if self.emit && self.nested.is_none() {
            let target = match &fval.v {
                V::Def(d) => Some(d.name.to_string()),
                V::Name(q) | V::Instance(q) if q.starts_with("<local>.") => {
                    Some(q.rsplit('.').next().unwrap_or("").to_string())
                }
                _ => None,
            };
            if let Some(t) = target {
                let caller = self.current_function();
                // Instantiating a local class runs its __init__.
                if matches!(&fval.v, V::Name(q) if q.starts_with("<local>.") && q.matches('.').count() == 1)
                {
                    self.local_calls.push((caller.clone(), "__init__".into()));
                }
                self.local_calls.push((caller, t));
            }
        }
        // Shared, not copied: the name is kept by the frame and by the result's `from`.
        let callee: Rc<str> = match &fval.v {
            V::Name(q) => q.clone(),
            V::Def(d) => self.joined("<local>", d.name.as_str()),
            V::Lambda(_) => "<lambda>".into(),
            V::Instance(q) => format!("{q}.__call__").into(),
            // A name defined nowhere in the file (`__pyarmor__(...)`, injected by a loader or a
            // star import) is known by its name alone.
            _ if method.is_none() => match &*c.func {
                Expr::Name(n) if !self.is_bound(n.id.as_str()) => n.id.as_str().into(),
                _ => "?".into(),
            },
            _ => match method {
                Some(m) => self.joined("?", m),
                None => "?".into(),
            },
        };
        // The frame is read only by facts, which folding (`emit` off) does not make.
        let framed = self.emit;
        if framed {
            self.push_frame(Frame::Call(callee.clone()));
        }
        // Whether unfolding hit the inlining bound is a question about this call's arguments:
        // a recursive helper elsewhere in the file must not mark an unrelated exec.
        let outer_limit_hit = std::mem::take(&mut self.inline_limit_hit);
        let choices_before = self.unknown_choices;
        let mut args = self.arg_bufs.pop().unwrap_or_default();
        for a in &c.arguments.args {
            let v = self.eval(a);
            if matches!(a, Expr::Starred(_)) {
                args.push(Val::unknown().with_flows(v.deep_flows()));
            } else {
                args.push(v);
            }
        }
        let mut kwargs: Vec<(Option<&'a str>, Val<'a>)> =
            Vec::with_capacity(c.arguments.keywords.len());
        for k in &c.arguments.keywords {
            let v = self.eval(&k.value);
            kwargs.push((k.arg.as_ref().map(|a| a.as_str()), v));
        }
        if self.emit && self.nested.is_none() {
            self.note_deferred_calls(&callee, &args, &kwargs);
        }
        // Folded arguments are strings the rules should see, located inside this call.
        // (Decoder results already produced their own fact.)
        for (a, v) in c.arguments.args.iter().zip(&args) {
            let decoder_call = v.origin == Origin::Decoded && matches!(a, Expr::Call(_));
            if v.origin != Origin::Literal && !decoder_call {
                self.string_fact(v, a.range());
            }
        }
        if framed {
            self.pop_frame();
        }

        let recv_flows = recv.as_ref().map_or(0, |r| r.flows);
        let arg_flows = args
            .iter()
            .chain(kwargs.iter().map(|(_, v)| v))
            .fold(0, |f, v| f | v.deep_flows());
        self.exec_payload = None;
        let arg_choices = self.unknown_choices != choices_before;
        self.call_choices = arg_choices;
        let mut result = self.apply(&callee, &fval, recv.as_ref(), method, &args, &kwargs, c);
        self.inline_limit_hit |= outer_limit_hit;
        // A function handed to another (`Thread(target=f)`, `atexit.register(f)`, a
        // callback) may run at any time: the globals it sets are unknown from here.
        for v in args.iter().chain(kwargs.iter().map(|(_, v)| v)) {
            if let V::Def(d) = v.v {
                self.forget_globals_of(d);
            }
        }
        // `setattr(obj, "name", value)` is `obj.name = value`.
        if &*callee == "builtins.setattr" {
            if let (Some(obj), [_, attr, value]) = (c.arguments.args.first(), &args[..]) {
                if is_this_module(obj) {
                    self.store_global(attr.as_str(), value.clone());
                }
            }
            if let (Some(obj), [_, attr, value]) =
                (c.arguments.args.first().and_then(dotted), &args[..])
            {
                match attr.as_str() {
                    Some(attr) => {
                        let key = format!("{obj}.{attr}");
                        self.bind_key(Cow::Owned(key), value.clone());
                    }
                    // Any attribute may have changed.
                    None => self.forget_attributes_of(&obj),
                }
            }
        }
        if let (Some(m), Expr::Attribute(a)) = (method, &*c.func) {
            if recv.as_ref().is_some_and(|r| matches!(r.v, V::Globals)) {
                self.change_namespace(None, m, &args, &kwargs);
            } else if let Some(obj) = dict_of(&a.value) {
                self.change_namespace(Some(&obj), m, &args, &kwargs);
            } else if is_mutator(m) {
                if let Some(base) = recv.take() {
                    self.changed_through(&a.value, base, |walker, place| {
                        walker.mutate(place, m, &args);
                    });
                }
            }
        }
        let mut exec_payload = self.exec_payload.take();
        if self.emit {
            // Python decoded inside an inlined helper (where nothing is emitted) is scanned
            // here, at the call that produced it; so is Python built character by character
            // (`''.join(chr(c ^ k) for c in ...)`), whether or not an exec is seen to run it:
            // the name it is bound to may be rebound on a branch that never runs, which the
            // walk cannot tell from one that does.
            self.scan_built_python(&mut result, c.range());
            // Code in a string that is written to a file or handed to a process is code too.
            let carrier = matches!(method, Some("write" | "writelines"))
                || [
                    "subprocess.",
                    "os.system",
                    "os.popen",
                    "os.exec",
                    "os.spawn",
                ]
                .iter()
                .any(|p| callee.starts_with(p));
            if carrier {
                for a in &args {
                    let mut texts = Vec::new();
                    let mut room = 8;
                    a.collect_strings(&mut texts, &mut room);
                    for t in texts {
                        if t.len() >= 40
                            && t.contains('\n')
                            && decode::looks_like_python(t.as_bytes())
                        {
                            if let Some(idx) =
                                self.nested_scan(t.as_bytes(), &a.chain.clone(), c.range())
                            {
                                exec_payload.get_or_insert(idx);
                            }
                        }
                    }
                }
            }
        }

        let payload = args.first().and_then(|a| a.payload_idx()).or(exec_payload);
        // Functions a branch may have bound the callee's name to instead (`f = os.system; if
        // sys.platform == 'plan9': f = print`): the call is theirs too.
        let mut other_callees: Vec<(Rc<str>, bool)> = Vec::new();
        if self.emit {
            for alt in self.alternatives_of(&c.func) {
                if let V::Name(q) = alt.v {
                    if q != callee && self.wants_call_fact(&q, payload) {
                        other_callees.push((q, alt.dynamic));
                    }
                }
            }
        }
        if self.emit && (!other_callees.is_empty() || self.wants_call_fact(&callee, payload)) {
            let mut arg_strings = Vec::new();
            let mut room = 64;
            for v in args.iter().chain(kwargs.iter().map(|(_, v)| v)) {
                v.collect_texts(&mut arg_strings, &mut room, true);
            }
            for e in &c.arguments.args {
                for alt in self.alternative_results(e, arg_choices) {
                    alt.collect_texts(&mut arg_strings, &mut room, true);
                }
            }
            let kw = kwargs
                .iter()
                .zip(&c.arguments.keywords)
                .filter_map(|((name, v), k)| {
                    let text = match &v.v {
                        V::Str(s) => truncate(s, 256),
                        V::Int(i) => i.to_string(),
                        V::Bool(b) => if *b { "True" } else { "False" }.to_string(),
                        V::None => "None".to_string(),
                        V::Name(q) => q.to_string(),
                        _ => truncate(self.source_text(k.value.range()), 256),
                    };
                    name.map(|n| (n.to_string(), text))
                })
                .collect();
            // Decoded code is not in the file's text: its arguments have no source range.
            let (base, located) = (self.base, self.nested.is_none());
            let arg_fact = |keyword: Option<&str>, e: &Expr, v: &Val<'a>| ArgFact {
                keyword: keyword.map(str::to_string),
                starred: matches!(e, Expr::Starred(_)),
                start: if located {
                    base + e.range().start().to_u32()
                } else {
                    0
                },
                end: if located {
                    base + e.range().end().to_u32()
                } else {
                    0
                },
                text: const_text(v),
                flows: v.deep_flows(),
                from: v.from.as_deref().map(str::to_string),
            };
            let mut arg_facts: Vec<ArgFact> = c
                .arguments
                .args
                .iter()
                .zip(&args)
                .take(MAX_ARG_FACTS)
                .map(|(e, v)| arg_fact(None, e, v))
                .collect();
            arg_facts.extend(
                c.arguments
                    .keywords
                    .iter()
                    .zip(&kwargs)
                    .take(MAX_ARG_FACTS)
                    .map(|(k, (name, v))| {
                        let mut a = arg_fact(*name, &k.value, v);
                        a.starred = name.is_none();
                        a
                    }),
            );
            // Arguments beyond the bound are unknown to patterns: a starred marker keeps a
            // strict pattern (no `...`) from matching a call it only saw part of.
            if c.arguments.args.len() > MAX_ARG_FACTS || c.arguments.keywords.len() > MAX_ARG_FACTS
            {
                arg_facts.push(ArgFact {
                    starred: true,
                    ..ArgFact::default()
                });
            }
            let fact = CallFact {
                callee: callee.to_string(),
                dynamic: fval.dynamic,
                arg_strings,
                // The data a call sends is in its arguments; the receiver's history (a client
                // built from configuration) is not what it sends.
                flows: arg_flows,
                kwargs: kw,
                args: arg_facts,
            };
            let others: Vec<CallFact> = other_callees
                .into_iter()
                .map(|(q, dynamic)| CallFact {
                    callee: q.to_string(),
                    dynamic,
                    ..fact.clone()
                })
                .collect();
            self.fact(FactKind::Call(fact), c.range(), payload);
            for other in others {
                self.fact(FactKind::Call(other), c.range(), payload);
            }
        }

        result.flows |= arg_flows | recv_flows;
        // What produced the value, for code patterns: text methods and conversions keep the
        // producer of what they convert (`b64decode(s).decode()` still comes from b64decode),
        // and an inlined helper keeps the producer of what it returned.
        let passes_through = matches!(
            method,
            Some(
                "decode" | "encode" | "strip" | "lstrip" | "rstrip" | "lower" | "upper" | "replace"
            )
        );
        let converts = matches!(
            &*callee,
            "builtins.str" | "builtins.bytes" | "builtins.bytearray"
        );
        let inherited = if passes_through {
            recv.as_ref().and_then(|r| r.from.clone())
        } else if converts {
            args.first().and_then(|a| a.from.clone())
        } else if callee.starts_with("<local>") || &*callee == "<lambda>" {
            result.from.clone()
        } else {
            None
        };
        result.from = inherited.or_else(|| Some(callee.clone()));
        self.track_files(&callee, method, recv.as_ref(), c, &mut result, arg_flows);
        // Looked up before inserting: `entry` would copy the callee at every call.
        let call_flows = match self.callee_flows.get(&*callee) {
            Some(&f) => f,
            None => {
                let f = self.flows.call_flows(&callee);
                self.callee_flows.insert(callee.clone(), f);
                f
            }
        };
        result.flows |= call_flows;
        // The text handed to eval/exec/compile is code, not a path: what it reads is found
        // when the code itself is folded.
        let takes_code = matches!(
            &*callee,
            "builtins.eval" | "builtins.exec" | "builtins.compile"
        );
        if !takes_code && self.names_secret_path(&args) {
            result.flows |= flow::SECRET;
        }
        if self.arg_bufs.len() < 32 {
            args.clear();
            self.arg_bufs.push(args);
        }
        result
    }

    /// Whether the texts in a call's arguments, alone or joined with `/`, name a secret path.
    fn names_secret_path(&mut self, args: &[Val<'a>]) -> bool {
        let set = &self.flows.secret_paths;
        if set.is_empty() || !texts_may_reach(args, set.min_len()) {
            return false;
        }
        if let [Val {
            v: V::Str(lone), ..
        }] = args
        {
            if let Some(&(_, hit)) = self.secret_memo.iter().find(|(s, _)| Rc::ptr_eq(s, lone)) {
                return hit;
            }
            let hit = set.is_match(cut(lone, 4096));
            if self.secret_memo.len() >= 8 {
                self.secret_memo.remove(0);
            }
            self.secret_memo.push((lone.clone(), hit));
            return hit;
        }
        let mut strings = Vec::new();
        let mut room = 16;
        for v in args {
            v.collect_strings(&mut strings, &mut room);
        }
        strings.iter().any(|s| set.is_match(s))
            || (strings.len() > 1 && set.is_match(&strings.join("/")))
    }

    /// Downloaded or decoded data written to a file taints the variable naming that file, so a
    /// later `chmod`/`Popen` of it carries the data's flow.
    fn track_files(
        &mut self,
        callee: &str,
        method: Option<&str>,
        recv: Option<&Val<'a>>,
        c: &'a ExprCall,
        result: &mut Val<'a>,
        arg_flows: FlowSet,
    ) {
        let arg_key = |i: usize| c.arguments.args.get(i).and_then(dotted);
        match callee {
            "builtins.open" | "io.open" | "codecs.open" => result.handle = arg_key(0).map(Rc::from),
            "urllib.request.urlretrieve" | "urllib.urlretrieve" => {
                if let Some(key) = arg_key(1) {
                    self.taint(&key, flow::NETWORK);
                }
            }
            _ => {}
        }
        if matches!(method, Some("write" | "writelines"))
            && arg_flows & (flow::NETWORK | flow::DECODED) != 0
        {
            if let Some(key) = recv.and_then(|r| r.handle.clone()) {
                self.taint(&key, arg_flows & (flow::NETWORK | flow::DECODED));
            }
        }
    }

    fn taint(&mut self, key: &str, flows: FlowSet) {
        if let Some(v) = self.scopes.iter_mut().rev().find_map(|s| s.get_mut(key)) {
            v.flows |= flows;
        } else {
            self.bind_key(
                Cow::Owned(key.to_string()),
                Val::unknown().with_flows(flows),
            );
        }
    }

    fn source_text(&self, r: TextRange) -> &'a str {
        self.text
            .get(r.start().to_usize()..r.end().to_usize())
            .unwrap_or("")
    }

    #[allow(clippy::too_many_arguments, clippy::too_many_lines)]
    fn apply(
        &mut self,
        callee: &str,
        fval: &Val<'a>,
        recv: Option<&Val<'a>>,
        method: Option<&str>,
        args: &[Val<'a>],
        kwargs: &[(Option<&'a str>, Val<'a>)],
        c: &'a ExprCall,
    ) -> Val<'a> {
        let arg = |i: usize| args.get(i);
        let kw = |name: &str| {
            kwargs
                .iter()
                .find(|(n, _)| *n == Some(name))
                .map(|(_, v)| v)
        };
        // `oct.__str__()`, `str(copyright)`: the fixed texts obfuscators take letters from.
        let text_of = |v: Option<&Val<'a>>| v.and_then(Val::qualified).and_then(builtin_text);
        if matches!(method, Some("__str__" | "__repr__")) && args.is_empty() {
            if let Some(t) = text_of(recv) {
                let mut v = Val::str(&t);
                v.origin = Origin::Obfuscated;
                return v;
            }
        }
        if matches!(callee, "builtins.str" | "builtins.repr" | "builtins.format") {
            if let Some(t) = text_of(arg(0)) {
                let mut v = Val::str(&t);
                v.origin = Origin::Obfuscated;
                return v;
            }
        }
        // User-defined decoders: apply lambdas and small functions to known arguments.
        match &fval.v {
            V::Lambda(l) => return self.inline_lambda(l, args),
            V::Def(d) => {
                let names: Vec<Option<&'a str>> = c
                    .arguments
                    .args
                    .iter()
                    .map(|a| match a {
                        Expr::Name(n) => Some(n.id.as_str()),
                        _ => None,
                    })
                    .collect();
                return self.inline_def(d, args, &names);
            }
            _ => {}
        }
        if let (
            Some(Val {
                v: V::Cipher(key), ..
            }),
            Some("decrypt"),
        ) = (recv, method)
        {
            let key = key.clone();
            return match arg(0) {
                Some(token) => self.decode_fernet(&key, token, c),
                None => Val::unknown().with_flows(flow::DECODED),
            };
        }
        if callee == "fernet.Fernet" || callee.ends_with("fernet.Fernet") {
            if let Some(k) = arg(0).and_then(Val::as_bytes) {
                return Val::new(V::Cipher(k.into()));
            }
        }
        // `str.encode(s)`, `bytes.decode(b)`, `str.join('', parts)`: unbound methods of the
        // builtin types, called with the receiver as first argument.
        if let Some(m) = callee
            .strip_prefix("builtins.str.")
            .or_else(|| callee.strip_prefix("builtins.bytes."))
        {
            if !matches!(m, "fromhex" | "maketrans") {
                if let Some(r) = arg(0).filter(|a| matches!(a.v, V::Str(_) | V::Bytes(_))) {
                    let r = r.clone();
                    return self.const_method(&r, m, &args[1..], c);
                }
            }
        }
        // `codecs.getencoder('utf-8')(s)` gives `(bytes, length)`.
        if let Some(codec) = callee.strip_prefix("codecs.getencoder.") {
            if let Some(a) = arg(0).filter(|a| matches!(a.v, V::Str(_))) {
                let r = a.clone();
                let codec = Val::str(codec);
                let enc = self.const_method(&r, "encode", std::slice::from_ref(&codec), c);
                let n = Val::new(V::Int(r.as_str().map_or(0, |s| s.chars().count()) as i64));
                return Val::new(V::List(Rc::new(vec![enc, n])));
            }
        }
        if let Some(codec) = callee.strip_prefix("codecs.getdecoder.") {
            if let Some(a) = arg(0).filter(|a| matches!(a.v, V::Bytes(_))) {
                let r = a.clone();
                let n = Val::new(V::Int(r.as_bytes().map_or(0, <[u8]>::len) as i64));
                let dec = match codec_step(codec) {
                    Some(step) => self.decode(&r, step, c),
                    None => self.const_method(&r, "decode", &[Val::str(codec)], c),
                };
                return Val::new(V::List(Rc::new(vec![dec, n])));
            }
        }
        // Methods on constants.
        if let (Some(r), Some(m)) = (recv, method) {
            if matches!(r.v, V::Str(_) | V::Bytes(_) | V::List(_) | V::Dict(_)) {
                return self.const_method(r, m, args, c);
            }
        }
        match callee {
            "builtins.__import__" | "importlib.import_module" | "importlib.__import__" => {
                if let Some(m) = arg(0).and_then(Val::as_str) {
                    let m = m.to_string();
                    self.fact(FactKind::Import(m.clone()), c.range(), None);
                    let mut v = Val::name(&m);
                    v.dynamic = true;
                    return v;
                }
                Val::unknown()
            }
            "builtins.getattr" => match (arg(0), arg(1)) {
                (Some(obj), Some(name)) if name.as_str().is_some() => {
                    let dynamic = name.origin != Origin::Literal || obj.dynamic;
                    let n = name.as_str().unwrap_or_default().to_string();
                    let mut v = match &obj.v {
                        V::Globals => self.lookup(&n),
                        _ => self.attribute(obj, &n, dynamic),
                    };
                    v.dynamic |= dynamic;
                    v
                }
                _ => Val::unknown(),
            },
            "builtins.globals" | "builtins.locals" | "builtins.vars" if args.is_empty() => {
                Val::new(V::Globals)
            }
            "builtins.chr" => match arg(0).and_then(Val::as_int) {
                Some(i) => char::from_u32(i as u32).map_or_else(Val::unknown, |ch| {
                    let mut v = folded(V::Str((&*ch.encode_utf8(&mut [0; 4])).into()));
                    v.origin = Origin::Obfuscated.max(arg(0).map_or(Origin::Literal, |a| a.origin));
                    v.chain = arg(0).map(|a| a.chain.clone()).unwrap_or_default();
                    v
                }),
                None => Val::unknown(),
            },
            "builtins.ord" => {
                // One character, or one byte (`ord(b"\xff")` is 255, not U+FFFD).
                let mut v = match arg(0).map(|a| &a.v) {
                    Some(V::Str(s)) => {
                        let mut cs = s.chars();
                        match (cs.next(), cs.next()) {
                            (Some(c), None) => Val::new(V::Int(i64::from(u32::from(c)))),
                            _ => Val::unknown(),
                        }
                    }
                    Some(V::Bytes(b)) if b.len() == 1 => Val::new(V::Int(i64::from(b[0]))),
                    _ => Val::unknown(),
                };
                if let (true, Some(a)) = (v.is_known(), arg(0)) {
                    v.chain = a.chain.clone();
                    v.origin = a.origin;
                }
                v
            }
            "builtins.isinstance" => {
                let ty = arg(0).and_then(|a| match &a.v {
                    V::Str(_) => Some("builtins.str"),
                    V::Bytes(_) => Some("builtins.bytes"),
                    V::Int(_) => Some("builtins.int"),
                    V::Dict(_) => Some("builtins.dict"),
                    _ => None,
                });
                match (ty, arg(1).and_then(Val::qualified)) {
                    (Some(ty), Some(want)) if want.starts_with("builtins.") => {
                        Val::new(V::Bool(ty == want || want == "builtins.object"))
                    }
                    _ => Val::unknown(),
                }
            }
            "codecs.getencoder" | "codecs.getdecoder" => match arg(0).and_then(Val::as_str) {
                Some(codec) => Val::name(&format!("{callee}.{}", codec.replace('.', "_"))),
                None => Val::unknown(),
            },
            "builtins.bytes" | "builtins.bytearray" => match arg(0) {
                None => Val::new(V::Bytes(Rc::from(Vec::new()))),
                Some(a) => {
                    let mut out = match &a.v {
                        V::Bytes(_) => a.clone(),
                        V::Str(s) => Val::new(V::Bytes(s.as_bytes().into())),
                        V::List(items) => match items
                            .iter()
                            .map(|i| i.as_int().and_then(|x| u8::try_from(x).ok()))
                            .collect::<Option<Vec<u8>>>()
                        {
                            Some(b) => Val::new(V::Bytes(b.into())),
                            None => Val::unknown(),
                        },
                        &V::Range(start, stop, step) if range_len(start, stop, step) <= 256 => {
                            match range_ints(start, stop, step)
                                .map(|x| u8::try_from(x).ok())
                                .collect::<Option<Vec<u8>>>()
                            {
                                Some(b) => Val::new(V::Bytes(b.into())),
                                None => Val::unknown(),
                            }
                        }
                        _ => Val::unknown(),
                    };
                    if out.is_known() {
                        // Bytes spelled out as integers are text kept out of sight.
                        let spelled = if matches!(a.v, V::List(_) | V::Range(..)) {
                            Origin::Obfuscated
                        } else {
                            Origin::Folded
                        };
                        out.origin = a.origin.max(spelled);
                        out.chain = a.chain.clone();
                        out.payload_from(a);
                    }
                    out
                }
            },
            "builtins.str" => match arg(0) {
                Some(a) if matches!(a.v, V::Str(_)) => a.clone(),
                Some(a) if matches!(a.v, V::Bytes(_)) && args.len() >= 2 => {
                    let mut v = a.clone();
                    v.v = V::Str(lossy(a.as_bytes().unwrap_or_default()).into());
                    v
                }
                // Python spells booleans out: str(True) is 'True', not '1'.
                Some(Val { v: V::Bool(b), .. }) => {
                    folded(V::Str(if *b { "True" } else { "False" }.into()))
                }
                Some(a) => a
                    .as_int()
                    .map_or_else(Val::unknown, |i| folded(V::Str(i.to_string().into()))),
                None => Val::str(""),
            },
            "builtins.list" | "builtins.tuple" | "builtins.set" | "builtins.sorted"
            | "builtins.reversed" => {
                match arg(0).and_then(|a| a.iter_items(MAX_ITEMS).map(|items| (a, items))) {
                    Some((a, mut items)) => {
                        if callee == "builtins.reversed" {
                            items.reverse();
                        }
                        let mut v = folded(V::List(Rc::new(items)));
                        v.chain = a.chain.clone();
                        if callee == "builtins.reversed" {
                            v.chain.push(Step::Reverse);
                        }
                        v
                    }
                    None => Val::unknown(),
                }
            }
            "builtins.enumerate" => {
                let start = arg(1).and_then(Val::as_int).unwrap_or(0);
                match arg(0).and_then(|a| a.iter_items(MAX_ITEMS)) {
                    Some(items) => folded(V::List(Rc::new(
                        items
                            .into_iter()
                            .zip(start..)
                            .map(|(v, i)| Val::new(V::List(Rc::new(vec![Val::new(V::Int(i)), v]))))
                            .collect(),
                    ))),
                    None => Val::unknown(),
                }
            }
            "builtins.zip" if !args.is_empty() => {
                let lists: Option<Vec<Vec<Val<'a>>>> =
                    args.iter().map(|a| a.iter_items(MAX_ITEMS)).collect();
                match lists {
                    Some(lists) => {
                        let n = lists.iter().map(Vec::len).min().unwrap_or(0);
                        folded(V::List(Rc::new(
                            (0..n)
                                .map(|i| {
                                    Val::new(V::List(Rc::new(
                                        lists.iter().map(|l| l[i].clone()).collect(),
                                    )))
                                })
                                .collect(),
                        )))
                    }
                    None => Val::unknown(),
                }
            }
            "builtins.map" => match (arg(0), arg(1).and_then(|a| a.iter_items(MAX_ITEMS))) {
                (Some(f), Some(items)) => {
                    let emit = std::mem::replace(&mut self.emit, false);
                    let mut out = Vec::with_capacity(items.len());
                    let mut ok = true;
                    for item in items {
                        let v = self.apply_value(f, vec![item], c);
                        if !v.is_known() || self.budget.timed_out {
                            ok = false;
                            break;
                        }
                        out.push(v);
                    }
                    self.emit = emit;
                    if ok {
                        let origin = out
                            .iter()
                            .map(|i| i.origin)
                            .fold(Origin::Folded, Origin::max);
                        let mut v = folded(V::List(Rc::new(out)));
                        v.origin = origin;
                        v
                    } else {
                        Val::unknown()
                    }
                }
                _ => Val::unknown(),
            },
            "builtins.int" => match (arg(0), arg(1).and_then(Val::as_int)) {
                (Some(a), base) => match (&a.v, base) {
                    (V::Int(i), None) => Val::new(V::Int(*i)),
                    (V::Str(s), b) => i64::from_str_radix(s.trim(), b.unwrap_or(10) as u32)
                        .map_or_else(|_| Val::unknown(), |i| Val::new(V::Int(i))),
                    _ => Val::unknown(),
                },
                _ => Val::new(V::Int(0)),
            },
            "builtins.len" => match arg(0).map(|a| &a.v) {
                Some(V::Str(s)) if s.len() < 256 => Val::new(V::Int(s.chars().count() as i64)),
                Some(V::Str(s)) => {
                    let s = s.clone();
                    let n = self.chars_of(&s).map_or(s.len(), |c| c.len());
                    Val::new(V::Int(n as i64))
                }
                Some(V::Bytes(b)) => Val::new(V::Int(b.len() as i64)),
                Some(V::List(l)) => Val::new(V::Int(l.len() as i64)),
                Some(&V::Range(a, b, s)) => Val::new(V::Int(range_len(a, b, s) as i64)),
                _ => Val::unknown(),
            },
            "builtins.range" => {
                let ints: Option<Vec<i64>> = args.iter().map(Val::as_int).collect();
                match ints.as_deref() {
                    Some(&[n]) => range_list(0, n, 1),
                    Some(&[a, b]) => range_list(a, b, 1),
                    Some(&[a, b, s]) => range_list(a, b, s),
                    _ => Val::unknown(),
                }
            }
            "builtins.str.maketrans" => {
                match (arg(0).and_then(Val::as_str), arg(1).and_then(Val::as_str)) {
                    (Some(a), Some(b)) if a.chars().count() == b.chars().count() => {
                        let items = a
                            .chars()
                            .zip(b.chars())
                            .map(|(x, y)| (Val::new(V::Int(x as i64)), Val::new(V::Int(y as i64))))
                            .collect();
                        Val::new(V::Dict(Rc::new(items)))
                    }
                    _ => Val::unknown(),
                }
            }
            "builtins.compile" => arg(0).cloned().map_or_else(Val::unknown, |a| {
                self.exec_sink(&a, c);
                a
            }),
            "builtins.exec" | "builtins.eval" | "builtins.execfile" => {
                if let Some(a) = arg(0) {
                    self.exec_sink(a, c);
                    if callee == "builtins.eval" {
                        if let Some(v) = self.fold_eval(a) {
                            return v;
                        }
                    }
                    if !a.is_known() && std::mem::take(&mut self.inline_limit_hit) {
                        // Code that reaches exec through a decoder ferret could not finish
                        // unfolding (it recurses past the inlining bound): say so.
                        let (start, end) = self.abs(c.range());
                        self.out.issues.push(SourceIssue {
                            code: "decode-depth",
                            start,
                            end,
                            detail: format!("the code passed to exec comes from a function that calls itself more than {MAX_INLINE} levels deep; not unfolded"),
                            incomplete: true,
                        });
                    }
                }
                Val::unknown()
            }
            "codecs.decode" | "codecs.encode" => {
                let codec = arg(1)
                    .or_else(|| kw("encoding"))
                    .and_then(Val::as_str)
                    .unwrap_or("utf-8")
                    .to_string();
                match (arg(0), codec_step(&codec)) {
                    (Some(a), Some(step)) => self.decode(a, step, c),
                    (Some(a), None) if callee == "codecs.decode" && matches!(a.v, V::Bytes(_)) => {
                        let mut v = a.clone();
                        v.v = V::Str(lossy(a.as_bytes().unwrap_or_default()).into());
                        v
                    }
                    _ => Val::unknown(),
                }
            }
            "base64.b64decode" if kw("altchars").is_some() || args.len() > 1 => {
                Val::unknown().with_flows(flow::DECODED)
            }
            "base64.urlsafe_b64decode" => match arg(0) {
                Some(a) => self.decode_with(a, Step::Base64, true, c),
                None => Val::unknown(),
            },
            _ => {
                if let Some(step) = decoder_step(callee) {
                    return match arg(0) {
                        Some(a) => self.decode(a, step, c),
                        None => Val::unknown().with_flows(flow::DECODED),
                    };
                }
                match &fval.v {
                    V::Name(q) if !q.starts_with("?.") => Val::new(V::Instance(q.clone())),
                    _ => Val::unknown(),
                }
            }
        }
    }

    /// Calls a function value (builtin name or lambda) on arguments, without facts.
    fn apply_value(&mut self, f: &Val<'a>, args: Vec<Val<'a>>, c: &'a ExprCall) -> Val<'a> {
        match &f.v {
            V::Lambda(l) => self.inline_lambda(l, &args),
            V::Def(d) => self.inline_def(d, &args, &[]),
            V::Name(q) => {
                let q = q.to_string();
                self.apply(&q, f, None, None, &args, &[], c)
            }
            _ => Val::unknown(),
        }
    }

    fn const_method(&mut self, r: &Val<'a>, m: &str, args: &[Val<'a>], c: &'a ExprCall) -> Val<'a> {
        let arg = |i: usize| args.get(i);
        let keep = |mut v: Val<'a>| {
            v.flows |= r.flows;
            v.chain = r.chain.clone();
            v.origin = r.origin.max(Origin::Folded);
            v.payload_from(r);
            v
        };
        match (&r.v, m) {
            (V::Str(sep), "join") => {
                match arg(0).and_then(|a| a.iter_items(MAX_ITEMS).map(|i| (a, i))) {
                    Some((a, items)) => {
                        let parts: Option<Vec<String>> = items
                            .iter()
                            .map(|i| i.as_str().map(str::to_string))
                            .collect();
                        match parts {
                            Some(p)
                                if p.iter().map(String::len).sum::<usize>()
                                    <= self.budget.max_value =>
                            {
                                let mut v = keep(Val::str(&p.join(sep)));
                                // The longest decoding history among the list and its parts.
                                v.chain = items
                                    .iter()
                                    .map(|i| &i.chain)
                                    .fold(
                                        &a.chain,
                                        |best, c| {
                                            if c.len() > best.len() {
                                                c
                                            } else {
                                                best
                                            }
                                        },
                                    )
                                    .clone();
                                v.flows |= a.deep_flows();
                                v.origin = items
                                    .iter()
                                    .map(|i| i.origin)
                                    .fold(v.origin.max(a.origin), Origin::max);
                                v
                            }
                            _ => Val::unknown(),
                        }
                    }
                    None => Val::unknown(),
                }
            }
            (V::Bytes(sep), "join") => match arg(0).and_then(|a| a.iter_items(MAX_ITEMS)) {
                Some(items) => {
                    let parts: Option<Vec<Vec<u8>>> = items
                        .iter()
                        .map(|i| match &i.v {
                            V::Bytes(b) => Some(b.to_vec()),
                            _ => None,
                        })
                        .collect();
                    parts.map_or_else(Val::unknown, |p| {
                        keep(Val::new(V::Bytes(p.join(&sep[..]).into())))
                    })
                }
                None => Val::unknown(),
            },
            (V::Bytes(b), "decode") => {
                let codec = arg(0).and_then(Val::as_str).unwrap_or("utf-8").to_string();
                match codec_step(&codec) {
                    Some(step) => self.decode(r, step, c),
                    None => {
                        let text = if codec.to_ascii_lowercase().contains("utf-16")
                            || codec.to_ascii_lowercase().contains("utf16")
                        {
                            let units = b.chunks_exact(2).map(|x| u16::from_le_bytes([x[0], x[1]]));
                            char::decode_utf16(units)
                                .map(|c| c.unwrap_or('\u{FFFD}'))
                                .collect()
                        } else if matches!(
                            codec.to_ascii_lowercase().as_str(),
                            "latin-1" | "latin1" | "iso-8859-1"
                        ) {
                            b.iter().map(|&x| x as char).collect()
                        } else {
                            lossy(b).into_owned()
                        };
                        keep(Val::str(&text))
                    }
                }
            }
            (V::Str(s), "encode") => match arg(0).and_then(Val::as_str).and_then(codec_step) {
                Some(Step::Rot13) => self.decode(r, Step::Rot13, c),
                _ => keep(Val::new(V::Bytes(s.as_bytes().into()))),
            },
            (V::Str(s), "replace") => {
                match (arg(0).and_then(Val::as_str), arg(1).and_then(Val::as_str)) {
                    (Some(a), Some(b))
                        if !a.is_empty()
                            && s.len().saturating_mul(b.len().max(1)) <= self.budget.max_value =>
                    {
                        keep(Val::str(&s.replace(a, b)))
                    }
                    _ => Val::unknown(),
                }
            }
            (V::Bytes(s), "replace") => match (
                arg(0).and_then(Val::as_bytes),
                arg(1).and_then(Val::as_bytes),
            ) {
                (Some(a), Some(b)) if !a.is_empty() => {
                    keep(Val::new(V::Bytes(bytes_replace(s, a, b).into())))
                }
                _ => Val::unknown(),
            },
            (V::Str(s), "translate") => match arg(0).map(|a| &a.v) {
                Some(V::Dict(table)) => {
                    let map: HashMap<i64, Option<String>> = table
                        .iter()
                        .filter_map(|(k, v)| {
                            let k = k.as_int()?;
                            let v = match &v.v {
                                V::Int(i) => char::from_u32(*i as u32).map(|c| c.to_string()),
                                V::Str(s) => Some(s.to_string()),
                                _ => None,
                            };
                            Some((k, v))
                        })
                        .collect();
                    let out: String = s
                        .chars()
                        .filter_map(|ch| match map.get(&(ch as i64)) {
                            Some(Some(rep)) => Some(rep.clone()),
                            Some(None) => None,
                            None => Some(ch.to_string()),
                        })
                        .collect();
                    let mut v = keep(Val::str(&out));
                    v.origin = v.origin.max(Origin::Obfuscated);
                    v
                }
                _ => Val::unknown(),
            },
            // `table.index(c)`: substitution ciphers look characters up in an alphabet.
            (V::Str(s), "index" | "find" | "rindex" | "rfind") => {
                match arg(0).and_then(Val::as_str).filter(|_| args.len() == 1) {
                    Some(needle) => {
                        let at = if m.starts_with('r') {
                            s.rfind(needle)
                        } else {
                            s.find(needle)
                        };
                        match at {
                            Some(b) => {
                                let mut v = keep(Val::new(V::Int(s[..b].chars().count() as i64)));
                                v.origin = Origin::Obfuscated;
                                v
                            }
                            None if m.ends_with("find") => keep(Val::new(V::Int(-1))),
                            None => Val::unknown(),
                        }
                    }
                    None => Val::unknown(),
                }
            }
            (V::List(items), "index") if args.len() == 1 => match arg(0) {
                Some(x) if x.is_known() => items
                    .iter()
                    .position(|i| same_key(i, x))
                    .map_or_else(Val::unknown, |p| keep(Val::new(V::Int(p as i64)))),
                _ => Val::unknown(),
            },
            (V::Str(s), "upper") => keep(Val::str(&s.to_uppercase())),
            (V::Str(s), "lower") => keep(Val::str(&s.to_lowercase())),
            (V::Str(s), "strip") => keep(Val::str(s.trim())),
            (V::Str(s), "lstrip") => keep(Val::str(s.trim_start())),
            (V::Str(s), "rstrip") => keep(Val::str(s.trim_end())),
            (V::Bytes(b), "strip") => keep(Val::new(V::Bytes(b.trim_ascii().into()))),
            (V::Bytes(b), "hex") => keep(Val::str(
                &b.iter().map(|x| format!("{x:02x}")).collect::<String>(),
            )),
            (V::Str(s), "split") => {
                let parts: Vec<Val<'a>> = match arg(0).and_then(Val::as_str) {
                    Some(sep) if !sep.is_empty() => s.split(sep).map(Val::str).collect(),
                    _ => s.split_whitespace().map(Val::str).collect(),
                };
                keep(Val::new(V::List(Rc::new(parts))))
            }
            (V::Str(s), "format") => {
                let mut out = String::new();
                let mut rest: &str = s;
                let mut next = 0usize;
                while let Some(i) = rest.find('{') {
                    out.push_str(&rest[..i]);
                    let Some(j) = rest[i..].find('}') else {
                        return Val::unknown();
                    };
                    let spec = &rest[i + 1..i + j];
                    // `{0!r}` / `{:>4}`: keep the field, honour !r for strings.
                    let (field, repr) = match spec.split_once('!') {
                        Some((f, conv)) => (f, conv.starts_with('r')),
                        None => (spec.split(':').next().unwrap_or(spec), false),
                    };
                    let idx = if field.is_empty() {
                        next += 1;
                        next - 1
                    } else if let Ok(n) = field.parse::<usize>() {
                        n
                    } else {
                        return Val::unknown();
                    };
                    match args.get(idx).map(|a| &a.v) {
                        Some(V::Str(a)) if repr => out.push_str(&format!("'{a}'")),
                        Some(V::Str(a)) => out.push_str(a),
                        Some(V::Int(n)) => out.push_str(&n.to_string()),
                        _ => return Val::unknown(),
                    }
                    rest = &rest[i + j + 1..];
                }
                out.push_str(rest);
                let mut v = keep(Val::str(&out));
                v.flows |= args.iter().fold(0, |f, a| f | a.flows);
                v
            }
            (V::Dict(items), "get") => match arg(0) {
                // A key that does not fold: any value, or the default, may be the result.
                Some(k) if !is_constant(k) => {
                    let node = std::ptr::from_ref(c) as usize;
                    let count = items.len() + usize::from(arg(1).is_some());
                    match self.unknown_choice(node, count) {
                        Some(i) if i < items.len() => items[i].1.clone(),
                        _ => arg(1).cloned().unwrap_or_else(Val::unknown),
                    }
                }
                Some(k) => items.iter().find(|(kk, _)| same_key(kk, k)).map_or_else(
                    || arg(1).cloned().unwrap_or_else(Val::unknown),
                    |(_, v)| v.clone(),
                ),
                None => Val::unknown(),
            },
            _ => Val::unknown().with_flows(r.flows),
        }
    }

    fn inline_lambda(&mut self, l: &'a ast::ExprLambda, args: &[Val<'a>]) -> Val<'a> {
        if self.inline_depth >= MAX_INLINE {
            self.inline_limit_hit = true;
            return Val::unknown();
        }
        self.inline_depth += 1;
        let emit = std::mem::replace(&mut self.emit, false);
        self.push_scope();
        if let Some(p) = &l.parameters {
            for (i, param) in p.posonlyargs.iter().chain(&p.args).enumerate() {
                self.bind_name(
                    param.parameter.name.as_str(),
                    args.get(i).cloned().unwrap_or_else(Val::unknown),
                );
            }
        }
        let v = self.eval(&l.body);
        self.pop_scope();
        self.emit = emit;
        self.inline_depth -= 1;
        v
    }

    /// Applies a small function (assignments, expression statements, a return) to arguments.
    /// `arg_names`: the names passed as positional arguments, whose attributes the function
    /// may set through its parameters (`def f(o): o.code = ...; f(k)` sets `k.code`).
    fn inline_def(
        &mut self,
        d: &'a ast::StmtFunctionDef,
        args: &[Val<'a>],
        arg_names: &[Option<&'a str>],
    ) -> Val<'a> {
        if self.inline_depth >= MAX_INLINE || d.body.len() > 20 {
            self.inline_limit_hit |= self.inline_depth >= MAX_INLINE;
            // Not run: what it may set is unknown after the call.
            self.forget_globals_of(d);
            if arg_names.iter().any(Option::is_some) && self.stores_param_attrs(d) {
                for x in arg_names.iter().flatten() {
                    self.forget_attributes_of(x);
                }
            }
            return Val::unknown();
        }
        self.inline_depth += 1;
        let emit = std::mem::replace(&mut self.emit, false);
        self.push_scope();
        for (i, param) in d
            .parameters
            .posonlyargs
            .iter()
            .chain(&d.parameters.args)
            .enumerate()
        {
            self.bind_name(
                param.parameter.name.as_str(),
                args.get(i).cloned().unwrap_or_else(Val::unknown),
            );
        }
        let mut stopped = false;
        let result = match self.inline_body(&d.body) {
            Flow::Return(v) => v,
            Flow::Next => Val::unknown(),
            // Outside a loop only in code that does not compile.
            Flow::Stop | Flow::Break | Flow::Continue => {
                // Run in part: the globals it sets may have other values in the end.
                self.forget_globals_of(d);
                stopped = true;
                Val::unknown()
            }
        };
        // Attributes set through parameters are the arguments' (the objects are shared).
        let mut set: Vec<(String, Val<'a>)> = Vec::new();
        let mut touched: Vec<&'a str> = Vec::new();
        if arg_names.iter().any(Option::is_some) && self.stores_param_attrs(d) {
            let params = d.parameters.posonlyargs.iter().chain(&d.parameters.args);
            for (p, x) in params.zip(arg_names) {
                let (Some(x), Some(top)) = (x, self.scopes.last()) else {
                    continue;
                };
                touched.push(x);
                for (k, v) in top {
                    let rest = k
                        .strip_prefix(p.parameter.name.as_str())
                        .and_then(|r| r.strip_prefix('.'));
                    if let Some(rest) = rest {
                        set.push((format!("{x}.{rest}"), v.clone()));
                    }
                }
            }
        }
        self.pop_scope();
        if stopped {
            for x in touched {
                self.forget_attributes_of(x);
            }
        } else {
            for (k, v) in set {
                self.bind_key(Cow::Owned(k), v);
            }
        }
        self.emit = emit;
        self.inline_depth -= 1;
        result
    }

    /// Whether a function assigns attributes of its parameters (`o.code = ...`).
    fn stores_param_attrs(&mut self, d: &'a ast::StmtFunctionDef) -> bool {
        let key = std::ptr::from_ref(d) as usize;
        if let Some(&b) = self.def_attr_stores.get(&key) {
            return b;
        }
        let params: Vec<&str> = d
            .parameters
            .posonlyargs
            .iter()
            .chain(&d.parameters.args)
            .map(|p| p.parameter.name.as_str())
            .collect();
        let b = stored_attribute_bases(&d.body)
            .iter()
            .any(|n| params.contains(n));
        self.def_attr_stores.insert(key, b);
        b
    }

    /// Runs statements of an inlined function: assignments, `if` on a known condition and
    /// `for` over a known iterable (each iteration paid from the folding budget), `return`.
    fn inline_body(&mut self, body: &'a [Stmt]) -> Flow<'a> {
        if !self.enter() {
            return Flow::Stop;
        }
        let flow = stacker::maybe_grow(128 * 1024, 4 << 20, || self.inline_body_inner(body));
        self.depth -= 1;
        flow
    }

    fn inline_body_inner(&mut self, body: &'a [Stmt]) -> Flow<'a> {
        for s in body {
            if self.budget.timed_out || self.budget.fold_steps == 0 {
                return Flow::Stop;
            }
            match s {
                Stmt::Assign(a) => {
                    let v = self.eval(&a.value);
                    for t in &a.targets {
                        self.bind(t, v.clone());
                    }
                }
                Stmt::AugAssign(a) => {
                    let cur = self.eval(&a.target);
                    let rhs = self.eval(&a.value);
                    self.aug_assign(&a.target, cur, a.op, rhs);
                }
                Stmt::Import(_) | Stmt::ImportFrom(_) => self.stmt(s),
                Stmt::Global(g) => {
                    let top = self.scopes.len().saturating_sub(1);
                    for n in &g.names {
                        self.scope_globals.push((top, n.as_str(), true));
                    }
                }
                Stmt::Nonlocal(g) => {
                    let top = self.scopes.len().saturating_sub(1);
                    for n in &g.names {
                        self.scope_globals.push((top, n.as_str(), false));
                    }
                }
                Stmt::Expr(e) if matches!(&*e.value, Expr::StringLiteral(_)) => {}
                Stmt::Expr(e) if matches!(&*e.value, Expr::Call(c) if mutator_receiver(c).is_some()) =>
                {
                    self.eval(&e.value);
                }
                Stmt::Pass(_) => {}
                Stmt::Break(_) => return Flow::Break,
                Stmt::Continue(_) => return Flow::Continue,
                Stmt::Return(r) => {
                    return Flow::Return(
                        r.value.as_ref().map_or_else(Val::unknown, |v| self.eval(v)),
                    );
                }
                Stmt::If(i) => {
                    let mut branch = None;
                    match truthy(&self.eval(&i.test)) {
                        Some(true) => branch = Some(&i.body),
                        Some(false) => {
                            for clause in &i.elif_else_clauses {
                                let take = match &clause.test {
                                    None => Some(true),
                                    Some(t) => truthy(&self.eval(t)),
                                };
                                match take {
                                    Some(true) => {
                                        branch = Some(&clause.body);
                                        break;
                                    }
                                    Some(false) => {}
                                    None => return Flow::Stop,
                                }
                            }
                        }
                        None => return Flow::Stop,
                    }
                    if let Some(b) = branch {
                        match self.inline_body(b) {
                            Flow::Next => {}
                            other => return other,
                        }
                    }
                }
                Stmt::For(f) => {
                    let it = self.eval(&f.iter);
                    let Some(items) = it.iter_items(self.fold_items_max()) else {
                        return Flow::Stop;
                    };
                    // A loop ended by `break` skips its `else`.
                    match self.run_loop(f, items) {
                        Flow::Next => match self.inline_body(&f.orelse) {
                            Flow::Next => {}
                            other => return other,
                        },
                        Flow::Break => {}
                        other => return other,
                    }
                }
                Stmt::While(w) => match self.run_while(w) {
                    Flow::Next => match self.inline_body(&w.orelse) {
                        Flow::Next => {}
                        other => return other,
                    },
                    Flow::Break => {}
                    other => return other,
                },
                _ => return Flow::Stop,
            }
        }
        Flow::Next
    }

    /// Where a range of the walked text lies in the file: itself, or for decoded code the
    /// call that decoded it.
    fn abs(&self, r: TextRange) -> (u32, u32) {
        match &self.nested {
            Some(n) => (n.start, n.end),
            None => (self.base + r.start().to_u32(), self.base + r.end().to_u32()),
        }
    }
}

/// The names a function body declares `global` (true) or `nonlocal` and assigns (not in
/// functions nested in it).
fn declared_globals(body: &[Stmt]) -> Vec<(&str, bool)> {
    struct Finder<'n> {
        declared: Vec<(&'n str, bool)>,
        stored: Vec<&'n str>,
    }
    impl<'n> visitor::Visitor<'n> for Finder<'n> {
        fn visit_stmt(&mut self, stmt: &'n Stmt) {
            match stmt {
                Stmt::Global(g) => {
                    self.declared
                        .extend(g.names.iter().map(|n| (n.as_str(), true)));
                }
                Stmt::Nonlocal(g) => {
                    self.declared
                        .extend(g.names.iter().map(|n| (n.as_str(), false)));
                }
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                _ => stacker::maybe_grow(64 * 1024, 1 << 20, || visitor::walk_stmt(self, stmt)),
            }
        }
        fn visit_expr(&mut self, expr: &'n Expr) {
            match expr {
                Expr::Name(n) if !matches!(n.ctx, ast::ExprContext::Load) => {
                    self.stored.push(n.id.as_str());
                }
                // Only targets store; values inside them (`x[i] = ...`'s `x`) are loads.
                Expr::Name(_) => {}
                _ => stacker::maybe_grow(64 * 1024, 1 << 20, || visitor::walk_expr(self, expr)),
            }
        }
    }
    let mut f = Finder {
        declared: Vec::new(),
        stored: Vec::new(),
    };
    visitor::Visitor::visit_body(&mut f, body);
    let Finder { declared, stored } = f;
    declared
        .into_iter()
        .filter(|(n, _)| stored.contains(n))
        .collect()
}

/// The names whose attributes a function body assigns (`o.code = ...`, `o.n += 1`; not in
/// functions nested in it).
fn stored_attribute_bases(body: &[Stmt]) -> Vec<&str> {
    struct Finder<'n> {
        names: Vec<&'n str>,
    }
    impl<'n> visitor::Visitor<'n> for Finder<'n> {
        fn visit_stmt(&mut self, stmt: &'n Stmt) {
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                _ => stacker::maybe_grow(64 * 1024, 1 << 20, || visitor::walk_stmt(self, stmt)),
            }
        }
        fn visit_expr(&mut self, expr: &'n Expr) {
            if let Expr::Attribute(a) = expr {
                if !matches!(a.ctx, ast::ExprContext::Load) {
                    if let Expr::Name(n) = &*a.value {
                        self.names.push(n.id.as_str());
                    }
                }
            }
            stacker::maybe_grow(64 * 1024, 1 << 20, || visitor::walk_expr(self, expr));
        }
    }
    let mut f = Finder { names: Vec::new() };
    visitor::Visitor::visit_body(&mut f, body);
    f.names
}

/// Whether the texts `collect_strings` takes from `args` (at most 16), or them joined by `/`,
/// can be `min_len` bytes long: an upper bound, counted without building them (bytes may
/// grow threefold when made text).
fn texts_may_reach(args: &[Val<'_>], min_len: usize) -> bool {
    let (mut room, mut total) = (16, 0);
    for a in args {
        a.for_each_text(&mut room, false, &mut |v| match v {
            V::Str(s) => total += s.len().min(4096) + 1,
            V::Bytes(b) => total += 3 * b.len().min(4096) + 1,
            _ => {}
        });
        if total >= min_len {
            return true;
        }
    }
    false
}

fn folded(v: V<'_>) -> Val<'_> {
    let mut v = Val::new(v);
    v.origin = Origin::Folded;
    v
}

/// Parts of the longest attribute chain bound as a variable (`self.a.b = ...`). Each attribute
/// of a chain asks whether the chain so far is bound; without a bound, a chain of 200,000
/// attributes asked 200,000 times (quadratic: minutes for a 1 MB line).
const MAX_DOTTED_PARTS: usize = 32;

/// `a.b.c` for a chain of names and attributes, used as a variable key for `self.x = ...`.
/// Appends `a.b.c` for a chain of attributes on a name; false for anything else, or for a
/// chain of more than [`MAX_DOTTED_PARTS`].
fn dotted_into(e: &Expr, out: &mut String) -> bool {
    // On the stack: every attribute evaluated comes here.
    let mut parts = [""; MAX_DOTTED_PARTS];
    let mut n = 0;
    let mut at = e;
    loop {
        match at {
            Expr::Name(name) => {
                out.push_str(name.id.as_str());
                break;
            }
            Expr::Attribute(a) if n < MAX_DOTTED_PARTS => {
                parts[n] = a.attr.as_str();
                n += 1;
                at = &a.value;
            }
            _ => return false,
        }
    }
    for part in parts[..n].iter().rev() {
        out.push('.');
        out.push_str(part);
    }
    true
}

fn dotted(e: &Expr) -> Option<String> {
    let mut out = String::new();
    dotted_into(e, &mut out).then_some(out)
}

/// Arguments recorded per call for code patterns (positional, and keywords, each).
const MAX_ARG_FACTS: usize = 12;

/// The text a code pattern compares a constant argument with.
fn const_text(v: &Val<'_>) -> Option<String> {
    Some(match &v.v {
        V::Str(s) => truncate(s, 256),
        V::Bytes(b) => truncate(&lossy(&b[..b.len().min(256)]), 256),
        V::Int(i) => i.to_string(),
        V::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        V::None => "None".to_string(),
        V::Name(q) => q.to_string(),
        _ => return None,
    })
}

/// A value a key or index can be compared with: a constant, not a value only known by name
/// (`sys.platform`) or not known at all.
fn is_constant(v: &Val<'_>) -> bool {
    matches!(
        v.v,
        V::Str(_) | V::Bytes(_) | V::Int(_) | V::Bool(_) | V::None
    )
}

fn same_key(a: &Val<'_>, b: &Val<'_>) -> bool {
    match (&a.v, &b.v) {
        (V::Str(x), V::Str(y)) => x == y,
        (V::Int(x), V::Int(y)) => x == y,
        _ => false,
    }
}

fn norm_index(i: i64, len: usize) -> usize {
    if i < 0 {
        (len as i64 + i).max(0) as usize
    } else {
        i as usize
    }
}

/// Indices selected by a Python slice `[lo:hi:step]` over `n` items.
fn py_slice(n: usize, lo: Option<i64>, hi: Option<i64>, step: i64) -> Vec<usize> {
    let n = n as i64;
    let clamp = |v: i64, lo_b: i64, hi_b: i64| v.max(lo_b).min(hi_b);
    let adj = |v: i64| if v < 0 { v + n } else { v };
    let mut out = Vec::new();
    if step > 0 {
        let start = clamp(lo.map_or(0, adj), 0, n);
        let stop = clamp(hi.map_or(n, adj), 0, n);
        let mut i = start;
        while i < stop {
            out.push(i as usize);
            i += step;
        }
    } else {
        let start = clamp(lo.map_or(n - 1, adj), -1, n - 1);
        let stop = clamp(hi.map_or(-1, adj), -1, n - 1);
        let mut i = start;
        while i > stop {
            out.push(i as usize);
            i += step;
        }
    }
    out
}

fn int_op(a: i64, op: Operator, b: i64) -> Option<i64> {
    Some(match op {
        Operator::Add => a.checked_add(b)?,
        Operator::Sub => a.checked_sub(b)?,
        Operator::Mult => a.checked_mul(b)?,
        Operator::BitXor => a ^ b,
        Operator::BitAnd => a & b,
        Operator::BitOr => a | b,
        // Python floors (towards -inf), and `%` takes the divisor's sign.
        Operator::FloorDiv if b != 0 => {
            let q = a.checked_div(b)?;
            if a % b != 0 && ((a < 0) != (b < 0)) {
                q - 1
            } else {
                q
            }
        }
        Operator::Mod if b != 0 => {
            let r = a.checked_rem(b)?;
            if r != 0 && ((r < 0) != (b < 0)) {
                r + b
            } else {
                r
            }
        }
        // True division that comes out whole (`int(i/8)` in obfuscators); a fraction is not
        // an int, so it stays unknown.
        Operator::Div if b != 0 && a.checked_rem(b)? == 0 => a.checked_div(b)?,
        Operator::LShift if (0..63).contains(&b) => a.checked_shl(b as u32)?,
        Operator::RShift if (0..63).contains(&b) => a >> b,
        Operator::Pow if (0..64).contains(&b) => a.checked_pow(b as u32)?,
        _ => return None,
    })
}

fn range_list<'a>(a: i64, b: i64, s: i64) -> Val<'a> {
    if s == 0 {
        return Val::unknown();
    }
    Val::new(V::Range(a, b, s))
}

/// `'%s-%d' % (a, b)` with constant arguments.
fn percent_format(fmt: &str, args: &Val<'_>) -> Option<String> {
    let items: Vec<Val<'_>> = match &args.v {
        V::List(items) => items.to_vec(),
        _ => vec![args.clone()],
    };
    let mut out = String::new();
    let mut it = items.iter();
    let mut chars = fmt.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch != '%' {
            out.push(ch);
            continue;
        }
        match chars.next()? {
            '%' => out.push('%'),
            's' | 'r' => match &it.next()?.v {
                V::Str(s) => out.push_str(s),
                V::Int(i) => out.push_str(&i.to_string()),
                _ => return None,
            },
            'd' | 'i' => out.push_str(&it.next()?.as_int()?.to_string()),
            'c' => out.push(char::from_u32(it.next()?.as_int()? as u32)?),
            'x' => out.push_str(&format!("{:x}", it.next()?.as_int()?)),
            _ => return None,
        }
    }
    Some(out)
}

/// `__name__ == "__main__"` (either way round).
fn is_main_guard(test: &Expr) -> bool {
    let Expr::Compare(c) = test else { return false };
    let is_name = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == "__name__");
    let is_main = |e: &Expr| matches!(e, Expr::StringLiteral(s) if s.value.to_str() == "__main__");
    c.comparators.len() == 1
        && ((is_name(&c.left) && is_main(&c.comparators[0]))
            || (is_main(&c.left) && is_name(&c.comparators[0])))
}

fn bytes_replace(s: &[u8], a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i..].starts_with(a) {
            out.extend_from_slice(b);
            i += a.len();
        } else {
            out.push(s[i]);
            i += 1;
        }
    }
    out
}

/// Python truth value of a known value.
fn truthy(v: &Val<'_>) -> Option<bool> {
    Some(match &v.v {
        V::Bool(b) => *b,
        V::Int(i) => *i != 0,
        V::None => false,
        V::Str(s) => !s.is_empty(),
        V::Bytes(b) => !b.is_empty(),
        V::List(l) => !l.is_empty(),
        V::Dict(d) => !d.is_empty(),
        &V::Range(a, b, s) => range_len(a, b, s) > 0,
        V::Name(q) => !q.starts_with("?."),
        V::Lambda(_) | V::Def(_) | V::Code | V::Cipher(_) => true,
        V::Unknown | V::Partial(_) | V::Instance(_) | V::Globals => return None,
    })
}

/// One comparison of known values, as Python would do it (`None` when not modelled).
fn compare(op: ast::CmpOp, l: &Val<'_>, r: &Val<'_>) -> Option<bool> {
    use ast::CmpOp;
    use std::cmp::Ordering;
    let eq = |a: &Val<'_>, b: &Val<'_>| -> Option<bool> {
        Some(match (&a.v, &b.v) {
            (V::Str(x), V::Str(y)) => x == y,
            (V::Bytes(x), V::Bytes(y)) => x == y,
            (V::None, V::None) => true,
            // The same path is the same object; two paths (`node` and `node.next`) may be.
            (V::Name(x), V::Name(y)) if x == y => true,
            (V::Name(_), V::Name(_)) => return None,
            (V::Str(_) | V::Bytes(_) | V::None, V::Int(_) | V::Bool(_))
            | (V::Int(_) | V::Bool(_), V::Str(_) | V::Bytes(_) | V::None)
            | (V::Str(_), V::Bytes(_) | V::None)
            | (V::Bytes(_), V::Str(_) | V::None)
            | (V::None, V::Str(_) | V::Bytes(_)) => false,
            _ => a.as_int()? == b.as_int()?,
        })
    };
    let order = || -> Option<Ordering> {
        match (&l.v, &r.v) {
            (V::Str(x), V::Str(y)) => Some(x.cmp(y)),
            (V::Bytes(x), V::Bytes(y)) => Some(x.cmp(y)),
            _ => Some(l.as_int()?.cmp(&r.as_int()?)),
        }
    };
    let contains = || -> Option<bool> {
        match (&l.v, &r.v) {
            (V::Str(x), V::Str(y)) => Some(y.contains(&**x)),
            (V::Bytes(x), V::Bytes(y)) => {
                Some(x.is_empty() || y.windows(x.len()).any(|w| w == &x[..]))
            }
            (V::Int(x), V::Bytes(y)) => Some(y.iter().any(|&b| i64::from(b) == *x)),
            (_, V::List(items)) => {
                let mut found = false;
                for i in items.iter() {
                    if eq(l, i)? {
                        found = true;
                        break;
                    }
                }
                Some(found)
            }
            (V::Int(_) | V::Bool(_), &V::Range(start, stop, step)) => {
                let x = l.as_int()?;
                let inside = if step > 0 {
                    start <= x && x < stop
                } else {
                    stop < x && x <= start
                };
                Some(inside && (i128::from(x) - i128::from(start)) % i128::from(step) == 0)
            }
            (V::Str(_) | V::Bytes(_) | V::None, V::Range(..)) => Some(false),
            (_, V::Dict(items)) => {
                let mut found = false;
                for (k, _) in items.iter() {
                    if eq(l, k)? {
                        found = true;
                        break;
                    }
                }
                Some(found)
            }
            _ => None,
        }
    };
    match op {
        CmpOp::Eq => eq(l, r),
        CmpOp::NotEq => eq(l, r).map(|b| !b),
        CmpOp::Lt => order().map(Ordering::is_lt),
        CmpOp::LtE => order().map(Ordering::is_le),
        CmpOp::Gt => order().map(Ordering::is_gt),
        CmpOp::GtE => order().map(Ordering::is_ge),
        CmpOp::In => contains(),
        CmpOp::NotIn => contains().map(|b| !b),
        CmpOp::Is | CmpOp::IsNot => {
            let same = match (&l.v, &r.v) {
                (V::None, V::None) => true,
                (V::None, v) | (v, V::None)
                    if !matches!(v, V::Unknown | V::Partial(_) | V::Instance(_)) =>
                {
                    false
                }
                (V::Bool(a), V::Bool(b)) => a == b,
                (V::Name(a), V::Name(b)) => a == b,
                _ => return None,
            };
            Some(if op == CmpOp::Is { same } else { !same })
        }
    }
}
