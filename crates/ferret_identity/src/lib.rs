//! Package identity checks: is a name imitating a popular PyPI project (typosquatting), does a
//! repository URL belong to the package that claims it (starjacking), does the declared metadata
//! look like a real project's ([`check_metadata`], [`check_entry_points`]), and does a wheel
//! match its own `RECORD` ([`check_record`])?
//!
//! The popular names are data (`rules/identity/popular.txt`, most downloaded first) and so is
//! the allowlist of legitimate look-alike pairs (`rules/identity/allowlist.txt`).
//!
//! ```
//! use ferret_identity::{parse_repo_url, repo_matches_package, PopularList, Technique};
//!
//! let list = PopularList::builtin();
//! let hit = list.check_typosquat("reqeusts").unwrap();
//! assert_eq!((hit.imitates.as_str(), hit.rank), ("requests", 6));
//! assert_eq!(hit.technique, Technique::Transposition);
//! assert!(list.check_typosquat("requests").is_none());
//!
//! let (owner, repo) = parse_repo_url("https://github.com/psf/requests.git").unwrap();
//! assert!(repo_matches_package(&owner, &repo, "requests"));
//! assert!(!repo_matches_package(&owner, &repo, "reqeusts"));
//! ```
//!
//! # Quietness
//!
//! [`PopularList::self_check`] treats every popular name as if it were unknown (removes it from
//! the list) and asks whether it would be flagged as imitating another one: an estimate of the
//! false-positive rate on legitimate, less popular packages. On the shipped list of 14,985
//! names the rules alone flag 71 (0.47 %), and 6 (0.04 %) remain once the allowlist's 62
//! legitimate pairs are applied; `rules/identity/README.md` has the details.

mod confusable;
mod fuzzy;
mod hash;
mod metadata;
mod record;
mod repo;

use std::borrow::Cow;
use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use confusable::{fold_unicode, skeleton_chars, skeleton_may_start, visual_skeleton};
use fuzzy::DeletionIndex;
use hash::{hash_bytes, FxHashMap, FxHashSet};
pub use metadata::{
    check_entry_points, check_metadata, entry_points_from_setup_kwarg, parse_entry_points_ini,
    parse_pyproject, version_is_anomalous, EntryPoint, Metadata, Signal,
};
pub use record::{check_record, RecordMember};
pub use repo::{parse_repo_url, repo_matches_package};

// How far down the list (by rank) each technique looks for a target. Squatting pays in
// proportion to the target's downloads, so attacks concentrate at the top of the list, while
// legitimate look-alike siblings (`pyarrow`/`arrow`, `aiofile`/`aiofiles`) are spread all over
// it: the weaker a technique's signal, the shorter its reach. Homoglyphs reach the whole list.

/// Slips of the hand on words of 6+ letters (transposed, doubled, dropped letters, neighbouring
/// keys); transpositions also on 4-5 letter words.
pub const REACH_TYPO: usize = 3_000;
/// Slips on 5-letter words, arbitrary edits, separator games, singular/plural.
pub const REACH_NEAR: usize = 1_000;
/// Affixes added (`requests2`) or the `py`/`python` marker removed (`dateutil`).
pub const REACH_AFFIX: usize = 300;

/// Shortest stem left after removing an affix: `py` + `yaml` is a pair, `num` + `py` is not.
const MIN_STEM: usize = 4;

/// How a name imitates a popular one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Technique {
    /// Look-alike characters: `rn`/`m`, `vv`/`w`, `0`/`o`, `1`/`l`, Cyrillic or Greek letters.
    Homoglyph,
    /// Two adjacent letters swapped: `reqeusts`.
    Transposition,
    /// A letter typed twice: `requestts`.
    DoubledLetter,
    /// A letter left out: `requets`.
    DroppedLetter,
    /// A letter replaced by a neighbouring key: `reqiests`.
    KeyboardNeighbour,
    /// Any other edits, at this distance.
    EditDistance(u8),
    /// Separators added, removed or moved, or words reordered: `dateutil-python`.
    Separator,
    /// A common affix added to (`added`) or removed from the popular name: `requests2`.
    Affix { affix: &'static str, added: bool },
    /// Singular for plural or the reverse: `request`.
    Plural,
}

