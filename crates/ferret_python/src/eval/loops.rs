//! Loops folded pass by pass (`for` over known items, `while` with a counter), replayed silently
//! after the walk, and names built by appends, in loops or in straight lines, in one buffer.

use super::*;

impl<'a> Walker<'a, '_> {
    /// `s = s + <piece>`, `s += <piece>` or `s = <piece> + s`, statement after statement, on a
    /// str, bytes or list (how generated code builds a long constant): the pieces are gathered
    /// and the name is bound once. One statement at a time, each copied the whole value so
    /// far and, when an assignment, emitted it as a fact: quadratic, and a few thousand lines
    /// spent the file's budget. The bound value is the one the statements give in turn; one
    /// fact for the built value, spanning the run, stands for the facts of its prefixes.
    /// Returns how many statements were taken; None when `rest` does not start with two such
    /// statements on one name (pieces that mention the name do not count). `prescan`: as
    /// `prescan_constants` would (assignments only, bound only when known).
    pub(super) fn append_run(&mut self, rest: &'a [Stmt], prescan: bool) -> Option<usize> {
        let name = append_to(rest.first()?, prescan)?.name;
        if append_to(rest.get(1)?, prescan)?.name != name {
            return None;
        }
        let start = self.lookup(name);
        let mut run = Run::new(&start.v)?;
        let max = self.budget.max_value;
        let mut acc = Val::unknown().with_flows(start.flows);
        acc.origin = start.origin;
        acc.chain = start.chain.clone();
        acc.dynamic = start.dynamic;
        let mut taken = 0;
        let mut assigned: Option<TextRange> = None;
        let mut rest_value = None;
        for s in rest {
            let Some(step) = append_to(s, prescan) else {
                break;
            };
            if step.name != name || !self.enter() {
                break;
            }
            let v = self.eval(step.piece);
            self.depth -= 1;
            taken += 1;
            if !run.add(&v.v, step.front, max) {
                // This piece ends the run: the step-by-step path takes it from here.
                rest_value = Some((v, step, s.range()));
                break;
            }
            acc.flows |= v.flows;
            acc.origin = acc.origin.max(v.origin).max(Origin::Folded);
            acc.dynamic |= v.dynamic;
            // As `binop` picks: the longer chain, the left operand's when as long.
            if v.chain.len() > acc.chain.len() || (step.front && v.chain.len() == acc.chain.len()) {
                acc.chain = v.chain.clone();
            }
            if step.is_assign {
                let r = s.range();
                assigned = Some(assigned.map_or(r, |a| a.cover(r)));
            }
            if self.budget.timed_out {
                break;
            }
        }
        if taken == 0 {
            return None;
        }
        acc.v = run.finish();
        if let Some(range) = assigned {
            self.string_fact(&acc, range);
        }
        let value = match rest_value {
            Some((v, step, range)) => {
                let next = if step.front {
                    self.binop(v, Operator::Add, acc.clone())
                } else {
                    self.binop(acc.clone(), Operator::Add, v)
                };
                if step.is_assign {
                    self.string_fact(&next, range);
                }
                // The prescan binds known values only: the name keeps the run's so far, or
                // its value before the run when nothing was added.
                if prescan && !next.is_known() {
                    if taken == 1 {
                        return Some(taken);
                    }
                    acc
                } else {
                    next
                }
            }
            None => acc,
        };
        self.bind_name(name, value);
        Some(taken)
    }

    /// The most items a fold can still go through: each costs at least one folding step.
    pub(super) fn fold_items_max(&self) -> usize {
        usize::try_from(self.budget.fold_steps).map_or(MAX_ITEMS, |steps| steps.min(MAX_ITEMS))
    }

    /// A loop over a known sequence whose body only assigns names (`for c in KEY: out +=
    /// chr(ord(c) ^ 7)`) is run again silently after the walk (which emitted its facts): the
    /// names it assigns, their values before the loop, and the items.
    pub(super) fn loop_plan(&self, f: &'a ast::StmtFor, it: &Val<'a>) -> Option<LoopPlan<'a>> {
        let mut names = Vec::new();
        if f.is_async || !f.orelse.is_empty() || !assigns_only(&f.body, &mut names) {
            return None;
        }
        if !target_names(&f.target, &mut names) {
            return None;
        }
        let items = it.iter_items(self.fold_items_max())?;
        names.sort_unstable();
        names.dedup();
        let before = names.iter().map(|n| self.lookup(n)).collect();
        Some(LoopPlan {
            names,
            before,
            items,
        })
    }

    /// When every iteration folds, the names the loop assigned keep their folded values;
    /// otherwise they keep what the walk gave them (unknown, with their flows).
    pub(super) fn unroll_loop(&mut self, f: &'a ast::StmtFor, plan: LoopPlan<'a>) {
        let LoopPlan {
            names,
            before,
            items,
        } = plan;
        self.replay(&names, before, |walker| walker.run_loop(f, items));
    }

    /// A `while` loop whose body only assigns names: the names and their values before it.
    pub(super) fn while_plan(
        &self,
        w: &'a ast::StmtWhile,
    ) -> Option<(Vec<Cow<'a, str>>, Vec<Val<'a>>)> {
        let mut names = Vec::new();
        if !w.orelse.is_empty() || loop_counters(w).is_empty() || !assigns_only(&w.body, &mut names)
        {
            return None;
        }
        names.sort_unstable();
        names.dedup();
        let before = names.iter().map(|n| self.lookup(n)).collect();
        Some((names, before))
    }

    /// Runs a walked loop again silently from the values before it (`run`); names keep the
    /// folded values when it ran to its end, else what the walk gave them.
    pub(super) fn replay(
        &mut self,
        names: &[Cow<'a, str>],
        before: Vec<Val<'a>>,
        run: impl FnOnce(&mut Self) -> Flow<'a>,
    ) {
        let walked: Vec<Val<'a>> = names.iter().map(|n| self.lookup(n)).collect();
        for (n, v) in names.iter().zip(before) {
            self.bind_key(n.clone(), v);
        }
        let emit = std::mem::replace(&mut self.emit, false);
        let complete = matches!(run(self), Flow::Next | Flow::Break);
        self.emit = emit;
        for (n, w) in names.iter().zip(walked) {
            if !complete || !self.lookup(n).is_known() {
                self.bind_key(n.clone(), w);
            }
        }
    }

    /// After the walk of a loop body (one pass, its target unknown): a name the body builds
    /// from its own value (`n += 1`, `s = s + c`, `parts.append(c)`, `d[k] = v`) holds what
    /// one pass gave, while the loop makes any number of them. Unknown, with its flows, so
    /// that `exec(s)` after `while ...: s += ...` is not the fold of a single pass.
    pub(super) fn forget_grown(&mut self, body: &'a [Stmt]) {
        for name in grown_names(body) {
            if let Some(v) = self.binding_mut(&name) {
                // Data only: `os.remove(p)` in a loop reads like a list's `remove`, and `os`
                // stays the module.
                if matches!(
                    v.v,
                    V::Int(_) | V::Bool(_) | V::Str(_) | V::Bytes(_) | V::List(_) | V::Dict(_)
                ) {
                    *v = Val::unknown().with_flows(v.deep_flows());
                }
            }
        }
    }

    /// Runs a loop's body once per item, each paid from the folding budget, as `inline_body`
    /// would. A name the body only grows (`out += piece`, `out = out + piece`, `out = piece +
    /// out`; nothing else in the loop reads it) is built in one buffer and bound when the loop
    /// ends: step by step, each append copied the whole value so far (quadratic: a
    /// 60,000-character decoding loop took 0.7 s, longer ones ran into the time budget). The
    /// values are those of the step-by-step path, which takes over from a piece that cannot
    /// be appended (another type, or past the size a fold may reach).
    pub(super) fn run_loop(&mut self, f: &'a ast::StmtFor, items: Vec<Val<'a>>) -> Flow<'a> {
        if items.is_empty() {
            return Flow::Next;
        }
        let mut items = items.into_iter();
        let key = std::ptr::from_ref(f) as usize;
        self.iterate(key, &f.body, Some(&f.target), &f.target, &mut |_| {
            items.next().map_or(Pass::Done, Pass::Item)
        })
    }

    /// `while <test>:` run as `run_loop` runs a `for`: the test is folded before each pass,
    /// and the loop ends when it is false (Next) or not known (Stop).
    pub(super) fn run_while(&mut self, w: &'a ast::StmtWhile) -> Flow<'a> {
        // A counter over data (`i = 0`, `s = '...'`), not an object walked by attribute
        // (`node = node.next`), which folding cannot tell apart from the one it ends at.
        let counters = loop_counters(w);
        let plain = |v: &Val<'a>| {
            matches!(
                v.v,
                V::Int(_) | V::Bool(_) | V::Str(_) | V::Bytes(_) | V::List(_) | V::Range(..)
            )
        };
        if counters.is_empty() || !counters.iter().all(|n| plain(&self.lookup(n))) {
            return Flow::Stop;
        }
        let key = std::ptr::from_ref(w) as usize;
        let mut passes = 0;
        self.iterate(key, &w.body, None, &w.test, &mut |walker| {
            passes += 1;
            if passes > MAX_ITEMS {
                return Pass::Unknown;
            }
            match truthy(&walker.eval(&w.test)) {
                Some(true) => Pass::Go,
                Some(false) => Pass::Done,
                None => Pass::Unknown,
            }
        })
    }

    /// The passes of a loop over `body`, each paid from the folding budget; `next` says
    /// whether there is another (with the item `target` is bound to). `reads`: the loop's
    /// target or test, which no accumulator may appear in.
    fn iterate(
        &mut self,
        key: usize,
        body: &'a [Stmt],
        target: Option<&'a Expr>,
        reads: &'a Expr,
        next: &mut dyn FnMut(&mut Self) -> Pass<'a>,
    ) -> Flow<'a> {
        let shape = self.loop_shape(key, body, reads);
        let mut accs = shape
            .as_ref()
            .map(|shape| self.loop_accumulators(shape))
            .unwrap_or_default();
        let mut flow = Flow::Next;
        // A `while` pass that leaves the state as it found it is followed by the same pass for
        // ever: the loop never ends as folded (`while not done: buf += read()`, `done` never
        // set). Checked at passes 64, 128, 256, ... (a long loop writes its state out a few
        // dozen times at most); before, such loops spent the file's folding budget.
        let mut passes = 0usize;
        let mut next_check = FIRST_STUCK_CHECK;
        let mut stuck_check = target.is_none() && accs.iter().all(|a| !a.is_active());
        loop {
            passes += 1;
            let before = if stuck_check && passes == next_check {
                next_check *= 2;
                let state = self.loop_state();
                stuck_check = state.is_some();
                state
            } else {
                None
            };
            let pass = next(self);
            match pass {
                Pass::Done => break,
                Pass::Unknown => {
                    flow = Flow::Stop;
                    break;
                }
                Pass::Go | Pass::Item(_) => {}
            }
            if self.budget.fold_steps == 0 || !self.budget.step() {
                flow = Flow::Stop;
                break;
            }
            self.budget.fold_steps -= 1;
            if let (Pass::Item(item), Some(t)) = (pass, target) {
                self.bind(t, item);
            }
            let step = match &shape {
                None => self.inline_body(body),
                Some(shape) if self.enter() => {
                    let step = stacker::maybe_grow(128 * 1024, 4 << 20, || {
                        self.body_with_accumulators(body, shape, &mut accs)
                    });
                    self.depth -= 1;
                    step
                }
                Some(_) => Flow::Stop,
            };
            match step {
                Flow::Next | Flow::Continue => {}
                // The loop's end: `break` goes no further than the loop it ends.
                step => {
                    flow = step;
                    break;
                }
            }
            if before.is_some() && before == self.loop_state() {
                flow = Flow::Stop;
                break;
            }
        }
        if let Some(shape) = &shape {
            for (name, acc) in shape.names.iter().zip(&mut accs) {
                if let Some(v) = acc.take() {
                    self.bind_name(name, v);
                }
            }
        }
        flow
    }

    /// Everything a loop's next pass reads that a pass can change, written out: the bindings
    /// of every scope (containers by address and contents), the alternatives and the names
    /// declared global. Nothing is held, so no container seems shared because of it. None
    /// when it is larger than [`MAX_STATE_BYTES`].
    fn loop_state(&self) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        for scope in &self.scopes {
            write_len(&mut out, scope.len());
            for (k, v) in scope {
                write_bytes(&mut out, k.as_bytes());
                write_val(&mut out, v, MAX_STATE_BYTES, 0)?;
            }
        }
        write_len(&mut out, self.alternatives.len());
        for (k, vs) in &self.alternatives {
            write_bytes(&mut out, k.as_bytes());
            write_len(&mut out, vs.len());
            for v in vs {
                write_val(&mut out, v, MAX_STATE_BYTES, 0)?;
            }
        }
        write_len(&mut out, self.scope_globals.len());
        for &(depth, name, module) in &self.scope_globals {
            write_len(&mut out, depth);
            write_bytes(&mut out, name.as_bytes());
            out.push(u8::from(module));
        }
        write_len(&mut out, self.star_imports.len());
        (out.len() <= MAX_STATE_BYTES).then_some(out)
    }

    /// One pass over a loop body: the appends of accumulators still built in place go to
    /// their buffers, every other statement runs as `inline_body_inner` runs it.
    fn body_with_accumulators(
        &mut self,
        body: &'a [Stmt],
        shape: &LoopShape<'a>,
        accs: &mut [LoopAcc<'a>],
    ) -> Flow<'a> {
        let max = self.budget.max_value;
        for (s, step) in body.iter().zip(&shape.steps) {
            if self.budget.timed_out || self.budget.fold_steps == 0 {
                return Flow::Stop;
            }
            match *step {
                Some((i, piece, kind)) if accs[i].is_active() => {
                    let piece = self.eval(piece);
                    if !accs[i].add_step(&piece, kind, max) {
                        // Step by step from here on, from the value built so far.
                        let cur = accs[i].take().unwrap_or_else(Val::unknown);
                        let name = shape.names[i];
                        match kind {
                            StepKind::Add { front } => {
                                let next = if front {
                                    self.binop(piece, Operator::Add, cur)
                                } else {
                                    self.binop(cur, Operator::Add, piece)
                                };
                                self.bind_name(name, next);
                            }
                            StepKind::Method(m) => {
                                self.bind_name(name, cur);
                                let place = Place {
                                    root: Cow::Borrowed(name),
                                    keys: Vec::new(),
                                };
                                self.mutate(&place, m, std::slice::from_ref(&piece));
                            }
                        }
                    }
                }
                _ => match self.inline_body_inner(std::slice::from_ref(s)) {
                    Flow::Next => {}
                    other => return other,
                },
            }
        }
        Flow::Next
    }

    /// The loop's accumulator names and their appends, or None when it has none.
    fn loop_shape(
        &mut self,
        key: usize,
        body: &'a [Stmt],
        reads: &'a Expr,
    ) -> Option<Rc<LoopShape<'a>>> {
        if let Some(shape) = self.loop_shapes.get(&key) {
            return (!shape.names.is_empty()).then(|| shape.clone());
        }
        let shape = Rc::new(LoopShape::of(body, reads));
        self.loop_shapes.insert(key, shape.clone());
        (!shape.names.is_empty()).then_some(shape)
    }

    /// Each accumulator's buffer, from its value before the loop; one whose value cannot be
    /// appended to in place (not a str, bytes or list) is left to the step-by-step path.
    /// While the loop runs the names are bound to unknown: a function called from the body
    /// that reads one sees no stale value.
    fn loop_accumulators(&mut self, shape: &LoopShape<'a>) -> Vec<LoopAcc<'a>> {
        let mut out = Vec::with_capacity(shape.names.len());
        for name in &shape.names {
            let start = self.lookup(name);
            let acc = match Run::new(&start.v) {
                Some(run) => {
                    let mut built = Val::unknown().with_flows(start.flows);
                    built.origin = start.origin;
                    built.chain = start.chain.clone();
                    built.dynamic = start.dynamic;
                    self.bind_name(name, Val::unknown());
                    LoopAcc(Some(AccState {
                        start,
                        run,
                        built,
                        added: false,
                    }))
                }
                None => LoopAcc(None),
            };
            out.push(acc);
        }
        out
    }
}

