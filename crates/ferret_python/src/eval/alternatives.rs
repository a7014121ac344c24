//! What a value may be besides the one the walk took. The walk binds a name's last assignment,
//! though the block that made it may never run (`x = payload; if sys.platform == 'plan9': x =
//! ''`), and takes one side of a choice it cannot make (`'' if cond else payload`,
//! `{...}.get(sys.platform, '')`). The texts and functions it passed over are kept as
//! alternatives: exec scans them, call facts list them, and expressions built from them are
//! evaluated again with each (`b64decode(x)`), their decoded Python scanned where built.

use super::*;

impl<'a> Walker<'a, '_> {
    /// The texts (and functions or modules) the names hold now, each in its name's list.
    pub(super) fn capture_texts(&self, names: &[Cow<'a, str>], seen: &mut [Vec<Val<'a>>]) {
        for (name, seen) in names.iter().zip(seen) {
            let v = self.lookup(name);
            if matches!(v.v, V::Str(_) | V::Bytes(_) | V::Name(_)) {
                seen.push(v);
            }
        }
    }

    /// After a statement whose blocks may not run: when a name holds a text, another text
    /// it held before the statement or after one of its blocks may still be its value.
    pub(super) fn keep_alternatives(&mut self, names: &[Cow<'a, str>], seen: Vec<Vec<Val<'a>>>) {
        for (name, seen) in names.iter().zip(seen) {
            if seen.is_empty() {
                continue;
            }
            let now = self.lookup(name);
            // An unknown value hides nothing; a known text or function may be the one of a
            // branch that never runs.
            if !matches!(now.v, V::Str(_) | V::Bytes(_) | V::Name(_)) {
                continue;
            }
            let mut alts: Vec<Val<'a>> = Vec::new();
            for v in &seen {
                let differs = |x: &Val<'a>| !same_text(x, v);
                if differs(&now) && alts.iter().all(differs) && alts.len() < MAX_ALTERNATIVES {
                    alts.push(v.clone());
                }
            }
            if !alts.is_empty() {
                self.add_alternatives(name.clone(), alts);
            }
        }
    }

    /// Adds texts a name may hold to those it has (an assignment inside a block may have
    /// given it some already), up to the bound.
    pub(super) fn add_alternatives(&mut self, name: Cow<'a, str>, alts: Vec<Val<'a>>) {
        let kept = self.alternatives.entry(name).or_default();
        for alt in alts {
            if kept.iter().all(|k| !same_text(k, &alt)) && kept.len() < MAX_ALTERNATIVES {
                kept.push(alt);
            }
        }
    }

    /// What an expression gives with the alternatives of the names it reads (one name's
    /// alternative at a time, the others as bound), and with the other choices of the choices
    /// it made that the walk could not (`choices`: whether it made any; see `unknown_choice`):
    /// `b64decode(x)` after `x = payload; if sys.platform == 'plan9': x = ''` decodes the
    /// payload too, and so does `b64decode('' if sys.platform == 'plan9' else payload)`. Only
    /// expressions that can be evaluated again without changing anything (see
    /// [`AlternativeReads`]); texts, bytes and qualified names only; at most
    /// [`MAX_ALTERNATIVES`].
    pub(super) fn alternative_results(&mut self, e: &'a Expr, choices: bool) -> Vec<Val<'a>> {
        if !self.emit || (self.alternatives.is_empty() && !choices) {
            return Vec::new();
        }
        if matches!(e, Expr::Name(_) | Expr::Attribute(_)) {
            let own = self.alternatives_of(e);
            if !own.is_empty() || matches!(e, Expr::Name(_)) {
                return own;
            }
        }
        let mut reads = AlternativeReads {
            walker: self,
            keys: Vec::new(),
            choices: Vec::new(),
            nodes: 0,
            pure: true,
        };
        visitor::Visitor::visit_expr(&mut reads, e);
        let AlternativeReads {
            keys,
            choices: nodes,
            pure,
            ..
        } = reads;
        if !pure {
            return Vec::new();
        }
        let mut out: Vec<Val<'a>> = Vec::new();
        let keep = |out: &mut Vec<Val<'a>>, v: Val<'a>| {
            if matches!(v.v, V::Str(_) | V::Bytes(_) | V::Name(_))
                && !out.iter().any(|o| same_text(o, &v))
            {
                out.push(v);
            }
        };
        'keys: for key in keys {
            let alts = self.alternatives.get(&*key).cloned().unwrap_or_default();
            for alt in alts {
                if out.len() >= MAX_ALTERNATIVES {
                    break 'keys;
                }
                let Some(bound) = self.swap_binding(&key, alt) else {
                    continue 'keys;
                };
                let v = self.eval_silently(e);
                self.swap_binding(&key, bound);
                keep(&mut out, v);
            }
        }
        'nodes: for node in nodes {
            for choice in 0..MAX_CHOICES_TRIED {
                if out.len() >= MAX_ALTERNATIVES {
                    break 'nodes;
                }
                self.forced = Some(Forced {
                    node,
                    choice,
                    reached: false,
                    exhausted: false,
                });
                let v = self.eval_silently(e);
                let Some(forced) = self.forced.take() else {
                    continue 'nodes;
                };
                // Not a choice this time (its selector folded), or no choice left.
                if !forced.reached || forced.exhausted {
                    continue 'nodes;
                }
                keep(&mut out, v);
            }
        }
        out
    }

    /// Evaluates an expression again without emitting facts. The alternatives are set aside
    /// meanwhile: only emitting reads them, and a called function binding a local name would
    /// drop a global's of the same name.
    fn eval_silently(&mut self, e: &'a Expr) -> Val<'a> {
        let emit = std::mem::replace(&mut self.emit, false);
        let alternatives = std::mem::take(&mut self.alternatives);
        let v = self.eval(e);
        self.alternatives = alternatives;
        self.emit = emit;
        v
    }

    /// At a choice the walk cannot make (an `if` expression whose test does not fold, an item
    /// picked by a key or index that does not fold, among `count`): counted, so that an
    /// expression can tell it made one; while alternatives are worked out, the choice forced
    /// at this node (`node`: its address), if any.
    pub(super) fn unknown_choice(&mut self, node: usize, count: usize) -> Option<usize> {
        self.unknown_choices += 1;
        let forced = self.forced.as_mut().filter(|f| f.node == node)?;
        forced.reached = true;
        if forced.choice < count {
            Some(forced.choice)
        } else {
            forced.exhausted = true;
            None
        }
    }

    /// `alternative_results` of an assigned value, with decoded or character-built Python
    /// among them scanned where it is built, as the value's own is.
    pub(super) fn alternatives_built(&mut self, e: &'a Expr, choices: bool) -> Vec<Val<'a>> {
        let mut alts = self.alternative_results(e, choices);
        for alt in &mut alts {
            self.scan_built_python(alt, e.range());
        }
        alts
    }

    /// Puts `v` in place of the value bound to `key` where a look-up finds it, returning the
    /// value it replaced; nothing (None) when the key is bound nowhere.
    fn swap_binding(&mut self, key: &str, v: Val<'a>) -> Option<Val<'a>> {
        let slot = self.scopes.iter_mut().rev().find_map(|s| s.get_mut(key))?;
        Some(std::mem::replace(slot, v))
    }

    /// Texts a call argument may hold besides its value (see `alternatives`).
    pub(super) fn alternatives_of(&self, e: &Expr) -> Vec<Val<'a>> {
        if self.alternatives.is_empty() {
            return Vec::new();
        }
        let key = match e {
            Expr::Name(n) => Cow::Borrowed(n.id.as_str()),
            Expr::Attribute(_) => match dotted(e) {
                Some(k) => Cow::Owned(k),
                None => return Vec::new(),
            },
            _ => return Vec::new(),
        };
        self.alternatives.get(&*key).cloned().unwrap_or_default()
    }
}

/// Texts kept per name besides its bound value (see `Walker::alternatives`).
const MAX_ALTERNATIVES: usize = 4;

/// Names watched per conditional statement, and statements looked at to find them.
const MAX_WATCHED_NAMES: usize = 64;

const MAX_WATCHED_STATEMENTS: usize = 2_000;

/// Whether two values are the same text, bytes or qualified name (alternatives are kept once).
pub(super) fn same_text(x: &Val<'_>, y: &Val<'_>) -> bool {
    match (&x.v, &y.v) {
        (V::Str(a), V::Str(b)) => a == b,
        (V::Bytes(a), V::Bytes(b)) => a == b,
        (V::Name(a), V::Name(b)) => a == b,
        _ => false,
    }
}

/// The names holding alternatives that an expression reads, and whether evaluating it again
/// changes nothing: no assignment expression, yield or await, no call of a method that
/// changes its receiver, of exec, setattr and the like, or of a function of the file that
/// does more than compute its result (which may set globals). Looks at a bounded number of nodes; past it, the expression counts as
/// changing something.
struct AlternativeReads<'w, 'a, 'f> {
    walker: &'w Walker<'a, 'f>,
    keys: Vec<Cow<'a, str>>,
    /// Nodes that may be choices (`if` expressions, subscripts, `.get` calls), by address.
    choices: Vec<usize>,
    nodes: usize,
    pure: bool,
}