impl fmt::Display for Technique {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Technique::Homoglyph => f.write_str("look-alike characters"),
            Technique::Transposition => f.write_str("swapped letters"),
            Technique::DoubledLetter => f.write_str("doubled letter"),
            Technique::DroppedLetter => f.write_str("dropped letter"),
            Technique::KeyboardNeighbour => f.write_str("neighbouring key"),
            Technique::EditDistance(d) => write!(f, "edit distance {d}"),
            Technique::Separator => f.write_str("separators or word order changed"),
            Technique::Affix { affix, added: true } => write!(f, "affix '{affix}' added"),
            Technique::Affix {
                affix,
                added: false,
            } => write!(f, "affix '{affix}' removed"),
            Technique::Plural => f.write_str("singular/plural swapped"),
        }
    }
}

/// A name found imitating a popular one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TyposquatHit {
    /// The popular name imitated (normalised).
    pub imitates: String,
    /// Its rank, 1 = most downloaded.
    pub rank: usize,
    pub technique: Technique,
}

/// Normalises a project name per PEP 503: runs of `-`, `_`, `.` become one `-`, then lowercase.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    normalize_into(&mut out, name);
    out
}

/// [`normalize`], appending to `out`: parsing writes every name into one shared string.
fn normalize_into(out: &mut String, name: &str) {
    let mut in_separator = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_separator {
                out.push('-');
            }
            in_separator = true;
        } else {
            in_separator = false;
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        }
    }
}

/// If `normalize` would return `name` unchanged (lowercase ASCII letters, digits and single `-`
/// separators), its number of non-separator bytes. The shipped list is normalised already, so
/// parsing copies its lines whole and counts their letters in the same pass.
fn normalized_letters(name: &[u8]) -> Option<usize> {
    let mut prev = 0;
    let mut letters = 0;
    for &b in name {
        if b.is_ascii_lowercase() || b.is_ascii_digit() {
            letters += 1;
        } else if b != b'-' || prev == b'-' {
            return None;
        }
        prev = b;
    }
    Some(letters)
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Prefix,
    Suffix,
}

struct Affix {
    text: &'static str,
    side: Side,
    /// May touch the stem directly (`pyyaml`, `requests2`); otherwise needs a separator
    /// (`requests-api`, not `fastapi`).
    bare: bool,
    /// Also checked removed from a popular name: the `python`/`py` markers, whose removal gives
    /// the import name people type (`python-dateutil` → `dateutil`, `pyyaml` → `yaml`), and
    /// version digits (`urllib` for `urllib3`).
    removable: bool,
}

const fn affix(text: &'static str, side: Side, bare: bool, removable: bool) -> Affix {
    Affix {
        text,
        side,
        bare,
        removable,
    }
}

/// Affixes squatters add to a real name. Longer forms come first so `python3-x` strips whole.
const AFFIXES: &[Affix] = &[
    affix("python3", Side::Prefix, true, false),
    affix("python", Side::Prefix, true, true),
    affix("py3", Side::Prefix, true, false),
    affix("py", Side::Prefix, true, true),
    affix("python3", Side::Suffix, true, false),
    affix("python", Side::Suffix, true, true),
    affix("py", Side::Suffix, true, true),
    affix("lib", Side::Suffix, true, false),
    affix("api", Side::Suffix, false, false),
    affix("sdk", Side::Suffix, false, false),
    affix("2", Side::Suffix, true, true),
    affix("3", Side::Suffix, true, true),
];

/// The stem left after removing `affix` from `s`, separators trimmed.
fn strip_affix<'a>(s: &'a str, affix: &Affix) -> Option<&'a str> {
    let &Affix {
        text, side, bare, ..
    } = affix;
    let rest = match side {
        Side::Prefix => s.strip_prefix(text)?,
        Side::Suffix => s.strip_suffix(text)?,
    };
    let touches_separator = match side {
        Side::Prefix => rest.starts_with('-'),
        Side::Suffix => rest.ends_with('-'),
    };
    if !bare && !touches_separator {
        return None;
    }
    let stem = rest.trim_matches('-');
    (stem.len() >= MIN_STEM).then_some(stem)
}

fn squash(s: &str) -> String {
    s.replace('-', "")
}