/// Finds a name anywhere in an expression or statement, stopping at the first.
struct NameFinder<'n> {
    name: &'n str,
    found: bool,
}

impl<'a> visitor::Visitor<'a> for NameFinder<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if !self.found {
            stacker::maybe_grow(64 * 1024, 1 << 20, || visitor::walk_stmt(self, stmt));
        }
    }
    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.found {
            return;
        }
        if let Expr::Name(n) = expr {
            self.found |= n.id.as_str() == self.name;
        }
        stacker::maybe_grow(64 * 1024, 1 << 20, || visitor::walk_expr(self, expr));
    }
}

/// Whether an expression reads the name (an accumulator loop must not read its own buffer).
fn mentions(e: &Expr, name: &str) -> bool {
    let mut f = NameFinder { name, found: false };
    visitor::Visitor::visit_expr(&mut f, e);
    f.found
}

/// The names a `while` loop's test reads and its body assigns (`while i < len(data): ...;
/// i += 1`): only a loop with such a counter can end by folding. Others (`while self.size >
/// n: self.evict()`) would spin on a test that folding never changes.
fn loop_counters(w: &ast::StmtWhile) -> Vec<&str> {
    fn assigned<'s>(body: &'s [Stmt], out: &mut Vec<&'s str>) {
        for s in body {
            match s {
                Stmt::Assign(a) => {
                    for t in &a.targets {
                        if let Expr::Name(n) = t {
                            out.push(n.id.as_str());
                        }
                    }
                }
                Stmt::AugAssign(a) => {
                    if let Expr::Name(n) = &*a.target {
                        out.push(n.id.as_str());
                    }
                }
                Stmt::If(i) => {
                    assigned(&i.body, out);
                    for c in &i.elif_else_clauses {
                        assigned(&c.body, out);
                    }
                }
                _ => {}
            }
        }
    }
    /// The tests of the `if`s that end the loop (`if i >= len(data): break`).
    fn exit_tests<'s>(body: &'s [Stmt], out: &mut Vec<&'s Expr>) {
        for s in body {
            if let Stmt::If(i) = s {
                let ends = |b: &[Stmt]| b.iter().any(|s| matches!(s, Stmt::Break(_)));
                if ends(&i.body) || i.elif_else_clauses.iter().any(|c| ends(&c.body)) {
                    out.push(&i.test);
                    out.extend(i.elif_else_clauses.iter().filter_map(|c| c.test.as_ref()));
                }
                exit_tests(&i.body, out);
                for c in &i.elif_else_clauses {
                    exit_tests(&c.body, out);
                }
            }
        }
    }
    let mut names = Vec::new();
    assigned(&w.body, &mut names);
    let mut tests = vec![&*w.test];
    exit_tests(&w.body, &mut tests);
    names.retain(|n| tests.iter().any(|t| mentions(t, n)));
    names
}