const MAX_ALTERNATIVE_NODES: usize = 256;
/// Choice nodes looked at per expression, and choices tried at each.
const MAX_CHOICE_NODES: usize = 8;
const MAX_CHOICES_TRIED: usize = 8;

/// A choice forced while alternatives are worked out: the node's address and the choice;
/// whether the node was reached as a choice, and whether it had no such choice.
pub(super) struct Forced {
    node: usize,
    choice: usize,
    reached: bool,
    exhausted: bool,
}

impl<'a> AlternativeReads<'_, 'a, '_> {
    fn choice(&mut self, node: usize) {
        if self.choices.len() < MAX_CHOICE_NODES {
            self.choices.push(node);
        }
    }

    /// Whether a function of the file only computes its result (`def pick(): return '' if
    /// cond else payload`): no decorator, and a body of assignments to plain names, `if`s,
    /// `return`s and docstrings, whose expressions are visited as the caller's are (their
    /// choices are the caller's too). Anything else may change what running it again would.
    fn computation(&mut self, d: &'a ast::StmtFunctionDef) -> bool {
        if d.is_async || !d.decorator_list.is_empty() {
            return false;
        }
        self.computes(&d.body)
    }

    fn computes(&mut self, body: &'a [Stmt]) -> bool {
        for s in body {
            match s {
                Stmt::Pass(_) => {}
                Stmt::Expr(e) if matches!(&*e.value, Expr::StringLiteral(_)) => {}
                Stmt::Return(r) => {
                    if let Some(v) = &r.value {
                        visitor::Visitor::visit_expr(self, v);
                    }
                }
                Stmt::Assign(a) if a.targets.iter().all(|t| matches!(t, Expr::Name(_))) => {
                    visitor::Visitor::visit_expr(self, &a.value);
                }
                Stmt::If(i) => {
                    visitor::Visitor::visit_expr(self, &i.test);
                    if !self.computes(&i.body) {
                        return false;
                    }
                    for clause in &i.elif_else_clauses {
                        if let Some(t) = &clause.test {
                            visitor::Visitor::visit_expr(self, t);
                        }
                        if !self.computes(&clause.body) {
                            return false;
                        }
                    }
                }
                _ => return false,
            }
            if !self.pure {
                return false;
            }
        }
        true
    }
}

