//! Abstract values: what the walker knows about an expression's result.

use crate::{FlowSet, Origin, Step};
use ruff_python_ast::{ExprLambda, StmtFunctionDef};
use std::borrow::Cow;
use std::rc::{Rc, Weak};

#[derive(Clone, Debug)]
pub(crate) enum V<'a> {
    Unknown,
    None,
    Bool(bool),
    Int(i64),
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
    /// Lists, tuples and sets alike.
    List(Rc<Vec<Val<'a>>>),
    /// `range(start, stop, step)` (step never 0), kept lazy: a test's `for i in
    /// range(100000)` must not build a hundred thousand values that nothing folds.
    Range(i64, i64, i64),
    Dict(Rc<Vec<(Val<'a>, Val<'a>)>>),
    /// A module, function or attribute reached by a qualified name (`os`, `os.system`).
    Name(Rc<str>),
    /// The result of calling a qualified name (`requests.Session()`): its methods are
    /// `requests.Session.post` and so on.
    Instance(Rc<str>),
    Lambda(&'a ExprLambda),
    Def(&'a StmtFunctionDef),
    /// A code object from `marshal.loads`: bytecode, which cannot be decompiled here.
    Code,
    /// `globals()` / `locals()` / `vars()`: subscripting them resolves names.
    Globals,
    /// `Fernet(key)`: its `decrypt` is a decoder when the key is known.
    Cipher(Rc<[u8]>),
    /// A string known only in part (an f-string with an interpolation that does not fold):
    /// its literal pieces, with U+FFFD for each unknown part. Unknown to everything but the
    /// argument texts of call facts, so that command rules see `f"{python} -m pip install
    /// https://..."`.
    Partial(Rc<str>),
}

/// A value plus what is known of its history.
#[derive(Clone, Debug)]
pub(crate) struct Val<'a> {
    pub v: V<'a>,
    pub flows: FlowSet,
    pub origin: Origin,
    /// Decoding steps that produced this value.
    pub chain: Chain,
    /// Reached through getattr/__import__/string building.
    pub dynamic: bool,
    /// The decoded payload this value is (index into `Facts::payloads`).
    pub payload: Option<u32>,
    /// For a file opened by `open(path)`: the variable naming that path, so that writing
    /// downloaded data through the handle taints the path (download, then run the file).
    pub handle: Option<Rc<str>>,
    /// The call that produced this value (`base64.b64decode`), looking through str/bytes
    /// methods such as `.decode()`; what a code pattern's nested call is matched against.
    pub from: Option<Rc<str>>,
}

impl<'a> Val<'a> {
    pub fn unknown() -> Self {
        Self::new(V::Unknown)
    }
    pub fn new(v: V<'a>) -> Self {
        Self {
            v,
            flows: 0,
            origin: Origin::Literal,
            chain: Chain::default(),
            dynamic: false,
            payload: None,
            handle: None,
            from: None,
        }
    }
    /// A list, dict or bytes value (Python's mutable containers among them).
    pub fn is_container(&self) -> bool {
        matches!(self.v, V::List(_) | V::Dict(_) | V::Bytes(_))
    }
    /// The address of a container's shared contents.
    pub fn container_ptr(&self) -> Option<*const ()> {
        match &self.v {
            V::List(l) => Some(Rc::as_ptr(l).cast()),
            V::Dict(d) => Some(Rc::as_ptr(d).cast()),
            V::Bytes(b) => Some(Rc::as_ptr(b).cast()),
            _ => None,
        }
    }
    /// Whether this value is the container at `ptr` or holds it at any depth. Each container
    /// looked into costs one of `budget`; when it runs out, any container is taken to hold
    /// it. A stack of its own: folded values can nest deeper than the thread's stack.
    pub fn holds_container(&self, ptr: *const (), budget: &mut usize) -> bool {
        if !self.is_container() {
            return false;
        }
        let mut todo: Vec<&Val<'a>> = vec![self];
        while let Some(v) = todo.pop() {
            if !v.is_container() {
                continue;
            }
            if v.container_ptr() == Some(ptr) || *budget == 0 {
                return true;
            }
            *budget -= 1;
            match &v.v {
                V::List(items) => todo.extend(items.iter().filter(|i| i.is_container())),
                V::Dict(items) => {
                    for (k, i) in items.iter() {
                        todo.extend([k, i].into_iter().filter(|x| x.is_container()));
                    }
                }
                _ => {}
            }
        }
        false
    }
    /// A handle on the container's contents that does not keep them alive: after the value
    /// is replaced, whether anything else still holds them.
    pub fn container_weak(&self) -> Option<WeakContainer<'a>> {
        match &self.v {
            V::List(l) => Some(WeakContainer::List(Rc::downgrade(l))),
            V::Dict(d) => Some(WeakContainer::Dict(Rc::downgrade(d))),
            V::Bytes(b) => Some(WeakContainer::Bytes(Rc::downgrade(b))),
            _ => None,
        }
    }
    /// The container's address when something else holds its contents too.
    pub fn container_shared(&self) -> Option<*const ()> {
        let count = match &self.v {
            V::List(l) => Rc::strong_count(l),
            V::Dict(d) => Rc::strong_count(d),
            V::Bytes(b) => Rc::strong_count(b),
            _ => return None,
        };
        if count > 1 {
            self.container_ptr()
        } else {
            None
        }
    }
    pub fn with_flows(mut self, flows: FlowSet) -> Self {
        self.flows |= flows;
        self
    }
    pub fn name(q: &str) -> Self {
        Self::new(V::Name(q.into()))
    }
    pub fn str(s: &str) -> Self {
        Self::new(V::Str(s.into()))
    }
    pub fn is_known(&self) -> bool {
        !matches!(self.v, V::Unknown | V::Partial(_))
    }
    pub fn as_str(&self) -> Option<&str> {
        match &self.v {
            V::Str(s) => Some(s),
            _ => None,
        }
    }
    /// The text of a str, or of bytes decoded lossily, cut to at most `max` bytes (on a
    /// character boundary) without copying the rest: string facts keep a prefix, and a value
    /// can be megabytes.
    pub fn text_prefix(&self, max: usize) -> Option<Cow<'_, str>> {
        match &self.v {
            V::Str(s) => Some(Cow::Borrowed(cut(s, max))),
            // Lossy text of a prefix four bytes longer than `max`: a sequence the cut splits
            // is replaced in that text after position `max`, so the first `max` bytes are
            // those of the whole value's lossy text.
            V::Bytes(b) => Some(match lossy(&b[..b.len().min(max + 4)]) {
                Cow::Borrowed(t) => Cow::Borrowed(cut(t, max)),
                Cow::Owned(t) => Cow::Owned(cut(&t, max).to_string()),
            }),
            _ => None,
        }
    }
    /// Raw bytes of a str (UTF-8) or bytes value.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match &self.v {
            V::Str(s) => Some(s.as_bytes()),
            V::Bytes(b) => Some(b),
            _ => None,
        }
    }
    pub fn as_int(&self) -> Option<i64> {
        match self.v {
            V::Int(i) => Some(i),
            V::Bool(b) => Some(i64::from(b)),
            _ => None,
        }
    }
    pub fn qualified(&self) -> Option<&str> {
        match &self.v {
            V::Name(q) => Some(q),
            _ => None,
        }
    }
    /// Elements of a list/tuple/set, characters of a str, ints of bytes.
    pub fn iter_items(&self, max: usize) -> Option<Vec<Val<'a>>> {
        let inherit = |mut v: Val<'a>| {
            v.flows |= self.flows;
            v
        };
        match &self.v {
            V::List(items) if items.len() <= max => {
                Some(items.iter().cloned().map(inherit).collect())
            }
            V::Str(s) if s.len() <= max => Some(
                s.chars()
                    .map(|c| inherit(Val::str(c.encode_utf8(&mut [0; 4]))))
                    .collect(),
            ),
            V::Bytes(b) if b.len() <= max => Some(
                b.iter()
                    .map(|&x| inherit(Val::new(V::Int(i64::from(x)))))
                    .collect(),
            ),
            V::Dict(items) if items.len() <= max => {
                Some(items.iter().map(|(k, _)| inherit(k.clone())).collect())
            }
            &V::Range(start, stop, step) if range_len(start, stop, step) <= max => Some(
                range_ints(start, stop, step)
                    .map(|i| inherit(Val::new(V::Int(i))))
                    .collect(),
            ),
            _ => None,
        }
    }
    /// Folded string texts inside this value (flattening containers), bounded.
    pub fn collect_strings(&self, out: &mut Vec<String>, budget: &mut usize) {
        self.collect_texts(out, budget, false);
    }
    /// [`Val::collect_strings`], with the partial texts of f-strings when `partial`.
    pub fn collect_texts(&self, out: &mut Vec<String>, budget: &mut usize, partial: bool) {
        self.for_each_text(budget, partial, &mut |v| match v {
            V::Str(s) | V::Partial(s) => out.push(truncate(s, 4096)),
            V::Bytes(b) => out.push(truncate(&lossy(&b[..b.len().min(4096)]), 4096)),
            _ => {}
        });
    }
    /// Each str or bytes value inside this value (flattening containers), and each partial
    /// string when `partial`, at most `room`.
    pub fn for_each_text<F: FnMut(&V<'a>)>(&self, room: &mut usize, partial: bool, f: &mut F) {
        if *room == 0 {
            return;
        }
        match &self.v {
            V::Str(_) | V::Bytes(_) => {
                *room -= 1;
                f(&self.v);
            }
            V::Partial(_) if partial => {
                *room -= 1;
                f(&self.v);
            }
            V::List(items) => items.iter().for_each(|i| i.for_each_text(room, partial, f)),
            V::Dict(items) => items.iter().for_each(|(k, v)| {
                k.for_each_text(room, partial, f);
                v.for_each_text(room, partial, f);
            }),
            _ => {}
        }
    }
    /// Union of flows inside containers too.
    pub fn deep_flows(&self) -> FlowSet {
        let mut f = self.flows;
        match &self.v {
            V::List(items) => items.iter().for_each(|i| f |= i.deep_flows()),
            V::Dict(items) => items
                .iter()
                .for_each(|(k, v)| f |= k.deep_flows() | v.deep_flows()),
            _ => {}
        }
        f
    }
}