/// Names a loop body builds from their own values: `n += 1`, `s = s + c`, `parts.append(c)`,
/// `d[k] = v` (in nested blocks too, not in functions defined there).
fn grown_names(body: &[Stmt]) -> Vec<Cow<'_, str>> {
    struct Finder<'n> {
        names: Vec<Cow<'n, str>>,
    }
    impl<'n> visitor::Visitor<'n> for Finder<'n> {
        fn visit_stmt(&mut self, stmt: &'n Stmt) {
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => return,
                Stmt::AugAssign(a) => self.names.extend(root_key(&a.target)),
                Stmt::Assign(a) => {
                    for t in &a.targets {
                        let grows = match t {
                            Expr::Name(n) => mentions(&a.value, n.id.as_str()),
                            // `k.code = k.code + c`
                            Expr::Attribute(_) => {
                                let mut base = t;
                                while let Expr::Attribute(at) = base {
                                    base = &at.value;
                                }
                                matches!(base, Expr::Name(n) if mentions(&a.value, n.id.as_str()))
                            }
                            Expr::Subscript(_) => true,
                            _ => false,
                        };
                        if grows {
                            self.names.extend(root_key(t));
                        }
                    }
                }
                Stmt::Delete(d) => {
                    for t in &d.targets {
                        if let Expr::Subscript(_) = t {
                            self.names.extend(root_key(t));
                        }
                    }
                }
                Stmt::Expr(e) => {
                    if let Expr::Call(c) = &*e.value {
                        self.names.extend(mutator_receiver(c).and_then(root_key));
                    }
                }
                _ => {}
            }
            stacker::maybe_grow(64 * 1024, 1 << 20, || visitor::walk_stmt(self, stmt));
        }
        fn visit_expr(&mut self, _: &'n Expr) {}
    }
    let mut f = Finder { names: Vec::new() };
    visitor::Visitor::visit_body(&mut f, body);
    f.names.sort_unstable();
    f.names.dedup();
    f.names
}