impl<'a> visitor::Visitor<'a> for AlternativeReads<'_, 'a, '_> {
    fn visit_expr(&mut self, expr: &'a Expr) {
        self.nodes += 1;
        if !self.pure || self.nodes > MAX_ALTERNATIVE_NODES {
            self.pure = false;
            return;
        }
        let held = |w: &Walker<'a, '_>, key: &str| w.alternatives.contains_key(key);
        match expr {
            Expr::Named(_) | Expr::Yield(_) | Expr::YieldFrom(_) | Expr::Await(_) => {
                self.pure = false;
                return;
            }
            Expr::Name(n) => {
                let key = n.id.as_str();
                if held(self.walker, key) && !self.keys.iter().any(|k| k == key) {
                    self.keys.push(Cow::Borrowed(key));
                }
            }
            Expr::Attribute(_) => {
                if let Some(key) = dotted(expr).filter(|k| held(self.walker, k)) {
                    if !self.keys.iter().any(|k| *k == key) {
                        self.keys.push(Cow::Owned(key));
                    }
                }
            }
            Expr::If(i) => self.choice(std::ptr::from_ref(i) as usize),
            Expr::Subscript(sub) if !matches!(&*sub.slice, Expr::Slice(_)) => {
                self.choice(std::ptr::from_ref(sub) as usize);
            }
            Expr::Call(c) => {
                if matches!(&*c.func, Expr::Attribute(a) if a.attr.as_str() == "get") {
                    self.choice(std::ptr::from_ref(c) as usize);
                }
                let changes = match &*c.func {
                    Expr::Attribute(a) => {
                        is_mutator(a.attr.as_str())
                            || dotted(&c.func)
                                .is_some_and(|k| matches!(self.walker.lookup(&k).v, V::Def(_)))
                    }
                    Expr::Name(n) => match self.walker.lookup(n.id.as_str()).v {
                        V::Def(d) => !self.computation(d),
                        V::Name(q) => matches!(
                            &*q,
                            "builtins.exec"
                                | "builtins.setattr"
                                | "builtins.delattr"
                                | "builtins.globals"
                                | "builtins.vars"
                                | "builtins.locals"
                        ),
                        _ => false,
                    },
                    // Called where it is written: its body, an expression, is visited below.
                    Expr::Lambda(_) => false,
                    _ => true,
                };
                if changes {
                    self.pure = false;
                    return;
                }
            }
            _ => {}
        }
        stacker::maybe_grow(64 * 1024, 1 << 20, || visitor::walk_expr(self, expr));
    }
}