/// A container's contents, not kept alive (see `Val::container_weak`).
pub(crate) enum WeakContainer<'a> {
    List(Weak<Vec<Val<'a>>>),
    Dict(Weak<Vec<(Val<'a>, Val<'a>)>>),
    Bytes(Weak<[u8]>),
}

impl WeakContainer<'_> {
    /// The contents' address while something still holds them.
    pub fn held(&self) -> Option<*const ()> {
        let (count, ptr) = match self {
            WeakContainer::List(w) => (w.strong_count(), w.as_ptr().cast()),
            WeakContainer::Dict(w) => (w.strong_count(), w.as_ptr().cast()),
            WeakContainer::Bytes(w) => (w.strong_count(), w.as_ptr().cast()),
        };
        (count > 0).then_some(ptr)
    }
}

/// The decoding steps that produced a value, shared between the values derived from it. Most
/// values were never decoded: theirs is empty, and holds no allocation (a malloc per value was
/// a tenth of a scan; a shared empty `Rc` still cost a thread-local access and two counter
/// updates per value).
#[derive(Clone, Debug, Default)]
pub(crate) struct Chain(Option<Rc<Vec<Step>>>);

impl Chain {
    /// Appends a step, copying the steps first if another value shares them.
    pub fn push(&mut self, step: Step) {
        Rc::make_mut(self.0.get_or_insert_with(Rc::default)).push(step);
    }
}