/// Whether a statement reads or writes the name anywhere in it.
fn stmt_mentions(s: &Stmt, name: &str) -> bool {
    let mut f = NameFinder { name, found: false };
    visitor::Visitor::visit_stmt(&mut f, s);
    f.found
}

/// The names a loop body only grows by appends (nothing else in the loop, its target
/// included, reads or writes them), and per body statement the append it is, if any: the
/// name's index, the piece, and whether the piece goes in front.
pub(super) struct LoopShape<'a> {
    names: Vec<&'a str>,
    steps: Vec<Option<(usize, &'a Expr, StepKind)>>,
}

/// What a loop's next pass is: an item for its target, a pass of a `while` whose test held,
/// the end, or a test that could not be folded.
pub(super) enum Pass<'a> {
    Item(Val<'a>),
    Go,
    Done,
    Unknown,
}

/// How a loop statement grows its accumulator: `+` (the piece in front or at the back), or
/// `append` / `extend` (the method's name).
#[derive(Clone, Copy)]
enum StepKind {
    Add { front: bool },
    Method(&'static str),
}

/// A statement growing a name: `name = name + piece` and the other forms of `append_to`, or
/// `name.append(piece)` / `name.extend(piece)` (the piece not reading the name).
fn grow_step(s: &Stmt) -> Option<(&str, &Expr, StepKind)> {
    if let Some(a) = append_to(s, false) {
        return Some((a.name, a.piece, StepKind::Add { front: a.front }));
    }
    let Stmt::Expr(e) = s else {
        return None;
    };
    let Expr::Call(c) = &*e.value else {
        return None;
    };
    let Expr::Attribute(a) = &*c.func else {
        return None;
    };
    let Expr::Name(name) = &*a.value else {
        return None;
    };
    let name = name.id.as_str();
    let m = match a.attr.as_str() {
        "append" => "append",
        "extend" => "extend",
        _ => return None,
    };
    let ([piece], []) = (&c.arguments.args[..], &c.arguments.keywords[..]) else {
        return None;
    };
    (!matches!(piece, Expr::Starred(_)) && !mentions(piece, name)).then_some((
        name,
        piece,
        StepKind::Method(m),
    ))
}

impl<'a> LoopShape<'a> {
    fn of(body: &'a [Stmt], reads: &Expr) -> Self {
        let grows: Vec<Option<(&'a str, &'a Expr, StepKind)>> =
            body.iter().map(grow_step).collect();
        let mut names: Vec<&'a str> = Vec::new();
        for &(name, _, _) in grows.iter().flatten() {
            if names.contains(&name) || mentions(reads, name) {
                continue;
            }
            let read_elsewhere = body
                .iter()
                .zip(&grows)
                .any(|(s, g)| g.is_none_or(|(n, _, _)| n != name) && stmt_mentions(s, name));
            if !read_elsewhere {
                names.push(name);
            }
        }
        let steps = grows
            .iter()
            .map(|g| {
                let (name, piece, kind) = (*g)?;
                let i = names.iter().position(|n| *n == name)?;
                Some((i, piece, kind))
            })
            .collect();
        Self { names, steps }
    }
}

/// An accumulator while it is built in place (`None` once the step-by-step path has it).
struct LoopAcc<'a>(Option<AccState<'a>>);