/// Words sorted, so `dateutil-python` and `python-dateutil` share a key. Single words have none.
fn token_key(s: &str) -> Option<String> {
    let mut tokens: Vec<&str> = s.split('-').filter(|t| !t.is_empty()).collect();
    if tokens.len() < 2 {
        return None;
    }
    tokens.sort_unstable();
    Some(tokens.join("-"))
}

/// The two most popular names under one key, with a tag (affix index). Two are enough because
/// the self-check removes only one name at a time.
#[derive(Clone, Copy)]
struct Best2([(u32, u8); 2]);

impl Best2 {
    const EMPTY: (u32, u8) = (u32::MAX, 0);
    const NONE: Best2 = Best2([Best2::EMPTY; 2]);

    fn push(&mut self, idx: u32, tag: u8) {
        if self.0.iter().any(|e| e.0 == idx) {
            return;
        }
        if idx < self.0[0].0 {
            self.0 = [(idx, tag), self.0[0]];
        } else if idx < self.0[1].0 {
            self.0[1] = (idx, tag);
        }
    }

    /// Whether a later (less popular) name can still change it: a scan in rank order stops here.
    fn is_full(&self) -> bool {
        self.0[1].0 != u32::MAX
    }
}

fn insert_best(map: &mut FxHashMap<String, Best2>, key: String, idx: u32, tag: u8) {
    map.entry(key).or_insert(Best2::NONE).push(idx, tag);
}

/// After this many look-ups a list builds its indexes (see [`PopularList`]): by then the scans
/// have cost about as much as building them, which then makes each look-up far cheaper.
const INDEX_AFTER: u32 = 100;

/// Marks an empty slot of the exact-name table.
const EMPTY_SLOT: u32 = u32::MAX;

/// Where a name lies in [`PopularList::text`], and its length without separators (the length
/// of its separator and word-order keys, which lets scans skip most names with one comparison).
#[derive(Clone, Copy)]
struct Span {
    start: u32,
    end: u32,
    letters: u32,
}

/// The keyed look-ups: each maps a key derived from a popular name to the best names with it.
#[derive(Clone, Copy)]
enum Key {
    /// Separators removed ([`squash`]).
    Squashed,
    /// Words sorted ([`token_key`]).
    Tokens,
    /// Look-alike sequences merged ([`visual_skeleton`]).
    Visual,
    /// One removable affix removed, top [`REACH_AFFIX`] names only; the tag is the affix.
    Stripped,
}

/// The hash maps and deletion index that answer look-ups in batch use.
#[derive(Default)]
struct Indexes {
    squashed: FxHashMap<String, Best2>,
    tokens: FxHashMap<String, Best2>,
    visual: FxHashMap<String, Best2>,
    stripped: FxHashMap<String, Best2>,
    fuzzy: DeletionIndex,
}

impl Indexes {
    fn map(&self, key: Key) -> &FxHashMap<String, Best2> {
        match key {
            Key::Squashed => &self.squashed,
            Key::Tokens => &self.tokens,
            Key::Visual => &self.visual,
            Key::Stripped => &self.stripped,
        }
    }
}

/// Popular project names in rank order, indexed for the typosquatting checks.
///
/// A one-shot scan checks a name or two and must start in a few milliseconds, so parsing keeps
/// only the names (in one string) and a table of exact names; keyed look-ups and fuzzy matches
/// scan the names in rank order, skipping by length. After 100 look-ups, or for
/// [`PopularList::self_check`], hash maps and a deletion index are built once and answer
/// instead. Both paths give the same answers: the maps are filled in rank order with the same
/// keys, and the index finds every name a fuzzy match could accept.
#[derive(Default)]
pub struct PopularList {
    /// Every name back to back: one allocation instead of one per name (or the shipped file
    /// itself, whose lines are names already).
    text: Cow<'static, str>,
    spans: Vec<Span>,
    /// Open-addressing table (linear probing, at most half full) of name indices by name.
    exact: Vec<u32>,
    /// Legitimate look-alike pairs, as "a b" with a < b.
    allow: FxHashSet<String>,
    queries: AtomicU32,
    indexes: OnceLock<Indexes>,
}

impl fmt::Debug for PopularList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PopularList")
            .field("names", &self.len())
            .field("allowlisted_pairs", &self.allow.len())
            .finish()
    }
}

static BUILTIN: OnceLock<PopularList> = OnceLock::new();