/// Statements whose blocks may or may not run: `if` (not the main guard), `try`, `match`,
/// `for`, `while`.
pub(super) fn may_not_run(s: &Stmt) -> bool {
    match s {
        Stmt::If(i) => !is_main_guard(&i.test),
        Stmt::Try(_) | Stmt::Match(_) | Stmt::For(_) | Stmt::While(_) => true,
        _ => false,
    }
}

/// The names (and attribute chains) statements assign, in nested blocks too, not in
/// functions or classes defined there. Bounded (statements looked at, names kept): every
/// conditional statement asks this of its blocks, and nested ones would otherwise cost the
/// square of their depth; a name past the bound only loses its alternatives.
pub(super) fn assigned_keys(body: &[Stmt]) -> Vec<Cow<'_, str>> {
    struct Finder<'n> {
        names: Vec<Cow<'n, str>>,
        statements_left: usize,
    }
    impl<'n> visitor::Visitor<'n> for Finder<'n> {
        fn visit_stmt(&mut self, stmt: &'n Stmt) {
            if self.statements_left == 0 {
                return;
            }
            self.statements_left -= 1;
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => return,
                Stmt::Assign(a) => {
                    for t in &a.targets {
                        self.target(t);
                    }
                }
                Stmt::AugAssign(a) => self.target(&a.target),
                Stmt::AnnAssign(a) => self.target(&a.target),
                Stmt::For(f) => self.target(&f.target),
                _ => {}
            }
            stacker::maybe_grow(64 * 1024, 1 << 20, || visitor::walk_stmt(self, stmt));
        }
        fn visit_expr(&mut self, _: &'n Expr) {}
    }
    impl<'n> Finder<'n> {
        fn target(&mut self, t: &'n Expr) {
            match t {
                Expr::Name(_) | Expr::Attribute(_) => {
                    if let Some(k) = root_key(t) {
                        if self.names.len() < MAX_WATCHED_NAMES && !self.names.contains(&k) {
                            self.names.push(k);
                        }
                    }
                }
                Expr::Tuple(ast::ExprTuple { elts, .. })
                | Expr::List(ast::ExprList { elts, .. }) => {
                    for e in elts {
                        self.target(e);
                    }
                }
                _ => {}
            }
        }
    }
    let mut f = Finder {
        names: Vec::new(),
        statements_left: MAX_WATCHED_STATEMENTS,
    };
    visitor::Visitor::visit_body(&mut f, body);
    f.names
}