/// The value before the loop, the buffer, and the history (`flows`, `origin`, `chain`,
/// `dynamic`) of the value built so far, as `binop` gives it.
struct AccState<'a> {
    start: Val<'a>,
    run: Run<'a>,
    built: Val<'a>,
    added: bool,
}

impl<'a> LoopAcc<'a> {
    fn is_active(&self) -> bool {
        self.0.is_some()
    }

    fn add_step(&mut self, piece: &Val<'a>, kind: StepKind, max: usize) -> bool {
        let m = match kind {
            StepKind::Add { front } => return self.add(piece, front, max),
            StepKind::Method(m) => m,
        };
        let Some(st) = &mut self.0 else {
            return false;
        };
        // As `mutate` changes the value: list items as they are; bytes from ints.
        let as_piece = match (&st.run.back, m) {
            (RunBuf::List(_), "append") => V::List(Rc::new(vec![piece.clone()])),
            (RunBuf::List(_), _) => match piece.iter_items(MAX_ITEMS) {
                Some(items) => V::List(Rc::new(items)),
                None => return false,
            },
            (RunBuf::Bytes(_), "append") => {
                match piece.as_int().and_then(|x| u8::try_from(x).ok()) {
                    Some(x) => V::Bytes(Rc::from(vec![x])),
                    None => return false,
                }
            }
            (RunBuf::Bytes(_), _) => match &piece.v {
                V::Bytes(b) => V::Bytes(b.clone()),
                _ => return false,
            },
            (RunBuf::Str(_), _) => return false,
        };
        if !st.run.add(&as_piece, false, max) {
            return false;
        }
        st.built.flows |= piece.deep_flows();
        st.added = true;
        true
    }