impl std::ops::Deref for Chain {
    type Target = [Step];
    fn deref(&self) -> &[Step] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }
}

impl From<Vec<Step>> for Chain {
    fn from(steps: Vec<Step>) -> Self {
        Chain((!steps.is_empty()).then(|| Rc::new(steps)))
    }
}

/// How many items `range(start, stop, step)` has (`step` != 0), without overflow.
pub(crate) fn range_len(start: i64, stop: i64, step: i64) -> usize {
    let (a, b, s) = (i128::from(start), i128::from(stop), i128::from(step));
    let n = match s {
        s if s > 0 && b > a => (b - a + s - 1) / s,
        s if s < 0 && a > b => (a - b - s - 1) / -s,
        _ => 0,
    };
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// The items of `range(start, stop, step)` (`step` != 0).
pub(crate) fn range_ints(start: i64, stop: i64, step: i64) -> impl Iterator<Item = i64> {
    let n = range_len(start, stop, step);
    // Every item lies between start and stop, so none overflows.
    (0..n).map(move |i| (i128::from(start) + i as i128 * i128::from(step)) as i64)
}

/// `range(start, stop, step)[index]` (negative counts from the end), computed, not
/// iterated: `range(10**15)[-1]` is one multiplication.
pub(crate) fn range_item(start: i64, stop: i64, step: i64, index: i64) -> Option<i64> {
    let len = i128::try_from(range_len(start, stop, step)).ok()?;
    let i = if index < 0 {
        len + i128::from(index)
    } else {
        i128::from(index)
    };
    if !(0..len).contains(&i) {
        return None;
    }
    i64::try_from(i128::from(start) + i * i128::from(step)).ok()
}

/// `String::from_utf8_lossy`, with valid UTF-8 checked first by `str::from_utf8`, whose ASCII
/// fast path reads a word at a time where the lossy decoder goes byte by byte: decoded
/// payloads are megabytes, and this was 2 % of a malicious batch's instructions.
pub(crate) fn lossy(b: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(b) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(b),
    }
}

pub(crate) fn truncate(s: &str, max: usize) -> String {
    cut(s, max).to_string()
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
pub(crate) fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
