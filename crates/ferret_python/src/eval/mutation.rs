//! Changes in place: items and attributes of containers, globals set through namespaces, and
//! what a change makes stale (the other holders of a changed container, a function's globals).

use super::*;

impl<'a> Walker<'a, '_> {
    /// A module global set by name (`globals()[k] = v`, `globals().update(...)`,
    /// `setattr(sys.modules[__name__], k, v)`). Where the statement surely runs (module
    /// level, a class body, an inlined call) the name is bound; in a function body walked
    /// without being called it is unknown from here (the call may come at any time). A name
    /// that does not fold makes every module-level value unknown.
    pub(super) fn store_global(&mut self, key: Option<&str>, v: Val<'a>) {
        let runs = self.inline_depth > 0
            || !self
                .frames
                .iter()
                .any(|f| matches!(f, Frame::Function { .. }));
        let Some(module) = self.scopes.first_mut() else {
            return;
        };
        match key {
            Some(k) if runs => {
                module.insert(Cow::Owned(k.to_string()), v);
            }
            Some(k) => {
                if let Some(old) = module.get_mut(k) {
                    *old = Val::unknown().with_flows(old.deep_flows() | v.deep_flows());
                }
            }
            None => {
                for old in module.values_mut() {
                    if matches!(old.v, V::Str(_) | V::Bytes(_) | V::List(_) | V::Dict(_)) {
                        *old = Val::unknown().with_flows(old.deep_flows() | v.deep_flows());
                    }
                }
            }
        }
    }

    /// An attribute set by name (`obj.__dict__[k] = v`): `obj.k`, or, when the name does
    /// not fold, every attribute of `obj` is unknown from here.
    pub(super) fn store_attribute(&mut self, obj: &str, key: Option<&str>, v: Val<'a>) {
        match key {
            Some(k) => self.bind_key(Cow::Owned(format!("{obj}.{k}")), v),
            None => self.forget_attributes_of(obj),
        }
    }

    /// `globals().update(...)`, `globals().__setitem__(k, v)` and the other changes of the
    /// module's names through the mapping `globals()` / `vars()` / `locals()` return, and
    /// the same on `obj.__dict__` (`dict_obj`: the object's name).
    pub(super) fn change_namespace(
        &mut self,
        dict_obj: Option<&str>,
        m: &str,
        args: &[Val<'a>],
        kwargs: &[(Option<&'a str>, Val<'a>)],
    ) {
        let store = |walker: &mut Self, k: Option<&str>, v: Val<'a>| match dict_obj {
            Some(obj) => walker.store_attribute(obj, k, v),
            None => walker.store_global(k, v),
        };
        match (m, args) {
            ("__setitem__", [k, v]) => store(self, k.as_str(), v.clone()),
            // Sets only a name not set yet.
            ("setdefault", [k, v]) => {
                let set = k.as_str().is_some_and(|k| match dict_obj {
                    Some(obj) => self.is_bound(&format!("{obj}.{k}")),
                    None => self.scopes.first().is_some_and(|m| m.contains_key(k)),
                });
                if !set {
                    store(self, k.as_str(), v.clone());
                }
            }
            ("update", _) => {
                let mut known = true;
                for a in args {
                    match &a.v {
                        V::Dict(items) => {
                            for (k, v) in items.iter() {
                                store(self, k.as_str(), v.clone());
                            }
                        }
                        _ => known = false,
                    }
                }
                for (k, v) in kwargs {
                    match k {
                        Some(k) => store(self, Some(k), v.clone()),
                        None => known = false,
                    }
                }
                if !known {
                    store(self, None, Val::unknown());
                }
            }
            ("get" | "keys" | "values" | "items" | "copy" | "__getitem__" | "__contains__", _) => {}
            // `pop`, `clear`, `__delitem__`, ...: whatever it removes is unknown.
            _ => store(self, None, Val::unknown()),
        }
    }

    /// `target op= rhs`. On a list, dict or bytearray Python changes the value in place
    /// (`b = a; b += [x]` changes `a`): what else still holds the old contents is forgotten.
    pub(super) fn aug_assign(
        &mut self,
        target: &'a Expr,
        cur: Val<'a>,
        op: Operator,
        rhs: Val<'a>,
    ) {
        let old = cur.container_weak();
        let v = self.binop(cur, op, rhs);
        let new = v.container_ptr();
        self.bind(target, v);
        if let Some(held) = old.and_then(|w| w.held()) {
            if new != Some(held) {
                self.forget_holders(held);
            }
        }
    }

    /// A change to the value of `e` (`base`, already evaluated), made by `change` on its
    /// place: `x[k] = v`, `parts[0].append(c)`, `del d[k]`. When `e` has no place the value
    /// is reached from (`f()[0] = v`), what holds the container is forgotten; when `base`
    /// did not fold, the container at the root of `e` is (`d[unknown].append(c)`).
    pub(super) fn changed_through(
        &mut self,
        e: &'a Expr,
        base: Val<'a>,
        change: impl FnOnce(&mut Self, &Place<'a>),
    ) {
        let ptr = base.container_ptr();
        let known = base.is_known();
        // The receiver's copy goes first, so that a value bound once is changed in place
        // (a loop of appends stays linear).
        drop(base);
        if ptr.is_none() && known {
            // Not a container: nothing to change (`os.environ.update(...)`, `obj.items[0]`).
            return;
        }
        match self.place(e) {
            Some(place) if ptr.is_some() => change(self, &place),
            Some(place) => self.forget_place(&place),
            None => {
                if let Some(old) = ptr {
                    self.forget_holders(old);
                }
            }
        }
    }

    /// The innermost binding of a name, to change it in place.
    pub(super) fn binding_mut(&mut self, name: &str) -> Option<&mut Val<'a>> {
        self.scopes.iter_mut().rev().find_map(|s| s.get_mut(name))
    }

    /// `x.append(v)` and the like change the list, dict or bytearray bound to `x` in place:
    /// what was folded before the call no longer holds after it (a list filled by appends and
    /// joined had folded to its empty start). Modelled: `append`, `extend`, `insert`,
    /// `reverse` and `clear` on lists, `append` and `extend` on bytes (bytearrays); any other
    /// change leaves the name unknown, with its flows.
    pub(super) fn mutate(&mut self, place: &Place<'a>, m: &str, args: &[Val<'a>]) {
        let max = self.budget.max_value;
        let mut shared = Vec::new();
        let Some(slot) = self.slot_at(place, &mut shared) else {
            self.forget_place(place);
            return;
        };
        shared.extend(slot.container_shared());
        let done = match (&mut slot.v, m, args) {
            (V::List(items), "append", [v]) if items.len() < MAX_ITEMS => {
                Rc::make_mut(items).push(v.clone());
                true
            }
            (V::List(items), "extend", [v]) => {
                match v.iter_items(MAX_ITEMS.saturating_sub(items.len())) {
                    Some(more) => {
                        Rc::make_mut(items).extend(more);
                        true
                    }
                    None => false,
                }
            }
            (V::List(items), "insert", [at, v]) if items.len() < MAX_ITEMS => match at.as_int() {
                Some(i) => {
                    let n = items.len();
                    let at = if i < 0 {
                        norm_index(i, n)
                    } else {
                        (i as usize).min(n)
                    };
                    Rc::make_mut(items).insert(at, v.clone());
                    true
                }
                None => false,
            },
            (V::List(items), "reverse", []) => {
                Rc::make_mut(items).reverse();
                true
            }
            (V::List(items), "clear", []) => {
                Rc::make_mut(items).clear();
                true
            }
            (V::Dict(items), "update", [other]) => match &other.v {
                V::Dict(more)
                    if more
                        .iter()
                        .all(|(k, _)| matches!(k.v, V::Str(_) | V::Int(_))) =>
                {
                    let items = Rc::make_mut(items);
                    for (k, v) in more.iter() {
                        match items.iter_mut().find(|(kk, _)| same_key(kk, k)) {
                            Some((_, old)) => *old = v.clone(),
                            None => items.push((k.clone(), v.clone())),
                        }
                    }
                    true
                }
                _ => false,
            },
            (V::Bytes(b), "append" | "extend", [v]) => {
                let more: Option<Vec<u8>> = match (&v.v, m) {
                    (_, "append") => v
                        .as_int()
                        .and_then(|x| u8::try_from(x).ok())
                        .map(|x| vec![x]),
                    (V::Bytes(x), _) => Some(x.to_vec()),
                    _ => v.iter_items(max).and_then(|items| {
                        items
                            .iter()
                            .map(|i| i.as_int().and_then(|x| u8::try_from(x).ok()))
                            .collect()
                    }),
                };
                match more {
                    Some(more) if b.len() + more.len() <= max => {
                        *b = [&b[..], &more[..]].concat().into();
                        true
                    }
                    _ => false,
                }
            }
            _ => false,
        };
        let flows = args.iter().fold(0, |f, a| f | a.deep_flows());
        if done {
            slot.flows |= flows;
        } else {
            *slot = Val::unknown().with_flows(slot.deep_flows() | flows);
        }
        for old in shared {
            self.forget_holders(old);
        }
    }

    /// `x[k] = v`: the item of the list, dict or bytearray bound to `x`, when the key is
    /// known; otherwise the name is unknown from here.
    pub(super) fn store_item(&mut self, place: &Place<'a>, key: &Val<'a>, v: Val<'a>) {
        let mut shared = Vec::new();
        let Some(slot) = self.slot_at(place, &mut shared) else {
            self.forget_place(place);
            return;
        };
        shared.extend(slot.container_shared());
        let done = match (&mut slot.v, &key.v) {
            (V::List(items), V::Int(i)) => {
                let at = norm_index(*i, items.len());
                if (*i >= 0 || (i.unsigned_abs() as usize) <= items.len()) && at < items.len() {
                    Rc::make_mut(items)[at] = v.clone();
                    true
                } else {
                    false
                }
            }
            (V::Dict(items), V::Str(_) | V::Int(_)) => {
                let items = Rc::make_mut(items);
                match items.iter_mut().find(|(k, _)| same_key(k, key)) {
                    Some((_, old)) => *old = v.clone(),
                    None => items.push((key.clone(), v.clone())),
                }
                true
            }
            (V::Bytes(b), V::Int(i)) => match v.as_int().and_then(|x| u8::try_from(x).ok()) {
                Some(x) => {
                    let at = norm_index(*i, b.len());
                    if (*i >= 0 || (i.unsigned_abs() as usize) <= b.len()) && at < b.len() {
                        let mut nb = b.to_vec();
                        nb[at] = x;
                        *b = nb.into();
                        true
                    } else {
                        false
                    }
                }
                None => false,
            },
            _ => false,
        };
        if !done {
            *slot = Val::unknown().with_flows(slot.deep_flows() | v.deep_flows());
        }
        for old in shared {
            self.forget_holders(old);
        }
    }

    /// Where a change through `e` lands: `x`, a bound attribute chain `k.parts`, or an item
    /// of one (`parts[0]`, `d["code"]`, `k.parts[i]`), with the item keys folded (silently:
    /// the walk of `e` made the facts). None for anything else (`f().append(x)`).
    pub(super) fn place(&mut self, e: &'a Expr) -> Option<Place<'a>> {
        match e {
            Expr::Name(n) => Some(Place {
                root: Cow::Borrowed(n.id.as_str()),
                keys: Vec::new(),
            }),
            Expr::Attribute(_) => {
                let key = dotted(e)?;
                self.is_bound(&key).then(|| Place {
                    root: Cow::Owned(key),
                    keys: Vec::new(),
                })
            }
            Expr::Subscript(sub) => {
                let mut place = self.place(&sub.value)?;
                let emit = std::mem::replace(&mut self.emit, false);
                let key = self.eval(&sub.slice);
                self.emit = emit;
                place.keys.push(key);
                Some(place)
            }
            _ => None,
        }
    }

    /// The value a place holds, to change in place: containers on the way that something
    /// else holds too are copied first (their addresses go to `shared`: those other holders
    /// see the change in Python, and are forgotten after it). None when a key does not fold
    /// or does not select an item.
    fn slot_at(&mut self, place: &Place<'a>, shared: &mut Vec<*const ()>) -> Option<&mut Val<'a>> {
        let mut slot = self.binding_mut(&place.root)?;
        for key in &place.keys {
            shared.extend(slot.container_shared());
            slot = match (&mut slot.v, &key.v) {
                (V::List(items), V::Int(i)) => {
                    let n = items.len();
                    let at = norm_index(*i, n);
                    if (*i < 0 && i.unsigned_abs() as usize > n) || at >= n {
                        return None;
                    }
                    &mut Rc::make_mut(items)[at]
                }
                (V::Dict(items), V::Str(_) | V::Int(_)) => Rc::make_mut(items)
                    .iter_mut()
                    .find(|(k, _)| same_key(k, key))
                    .map(|(_, v)| v)?,
                _ => return None,
            };
        }
        Some(slot)
    }

    /// A change through a place that could not be followed (a key that does not fold): the
    /// container at its root, and whatever else holds it, are unknown from here.
    fn forget_place(&mut self, place: &Place<'a>) {
        let Some(slot) = self.binding_mut(&place.root) else {
            return;
        };
        if !slot.is_container() {
            return;
        }
        let shared = slot.container_shared();
        *slot = Val::unknown().with_flows(slot.deep_flows());
        if let Some(old) = shared {
            self.forget_holders(old);
        }
    }

    /// After a change to a container that other values held too (`b = a; a.append(x)`,
    /// `outer = [inner]; inner.append(x)`): every binding holding it, at any depth, is unknown
    /// from here rather than holding the contents from before the change.
    fn forget_holders(&mut self, old: *const ()) {
        let mut budget = MAX_HOLDER_SEARCH;
        for scope in &mut self.scopes {
            for v in scope.values_mut() {
                if v.holds_container(old, &mut budget) {
                    *v = Val::unknown().with_flows(v.deep_flows());
                }
            }
        }
    }

    /// After a call that may have set attributes of `x` and was not run in full: what was
    /// bound to `x.<attr>` is unknown.
    pub(super) fn forget_attributes_of(&mut self, x: &str) {
        for scope in &mut self.scopes {
            for (k, v) in scope.iter_mut() {
                if k.strip_prefix(x).is_some_and(|r| r.starts_with('.')) {
                    *v = Val::unknown().with_flows(v.deep_flows());
                }
            }
        }
    }

    /// A call to a function that sets module globals (`global code; code = ...`) or names
    /// of the function around it (`nonlocal`) and was not run in full: those names are
    /// unknown after it, rather than holding their values from before the call.
    pub(super) fn forget_globals_of(&mut self, d: &'a ast::StmtFunctionDef) {
        let key = std::ptr::from_ref(d) as usize;
        let names = match self.def_globals.get(&key) {
            Some(n) => n.clone(),
            None => {
                let n: Rc<[(&'a str, bool)]> = declared_globals(&d.body).into();
                self.def_globals.insert(key, n.clone());
                n
            }
        };
        for &(name, module) in names.iter() {
            let slot = if module {
                self.scopes.first_mut().and_then(|m| m.get_mut(name))
            } else {
                self.binding_mut(name)
            };
            if let Some(v) = slot {
                *v = Val::unknown().with_flows(v.deep_flows());
            }
        }
    }
}

/// A value that can be changed in place: a name or bound attribute chain, then item keys.
pub(super) struct Place<'a> {
    pub(super) root: Cow<'a, str>,
    pub(super) keys: Vec<Val<'a>>,
}

/// Items looked at, per change, for other holders of a changed container; past it every
/// container is taken to hold it (forgetting too much is safe, a stale value is not).
const MAX_HOLDER_SEARCH: usize = 100_000;

/// Methods that change a list, dict or bytearray in place.
pub(super) fn is_mutator(m: &str) -> bool {
    matches!(
        m,
        "append"
            | "extend"
            | "insert"
            | "pop"
            | "remove"
            | "clear"
            | "reverse"
            | "sort"
            | "update"
            | "setdefault"
            | "popitem"
            | "__setitem__"
            | "__delitem__"
            | "__iadd__"
    )
}

/// `sys.modules[__name__]`: the module itself, whose attributes are its globals.
pub(super) fn is_this_module(e: &Expr) -> bool {
    matches!(e, Expr::Subscript(s)
        if matches!(&*s.slice, Expr::Name(n) if n.id.as_str() == "__name__")
            && dotted(&s.value).as_deref() == Some("sys.modules"))
}

/// `obj` in `obj.__dict__`: the mapping of the object's attributes.
pub(super) fn dict_of(e: &Expr) -> Option<String> {
    match e {
        Expr::Attribute(a) if a.attr.as_str() == "__dict__" => dotted(&a.value),
        _ => None,
    }
}

/// The receiver of a call that changes it in place: `x` in `x.append(...)`, `parts[0]` in
/// `parts[0].extend(...)`.
pub(super) fn mutator_receiver(c: &ExprCall) -> Option<&Expr> {
    let Expr::Attribute(a) = &*c.func else {
        return None;
    };
    is_mutator(a.attr.as_str()).then_some(&*a.value)
}

/// The binding a place is reached from: `x` in `x[0]`, `k.parts` in `k.parts[i]`.
pub(super) fn root_key(e: &Expr) -> Option<Cow<'_, str>> {
    match e {
        Expr::Name(n) => Some(Cow::Borrowed(n.id.as_str())),
        Expr::Attribute(_) => dotted(e).map(Cow::Owned),
        Expr::Subscript(s) => root_key(&s.value),
        _ => None,
    }
}