    fn add(&mut self, piece: &Val<'a>, front: bool, max: usize) -> bool {
        let Some(st) = &mut self.0 else {
            return false;
        };
        if !st.run.add(&piece.v, front, max) {
            return false;
        }
        let b = &mut st.built;
        b.flows |= piece.flows;
        b.origin = b.origin.max(piece.origin).max(Origin::Folded);
        // As `binop` picks: the longer chain, the left operand's when as long.
        if piece.chain.len() > b.chain.len() || (front && piece.chain.len() == b.chain.len()) {
            b.chain = piece.chain.clone();
        }
        b.dynamic |= piece.dynamic;
        st.added = true;
        true
    }

    /// The value built (the one before the loop when nothing was added); the accumulator is
    /// no longer built in place.
    fn take(&mut self) -> Option<Val<'a>> {
        let st = self.0.take()?;
        if !st.added {
            return Some(st.start);
        }
        let mut v = st.built;
        v.v = st.run.finish();
        Some(v)
    }
}

/// One statement of an append run: `name = name + piece` or `name = piece + name` (`front`),
/// or unless `assign_only`, `name += piece`; the piece does not mention the name.
struct AppendStep<'s> {
    name: &'s str,
    piece: &'s Expr,
    is_assign: bool,
    front: bool,
}