/// `rules/identity/popular.txt`: generated, normalised, one name per line.
const SHIPPED_LIST: &str = include_str!("../../../rules/identity/popular.txt");

impl PopularList {
    /// The list and allowlist shipped in `rules/identity/`, built once.
    pub fn builtin() -> &'static PopularList {
        BUILTIN.get_or_init(|| {
            PopularList::parse_shipped(SHIPPED_LIST)
                .with_allowlist(include_str!("../../../rules/identity/allowlist.txt"))
                .expect("shipped allowlist parses")
        })
    }

    /// The shipped list, whose lines are normalised names without repeats (a test checks that
    /// [`PopularList::parse`] gives the same list): its lines are used in place, so start-up
    /// pays for one pass over the bytes and the exact-name table, not for normalising and
    /// copying 15,000 names.
    fn parse_shipped(text: &'static str) -> PopularList {
        let offset = |n: usize| u32::try_from(n).expect("popular list under 4 GiB");
        let mut spans = Vec::with_capacity(text.len() / 8);
        let bytes = text.as_bytes();
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', bytes).chain([bytes.len()]) {
            let line = &bytes[start..end];
            if !line.is_empty() && line[0] != b'#' {
                // Counted by hand: a memchr call costs more on lines this short.
                let separators = line.iter().filter(|&&b| b == b'-').count();
                spans.push(Span {
                    start: offset(start),
                    end: offset(end),
                    letters: offset(line.len() - separators),
                });
            }
            start = end + 1;
        }
        let mut list = PopularList {
            text: Cow::Borrowed(text),
            exact: vec![EMPTY_SLOT; (2 * spans.len() + 1).next_power_of_two()],
            spans,
            ..PopularList::default()
        };
        for i in 0..list.spans.len() as u32 {
            let (slot, _) = list.probe(list.name(i));
            list.exact[slot] = i;
        }
        list
    }

    /// Parses one name per line, most popular first; `#` starts a comment line and blank lines
    /// are skipped. Names are normalised; a repeat keeps its first (better) rank.
    pub fn parse(text: &str) -> PopularList {
        // Sized once for every line, so nothing grows and the table stays at most half full.
        let lines = text.bytes().filter(|&b| b == b'\n').count() + 1;
        let mut list = PopularList {
            text: Cow::Owned(String::with_capacity(text.len())),
            spans: Vec::with_capacity(lines),
            exact: vec![EMPTY_SLOT; (2 * lines).next_power_of_two()],
            ..PopularList::default()
        };
        // Split by hand: `str::lines` calls memchr per line, which costs more than it saves on
        // lines this short.
        let mut rest = text;
        while !rest.is_empty() {
            let end = rest.bytes().position(|b| b == b'\n').unwrap_or(rest.len());
            let line = rest[..end].trim();
            rest = rest.get(end + 1..).unwrap_or("");
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            // Normalised straight into the shared string; dropped again if it is a repeat.
            let start = list.text.len();
            let letters = match normalized_letters(line.as_bytes()) {
                Some(letters) => {
                    list.text.to_mut().push_str(line);
                    letters
                }
                None => {
                    normalize_into(list.text.to_mut(), line);
                    list.text[start..].bytes().filter(|&b| b != b'-').count()
                }
            };
            let (slot, found) = list.probe(&list.text[start..]);
            if found.is_some() {
                list.text.to_mut().truncate(start);
                continue;
            }
            list.exact[slot] = list.spans.len() as u32;
            let offset = |n: usize| u32::try_from(n).expect("popular list under 4 GiB");
            list.spans.push(Span {
                start: offset(start),
                end: offset(list.text.len()),
                letters: offset(letters),
            });
        }
        list
    }

    /// The exact-table slot holding `name`, with its index, or else the empty slot ending its
    /// probe run. The table must be non-empty.
    fn probe(&self, name: &str) -> (usize, Option<u32>) {
        let mask = self.exact.len() - 1;
        let mut slot = hash_bytes(name.as_bytes()) as usize & mask;
        loop {
            match self.exact[slot] {
                EMPTY_SLOT => return (slot, None),
                i if self.name(i) == name => return (slot, Some(i)),
                _ => slot = (slot + 1) & mask,
            }
        }
    }

    /// Index of a normalised name.
    fn index_of(&self, name: &str) -> Option<u32> {
        if self.exact.is_empty() {
            return None;
        }
        self.probe(name).1
    }

    fn name(&self, i: u32) -> &str {
        let span = self.spans[i as usize];
        &self.text[span.start as usize..span.end as usize]
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        (0..self.spans.len() as u32).map(|i| self.name(i))
    }

    /// The batch indexes, built on first use.
    fn indexes(&self) -> &Indexes {
        self.indexes.get_or_init(|| self.build_indexes())
    }

    fn build_indexes(&self) -> Indexes {
        let mut ix = Indexes::default();
        for (i, name) in self.names().enumerate() {
            let idx = i as u32;
            // `pythondateutil`, `python-date-util` and `python-dateutil` share a key.
            insert_best(&mut ix.squashed, squash(name), idx, 0);
            if let Some(key) = token_key(name) {
                insert_best(&mut ix.tokens, key, idx, 0);
            }
            insert_best(&mut ix.visual, visual_skeleton(name), idx, 0);
            if i < REACH_AFFIX {
                for (a, affix) in AFFIXES.iter().enumerate().filter(|(_, a)| a.removable) {
                    if let Some(stem) = strip_affix(name, affix) {
                        insert_best(&mut ix.stripped, stem.to_string(), idx, a as u8);
                    }
                }
            }
        }
        let fuzzy_targets = self
            .names()
            .take(REACH_TYPO)
            .enumerate()
            .filter(|(_, n)| n.len() >= 4)
            .map(|(i, n)| {
                let two = i < REACH_NEAR && n.len() >= fuzzy::GENERIC_D2_MIN;
                (i as u32, n, if two { 2 } else { 1 })
            });
        ix.fuzzy = DeletionIndex::build(fuzzy_targets);
        ix
    }

    /// The best names under `key` of the given kind: from the maps if built, else by a scan in
    /// rank order that makes the same insertions the maps' construction did for this key.
    fn lookup(&self, ix: Option<&Indexes>, kind: Key, key: &str) -> Best2 {
        if let Some(ix) = ix {
            return ix.map(kind).get(key).copied().unwrap_or(Best2::NONE);
        }
        let mut best = Best2::NONE;
        let key_letters = key.bytes().filter(|&b| b != b'-').count();
        for (i, span) in self.spans.iter().enumerate() {
            // Sliced only once a name passes the length checks: most never do.
            let name = || &self.text[span.start as usize..span.end as usize];
            let len = (span.end - span.start) as usize;
            match kind {
                // The key has no separators; the name's letters must be exactly the key.
                Key::Squashed => {
                    if span.letters as usize == key.len()
                        && name().bytes().filter(|&b| b != b'-').eq(key.bytes())
                    {
                        best.push(i as u32, 0);
                    }
                }
                Key::Tokens => {
                    let has_words = (span.letters as usize) < len;
                    if span.letters as usize == key_letters
                        && has_words
                        && token_key(name()).as_deref() == Some(key)
                    {
                        best.push(i as u32, 0);
                    }
                }
                // A skeleton is between half the name's length and all of it.
                Key::Visual => {
                    let first = self.text.as_bytes()[span.start as usize];
                    if (key.len()..=2 * key.len()).contains(&len)
                        && key
                            .bytes()
                            .next()
                            .is_some_and(|k| skeleton_may_start(first, k))
                        && skeleton_chars(name()).eq(key.chars())
                    {
                        best.push(i as u32, 0);
                    }
                }
                Key::Stripped => {
                    if i >= REACH_AFFIX {
                        break;
                    }
                    for (a, affix) in AFFIXES.iter().enumerate().filter(|(_, a)| a.removable) {
                        if strip_affix(name(), affix) == Some(key) {
                            best.push(i as u32, a as u8);
                        }
                    }
                }
            }
            if best.is_full() {
                break;
            }
        }
        best
    }

    /// Adds legitimate look-alike pairs: `name-a name-b` per line, `#` comments. A pair is never
    /// reported in either direction; either name may be outside the popular list.
    pub fn with_allowlist(mut self, text: &str) -> Result<PopularList, String> {
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            let [a, b] = words[..] else {
                return Err(format!("allowlist line {}: expected two names", n + 1));
            };
            self.allow.insert(pair_key(&normalize(a), &normalize(b)));
        }
        Ok(self)
    }

    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Rank of a name (1 = most popular), after normalisation.
    pub fn rank(&self, name: &str) -> Option<usize> {
        self.index_of(&normalize(name)).map(|i| i as usize + 1)
    }

    /// The name at a rank (1-based).
    pub fn name_at(&self, rank: usize) -> Option<&str> {
        let i = rank.checked_sub(1).filter(|&i| i < self.len())?;
        Some(self.name(i as u32))
    }

    /// Builds the indexes now if `lookups` look-ups are coming and they would be built on the
    /// way anyway: a batch then skips the scans that come before them.
    pub fn expect_lookups(&self, lookups: usize) {
        if lookups >= INDEX_AFTER as usize {
            self.indexes();
        }
    }

    /// Whether `name` imitates a popular name. Popular names themselves never do. When several
    /// popular names match, the most popular one is reported.
    pub fn check_typosquat(&self, name: &str) -> Option<TyposquatHit> {
        let ix = match self.indexes.get() {
            Some(ix) => Some(ix),
            None if self.queries.fetch_add(1, Ordering::Relaxed) >= INDEX_AFTER => {
                Some(self.indexes())
            }
            None => None,
        };
        self.find(name, u32::MAX, ix)
    }

    /// Checks every popular name against the rest of the list, as if it were unknown. Returns
    /// the names that would be flagged: the false-positive estimate described in the crate docs.
    pub fn self_check(&self) -> Vec<(String, TyposquatHit)> {
        let ix = self.indexes();
        self.names()
            .enumerate()
            .filter_map(|(i, name)| Some((name.to_string(), self.find(name, i as u32, Some(ix))?)))
            .collect()
    }

    /// `check_typosquat` with the popular name at index `exclude` treated as absent, answered
    /// by the indexes if given, else by scans.
    fn find(&self, name: &str, exclude: u32, ix: Option<&Indexes>) -> Option<TyposquatHit> {
        let norm = normalize(name);
        if norm.is_empty() || self.index_of(&norm).is_some_and(|i| i != exclude) {
            return None;
        }
        let mut best = Best {
            list: self,
            norm: &norm,
            exclude,
            found: None,
        };

        // Unicode look-alikes folded to ASCII; every later check runs on the folded name.
        let folded = normalize(&fold_unicode(&norm));
        if folded != norm {
            if let Some(i) = self.index_of(&folded) {
                best.offer(i, Technique::Homoglyph);
            }
        }
        let s = folded.as_str();
        // A capital I passes for a lowercase l (`jeIlyfish`); lowercasing alone would hide it.
        if name.contains('I') {
            let alt = normalize(&fold_unicode(&normalize(&name.replace('I', "l"))));
            if let Some(i) = self.index_of(&alt) {
                best.offer(i, Technique::Homoglyph);
            }
        }

        let b = self.lookup(ix, Key::Squashed, &squash(s));
        best.offer_best2(&b, |_| Technique::Separator);
        if let Some(key) = token_key(s) {
            let b = self.lookup(ix, Key::Tokens, &key);
            best.offer_best2(&b, |_| Technique::Separator);
        }
        let b = self.lookup(ix, Key::Visual, &visual_skeleton(s));
        best.offer_best2(&b, |_| Technique::Homoglyph);
        self.check_plural(s, &mut best);
        self.check_affixes(s, 2, ix, &mut best);
        let b = self.lookup(ix, Key::Stripped, s);
        best.offer_best2(&b, |tag| Technique::Affix {
            affix: AFFIXES[tag as usize].text,
            added: false,
        });
        self.check_fuzzy(s, ix, &mut best);

        let (i, technique) = best.found?;
        Some(TyposquatHit {
            imitates: self.name(i).to_string(),
            rank: i as usize + 1,
            technique,
        })
    }

    fn check_plural(&self, s: &str, best: &mut Best) {
        if s.len() < MIN_STEM {
            return;
        }
        let other = match s.strip_suffix('s') {
            // `requestss` is a doubled letter, not a plural.
            Some(singular) if singular.ends_with('s') => return,
            Some(singular) => singular.to_string(),
            None => format!("{s}s"),
        };
        if let Some(i) = self.index_of(&other) {
            best.offer(i, Technique::Plural);
        }
    }

    /// Affixes added to a popular name, up to `depth` of them (`python-requests2`).
    fn check_affixes(&self, s: &str, depth: usize, ix: Option<&Indexes>, best: &mut Best) {
        for affix in AFFIXES {
            let Some(stem) = strip_affix(s, affix) else {
                continue;
            };
            let technique = Technique::Affix {
                affix: affix.text,
                added: true,
            };
            if let Some(i) = self.index_of(stem) {
                best.offer(i, technique);
            }
            let b = self.lookup(ix, Key::Squashed, &squash(stem));
            best.offer_best2(&b, |_| technique);
            // One marker swapped for another: `python3-dateutil` for `python-dateutil`.
            let b = self.lookup(ix, Key::Stripped, stem);
            best.offer_best2(&b, |_| technique);
            if depth > 1 {
                self.check_affixes(stem, depth - 1, ix, best);
            }
        }
    }

    fn check_fuzzy(&self, s: &str, ix: Option<&Indexes>, best: &mut Best) {
        let cand = s.as_bytes();
        // Fuzzy targets have 4+ letters, and no accepted edit shortens them below that.
        if cand.len() < 4 {
            return;
        }
        let Some(ix) = ix else {
            // Without the index, try the targets in rank order: the first accepted is the best.
            // Accepted edits change one word by at most 2, so lengths differ by at most 2.
            for i in 0..self.len().min(REACH_TYPO) as u32 {
                if !best.could_improve(i) {
                    break;
                }
                let target = self.name(i);
                if target.len() < 4 || target.len().abs_diff(cand.len()) > 2 {
                    continue;
                }
                if let Some(technique) = fuzzy::typo(s, target, i as usize + 1) {
                    best.offer(i, technique);
                }
            }
            return;
        };
        // Two deletions only reach words of 10+ letters, which candidates under 8 can't be near.
        let max_deletes = if cand.len() >= fuzzy::GENERIC_D2_MIN - 2 {
            2
        } else {
            1
        };
        let mut seen: Vec<u32> = Vec::new();
        ix.fuzzy.candidates(cand, max_deletes, |i| {
            if seen.contains(&i) || !best.could_improve(i) {
                return;
            }
            seen.push(i);
            if let Some(technique) = fuzzy::typo(s, self.name(i), i as usize + 1) {
                best.offer(i, technique);
            }
        });
    }
}