fn append_to(s: &Stmt, assign_only: bool) -> Option<AppendStep<'_>> {
    let (target, piece, is_assign, front) = match s {
        Stmt::Assign(a) => {
            let [Expr::Name(t)] = &a.targets[..] else {
                return None;
            };
            let Expr::BinOp(b) = &*a.value else {
                return None;
            };
            if b.op != Operator::Add {
                return None;
            }
            match (&*b.left, &*b.right) {
                (Expr::Name(l), piece) if l.id == t.id => (t, piece, true, false),
                (piece, Expr::Name(r)) if r.id == t.id => (t, piece, true, true),
                _ => return None,
            }
        }
        Stmt::AugAssign(a) if !assign_only && a.op == Operator::Add => {
            let Expr::Name(t) = &*a.target else {
                return None;
            };
            (t, &*a.value, false, false)
        }
        _ => return None,
    };
    let name = target.id.as_str();
    (!mentions(piece, name)).then_some(AppendStep {
        name,
        piece,
        is_assign,
        front,
    })
}

/// The value an append run builds: what it started from with the pieces added at the back,
/// and the pieces added in front (latest first).
pub(super) struct Run<'a> {
    back: RunBuf<'a>,
    front: Vec<V<'a>>,
    len: usize,
}

enum RunBuf<'a> {
    Str(String),
    Bytes(Vec<u8>),
    List(Vec<Val<'a>>),
}

impl<'a> Run<'a> {
    fn new(start: &V<'a>) -> Option<Self> {
        let (back, len) = match start {
            V::Str(s) => (RunBuf::Str(s.to_string()), s.len()),
            V::Bytes(b) => (RunBuf::Bytes(b.to_vec()), b.len()),
            V::List(l) => (RunBuf::List(l.to_vec()), l.len()),
            _ => return None,
        };
        Some(Self {
            back,
            front: Vec::new(),
            len,
        })
    }

    /// Adds a piece, unless it is of another type or would make the value larger than
    /// `binop` folds (`max_bytes`; lists: MAX_ITEMS).
    fn add(&mut self, piece: &V<'a>, front: bool, max_bytes: usize) -> bool {
        let len = self.len;
        let n = match (&mut self.back, piece) {
            (RunBuf::Str(b), V::Str(p)) if len + p.len() <= max_bytes => {
                if !front {
                    b.push_str(p);
                }
                p.len()
            }
            (RunBuf::Bytes(b), V::Bytes(p)) if len + p.len() <= max_bytes => {
                if !front {
                    b.extend_from_slice(p);
                }
                p.len()
            }
            (RunBuf::List(b), V::List(p)) if len + p.len() <= MAX_ITEMS => {
                if !front {
                    b.extend(p.iter().cloned());
                }
                p.len()
            }
            _ => return false,
        };
        if front {
            self.front.push(piece.clone());
        }
        self.len += n;
        true
    }

    fn finish(self) -> V<'a> {
        let front = self.front.iter().rev();
        match self.back {
            RunBuf::Str(back) => {
                let mut out = String::with_capacity(self.len);
                for p in front {
                    if let V::Str(p) = p {
                        out.push_str(p);
                    }
                }
                out.push_str(&back);
                V::Str(out.into())
            }
            RunBuf::Bytes(back) => {
                let mut out = Vec::with_capacity(self.len);
                for p in front {
                    if let V::Bytes(p) = p {
                        out.extend_from_slice(p);
                    }
                }
                out.extend_from_slice(&back);
                V::Bytes(out.into())
            }
            RunBuf::List(back) => {
                let mut out = Vec::with_capacity(self.len);
                for p in front {
                    if let V::List(p) = p {
                        out.extend(p.iter().cloned());
                    }
                }
                out.extend(back);
                V::List(Rc::new(out))
            }
        }
    }
}

pub(super) struct LoopPlan<'a> {
    names: Vec<Cow<'a, str>>,
    before: Vec<Val<'a>>,
    items: Vec<Val<'a>>,
}

/// Names a target binds or changes (`c`, `i, c`, `k.code`, `out[i]`); false for other
/// targets.
fn target_names<'a>(target: &'a Expr, names: &mut Vec<Cow<'a, str>>) -> bool {
    match target {
        Expr::Tuple(ast::ExprTuple { elts, .. }) | Expr::List(ast::ExprList { elts, .. }) => {
            elts.iter().all(|e| target_names(e, names))
        }
        // `out[i] = piece` (and `out[0][i] = piece`) changes `out`.
        Expr::Name(_) | Expr::Attribute(_) | Expr::Subscript(_) => match root_key(target) {
            Some(n) => {
                names.push(n);
                true
            }
            None => false,
        },
        _ => false,
    }
}

/// Whether a loop body only assigns names, with ifs and nested loops: what `inline_body`
/// can fold, and nothing whose effect outlives the loop but its names.
fn assigns_only<'a>(body: &'a [Stmt], names: &mut Vec<Cow<'a, str>>) -> bool {
    body.iter().all(|s| match s {
        Stmt::Assign(a) => a.targets.iter().all(|t| target_names(t, names)),
        Stmt::AugAssign(a) => target_names(&a.target, names),
        Stmt::Pass(_) | Stmt::Break(_) | Stmt::Continue(_) => true,
        Stmt::Expr(e) => match &*e.value {
            Expr::StringLiteral(_) => true,
            // `out.append(piece)`: the name changes, as if assigned.
            Expr::Call(c) => mutator_receiver(c)
                .and_then(root_key)
                .map(|n| names.push(n))
                .is_some(),
            _ => false,
        },
        Stmt::If(i) => {
            assigns_only(&i.body, names)
                && i.elif_else_clauses
                    .iter()
                    .all(|c| assigns_only(&c.body, names))
        }
        Stmt::For(f) => {
            !f.is_async
                && target_names(&f.target, names)
                && assigns_only(&f.body, names)
                && assigns_only(&f.orelse, names)
        }
        Stmt::While(w) => assigns_only(&w.body, names) && assigns_only(&w.orelse, names),
        _ => false,
    })
}

/// The most bytes a loop state ([`Walker::loop_state`]) may take; a larger one is not checked.
const MAX_STATE_BYTES: usize = 1 << 18;

/// The first pass at which a `while` loop checks for a pass that changed nothing; the next
/// checks come at twice the pass count each time.
const FIRST_STUCK_CHECK: usize = 64;

fn write_len(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u64).to_le_bytes());
}

fn write_bytes(out: &mut Vec<u8>, b: &[u8]) {
    write_len(out, b.len());
    out.extend_from_slice(b);
}

fn write_ptr<T: ?Sized>(out: &mut Vec<u8>, p: *const T) {
    write_len(out, p.cast::<()>() as usize);
}

/// Writes a value and its history for [`Walker::loop_state`]; None past `max` bytes or a
/// nesting of 64 (folded values can nest deeper than the stack allows). Every part has a
/// tag or a length in front, so two different states never write the same bytes.
fn write_val(out: &mut Vec<u8>, v: &Val<'_>, max: usize, depth: u32) -> Option<()> {
    if depth > 64 || out.len() > max {
        return None;
    }
    out.extend_from_slice(&[v.flows, v.origin as u8, u8::from(v.dynamic)]);
    write_len(out, v.payload.map_or(0, |p| p as usize + 1));
    write_len(out, v.chain.len());
    write_ptr(out, v.chain.as_ptr());
    for text in [&v.handle, &v.from] {
        match text {
            Some(t) => {
                out.push(1);
                write_bytes(out, t.as_bytes());
            }
            None => out.push(0),
        }
    }
    match &v.v {
        V::Unknown => out.push(0),
        V::None => out.push(1),
        V::Bool(b) => out.extend_from_slice(&[2, u8::from(*b)]),
        V::Int(i) => {
            out.push(3);
            out.extend_from_slice(&i.to_le_bytes());
        }
        V::Str(s) => {
            out.push(4);
            write_bytes(out, s.as_bytes());
        }
        V::Bytes(b) => {
            out.push(5);
            write_ptr(out, Rc::as_ptr(b));
            write_bytes(out, b);
        }
        V::List(items) => {
            out.push(6);
            write_ptr(out, Rc::as_ptr(items));
            write_len(out, items.len());
            for i in items.iter() {
                write_val(out, i, max, depth + 1)?;
            }
        }
        &V::Range(a, b, c) => {
            out.push(7);
            for x in [a, b, c] {
                out.extend_from_slice(&x.to_le_bytes());
            }
        }
        V::Dict(items) => {
            out.push(8);
            write_ptr(out, Rc::as_ptr(items));
            write_len(out, items.len());
            for (k, i) in items.iter() {
                write_val(out, k, max, depth + 1)?;
                write_val(out, i, max, depth + 1)?;
            }
        }
        V::Name(q) => {
            out.push(9);
            write_bytes(out, q.as_bytes());
        }
        V::Instance(q) => {
            out.push(10);
            write_bytes(out, q.as_bytes());
        }
        V::Lambda(l) => {
            out.push(11);
            write_ptr(out, std::ptr::from_ref(*l));
        }
        V::Def(d) => {
            out.push(12);
            write_ptr(out, std::ptr::from_ref(*d));
        }
        V::Code => out.push(13),
        V::Globals => out.push(14),
        V::Cipher(k) => {
            out.push(15);
            write_bytes(out, k);
        }
        V::Partial(s) => {
            out.push(16);
            write_bytes(out, s.as_bytes());
        }
    }
    (out.len() <= max).then_some(())
}