/// Ranks a technique's targets may have (see the `REACH_` constants). Fuzzy edits refine this
/// by word length in [`fuzzy::typo`].
fn reach(technique: Technique) -> usize {
    match technique {
        Technique::Homoglyph => usize::MAX,
        Technique::Separator | Technique::Plural => REACH_NEAR,
        Technique::Affix { .. } => REACH_AFFIX,
        Technique::Transposition
        | Technique::DoubledLetter
        | Technique::DroppedLetter
        | Technique::KeyboardNeighbour
        | Technique::EditDistance(_) => REACH_TYPO,
    }
}

fn pair_key(a: &str, b: &str) -> String {
    if a < b {
        format!("{a} {b}")
    } else {
        format!("{b} {a}")
    }
}

/// The most popular match found so far for one candidate.
struct Best<'a> {
    list: &'a PopularList,
    norm: &'a str,
    exclude: u32,
    found: Option<(u32, Technique)>,
}

impl Best<'_> {
    fn could_improve(&self, i: u32) -> bool {
        self.found.is_none_or(|(f, _)| i < f)
    }

    /// Records a match unless it is excluded, the name itself, allowlisted, or no better than
    /// one found already (earlier checks win ties: they are the more specific techniques).
    fn offer(&mut self, i: u32, technique: Technique) {
        if i == self.exclude || i as usize >= reach(technique) || !self.could_improve(i) {
            return;
        }
        let target = self.list.name(i);
        if target == self.norm || self.list.allow.contains(&pair_key(self.norm, target)) {
            return;
        }
        self.found = Some((i, technique));
    }

    fn offer_best2(&mut self, b: &Best2, technique: impl Fn(u8) -> Technique) {
        // The second entry matters when the first is the excluded or allowlisted name.
        for &(i, tag) in b.0.iter().filter(|e| e.0 != u32::MAX) {
            self.offer(i, technique(tag));
        }
    }
}

#[cfg(test)]
mod tests;
