//! Rules as data: the TOML schema, the loader with diagnostics that point into the rule file,
//! and the compiled [`RuleSet`] matched against facts.
//!
//! Built-in rules (embedded from `rules/` at build time) and a user's rules (`--rules DIR`) go
//! through the same [`load_dir`]/[`load_str`] path. A `RuleSet` is compiled once and shared by
//! every scanning thread.
//!
//! YARA rules (`*.yar`, `*.yara` in a rules directory) load through the same path into
//! [`Body::Yara`] rules with ids `yara:<rule name>`; see [`ferret_yara`] for the subset.

mod literals;
mod load;
mod matcher;
pub mod pattern;

pub use ferret_yara;
pub use load::{load_builtin, load_dir, load_str, load_yara_str, parse_flow_config, RuleError};
pub use matcher::{FactRef, FileInfo};

use ferret_python::{FlowConfig, FlowSet, Glob, GlobIndex, Origin};
use ferret_report::{Confidence, RuleKind, Severity, When};
use std::sync::OnceLock;

/// Documentation of a rule, shown by `ferret rules explain` and in the generated reference.
#[derive(Debug, Clone, Default)]
pub struct Docs {
    pub what: String,
    pub why: String,
    pub example: String,
}

/// A compiled condition over one fact.
#[derive(Debug, Clone)]
pub enum Cond {
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
    Call(CallGlobs),
    ArgString(StringRegex),
    ArgFlow(FlowSet),
    Kwarg(Vec<(String, Regex)>),
    Dynamic(bool),
    String(StringRegex),
    Origin(Vec<Origin>),
    Import(Vec<Glob>),
    File(Vec<Glob>),
    Magic(Vec<String>),
    Text(Regex),
    Issue(Vec<String>),
    When(Vec<When>),
    InsideCall(CallGlobs),
    InsideFunction(Vec<Glob>),
    InsideClassBase(Vec<Glob>),
    /// A code pattern (`requests.post(..., data=$D)`); always beside a `Call` of its callee.
    Pattern(Box<pattern::CallPattern>),
}

impl Cond {
    /// Relative cost of evaluating the condition on one fact, for ordering an AND.
    pub(crate) fn cost(&self) -> u8 {
        match self {
            Self::When(_)
            | Self::Origin(_)
            | Self::Dynamic(_)
            | Self::ArgFlow(_)
            | Self::Issue(_)
            | Self::Magic(_) => 0,
            Self::Call(_) => 1,
            Self::Import(_) | Self::File(_) => 2,
            Self::InsideCall(_) | Self::InsideFunction(_) | Self::InsideClassBase(_) => 3,
            Self::Kwarg(_) | Self::ArgString(_) => 5,
            Self::String(_) | Self::Text(_) | Self::Pattern(_) => 6,
            Self::All(cs) | Self::Any(cs) => cs.iter().map(Self::cost).max().unwrap_or(0).max(4),
            Self::Not(c) => c.cost().max(4),
        }
    }
}

/// Callee globs of a `call` condition. `ids` index [`RuleSet::call_globs`] once the set is
/// finalized, so a callee is matched against each distinct glob once per file, not once per
/// fact and rule.
#[derive(Debug, Clone)]
pub struct CallGlobs {
    pub globs: Vec<Glob>,
    pub ids: Vec<u32>,
}

/// The regex of a `string` condition. `id` indexes [`StringPrefilter`] once the set is
/// finalized.
#[derive(Debug, Clone)]
pub struct StringRegex {
    pub re: Regex,
    pub id: u32,
}

/// For each `string` and `arg-string` regex, literals one of which every match contains
/// ([`required_literals`]), searched for all regexes in one pass over a text (a string fact,
/// a call's string argument): most texts hold none, and a regex whose literals are absent
/// cannot match, so it is neither compiled nor run. (A million string facts times forty
/// regexes cost more in per-search overhead than in scanning.) Regexes without usable literals
/// always run.
#[derive(Debug, Default, Clone)]
pub struct StringPrefilter {
    sources: Vec<String>,
    /// Built on the first question (~0.5 ms here): cheaper, even for one small package, than
    /// compiling the regexes that the literals rule out.
    built: OnceLock<Literals>,
}

#[derive(Debug, Clone, Default)]
struct Literals {
    /// Every literal, matched ignoring ASCII case (a superset of what each regex needs, so
    /// skipping on a miss is sound).
    search: ferret_python::LiteralSearch,
    /// For each literal, the regex it belongs to.
    owner: Vec<u32>,
    /// Per regex: whether it has literals (else it always runs).
    filtered: Vec<bool>,
}

/// Which string regexes may match one text (a string fact, a call's string argument), worked
/// out on first need.
pub type StringHits = std::cell::OnceCell<Vec<u64>>;

impl StringPrefilter {
    fn build(&self) -> Literals {
        let mut lits: Vec<Vec<u8>> = Vec::new();
        let mut owner = Vec::new();
        let mut filtered = vec![false; self.sources.len()];
        for (id, src) in self.sources.iter().enumerate() {
            // Built-in regexes' literals were worked out ahead of time (the slow half of
            // start-up: parsing and extracting); a user's regex is worked out here.
            let mine = literals::literals_for(src);
            let Some(mine) = mine else {
                continue;
            };
            filtered[id] = true;
            owner.extend(std::iter::repeat_n(id as u32, mine.len()));
            lits.extend(mine);
        }
        let search = ferret_python::LiteralSearch::new(lits);
        if !search.warm_up() {
            // Cannot happen for a few hundred short literals; stay correct if it does.
            filtered.iter_mut().for_each(|f| *f = false);
        }
        Literals {
            search,
            owner,
            filtered,
        }
    }

    /// Builds the literal searcher now, on the caller's thread (a scan does it on another
    /// core while the first file is read and parsed) rather than at the first string fact.
    pub fn warm_up(&self) {
        self.built.get_or_init(|| self.build());
    }

    /// Whether regex `id` can match `haystack`: false only when none of the literals its
    /// matches must contain occurs in it. `hits` keeps the one search's answer for every regex.
    pub fn may_match(&self, id: u32, haystack: &[u8], hits: &StringHits) -> bool {
        let built = self.built.get_or_init(|| self.build());
        if !built.filtered.get(id as usize).copied().unwrap_or(false) {
            return true;
        }
        let bits = hits.get_or_init(|| {
            let mut bits = vec![0u64; self.sources.len().div_ceil(64)];
            let searched = built.search.for_each_match(haystack, |lit| {
                let r = built.owner[lit] as usize;
                bits[r / 64] |= 1 << (r % 64);
            });
            if !searched {
                // Unreachable: `filtered` is all false when the searcher failed to build.
                bits.iter_mut().for_each(|b| *b = u64::MAX);
            }
            bits
        });
        bits[id as usize / 64] & (1 << (id % 64)) != 0
    }
}

/// A rule regex: matched on UTF-8 bytes with ASCII classes (`\\w`, `\\d`, `(?i)`), which
/// compile an order of magnitude faster than Unicode ones; `(?u:...)` turns Unicode back on.
/// The syntax is checked when the rule loads (so errors point into the rule file); the
/// automaton is built on first use, so start-up stays in milliseconds and a scan pays only
/// for the regexes it reaches.
#[derive(Debug)]
pub struct Regex {
    src: String,
    compiled: OnceLock<Option<regex_automata::meta::Regex>>,
}

impl Clone for Regex {
    fn clone(&self) -> Self {
        Self {
            src: self.src.clone(),
            compiled: OnceLock::new(),
        }
    }
}

impl Regex {
    /// Checks the syntax; the error text says what is wrong.
    pub fn new(src: &str) -> Result<Self, String> {
        regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .build()
            .parse(src)
            .map_err(|e| {
                e.to_string()
                    .lines()
                    .last()
                    .unwrap_or("invalid")
                    .trim()
                    .to_string()
            })?;
        Ok(Self {
            src: src.to_string(),
            compiled: OnceLock::new(),
        })
    }

    /// A regex whose syntax is known to be valid (the built-in rules, checked by a test):
    /// skips the check, which costs more than everything else at start-up.
    pub fn unchecked(src: &str) -> Self {
        Self {
            src: src.to_string(),
            compiled: OnceLock::new(),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.src
    }

    pub fn is_match(&self, haystack: &[u8]) -> bool {
        self.compiled
            .get_or_init(|| {
                use regex_automata::{meta, nfa::thompson::WhichCaptures, util::syntax};
                // Only `is_match` is asked: no capture groups. No literal prefilter either:
                // extracting one was most of the build time (a small package paid it for
                // each regex it reached), and the texts asked already passed the rule set's
                // own literal prefilter. Measured (callgrind) on the 50 benign packages:
                // fewer instructions in matching than with the prefilter, build included.
                meta::Builder::new()
                    .configure(
                        meta::Config::new()
                            .auto_prefilter(false)
                            .which_captures(WhichCaptures::None),
                    )
                    .syntax(syntax::Config::new().unicode(false).utf8(false))
                    .build(&self.src)
                    .ok()
            })
            .as_ref()
            .is_some_and(|r| r.is_match(haystack))
    }
}

/// Scope of a correlation rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Within {
    File,
    Package,
}

#[derive(Debug, Clone)]
pub enum Body {
    Match(Cond),
    Correlate {
        within: Within,
        all: Vec<String>,
        any: Vec<String>,
    },
    /// A YARA rule, matched against the bytes of every member ferret read.
    Yara(std::sync::Arc<ferret_yara::Rule>),
}

/// One rule, compiled.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub kind: RuleKind,
    pub category: String,
    pub severity: Severity,
    pub confidence: Confidence,
    pub summary: String,
    pub remediation: String,
    pub references: Vec<String>,
    pub docs: Docs,
    pub when: Vec<When>,
    pub files: Vec<Glob>,
    pub body: Body,
    /// Where the rule came from (`rules/obfuscation/exec-decoded-payload.toml`, or a user path).
    pub origin: String,
    /// Which kinds of fact the condition can match, to skip the rest quickly.
    pub fact_kinds: FactKinds,
    /// Callee glob ids one of which a call must match for the rule to hold (set by
    /// [`RuleSet::finalize`]; empty: no call can match); lets the engine skip the rule for
    /// most calls without evaluating it.
    pub required_calls: Option<Vec<u32>>,
    /// The same for string facts: `string` regex ids one of which a string must be able to
    /// match (as far as [`StringPrefilter`] can tell), or None.
    pub required_strings: Option<Vec<u32>>,
}

/// A bit set of fact kinds a condition can match.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FactKinds(pub u8);

impl FactKinds {
    pub const CALL: u8 = 1;
    pub const STRING: u8 = 2;
    pub const IMPORT: u8 = 4;
    pub const FILE: u8 = 8;
    pub const ISSUE: u8 = 16;
    pub const ALL: u8 = 31;
    pub fn has(self, k: u8) -> bool {
        self.0 & k != 0
    }
}

/// Rules compiled once, shared by all scanning threads.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    pub flows: FlowConfig,
    /// A digest of every rule source, so stored results can tell which rules made them.
    pub version: String,
    /// Every distinct callee glob used by a `call` condition.
    pub call_globs: Vec<Glob>,
    /// [`RuleSet::call_globs`] indexed by first segment (built by [`RuleSet::finalize`]).
    pub call_index: GlobIndex,
    /// Every distinct regex of a `string` condition (numbered by [`RuleSet::finalize`]).
    pub string_prefilter: StringPrefilter,
}

impl RuleSet {
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Adds rules (a user's, to the built-ins); a later rule with the same id replaces the earlier.
    pub fn extend(&mut self, other: RuleSet) {
        for r in other.rules {
            match self.rules.iter().position(|x| x.id == r.id) {
                Some(i) => self.rules[i] = r,
                None => self.rules.push(r),
            }
        }
        self.flows.calls.extend(other.flows.calls);
        self.flows.call_index = std::sync::OnceLock::new();
        self.flows.names.extend(other.flows.names);
        if !other.flows.secret_paths.is_empty() {
            let mut patterns = self.flows.secret_paths.patterns().to_vec();
            patterns.extend_from_slice(other.flows.secret_paths.patterns());
            self.flows.secret_paths = literals::secret_paths(patterns);
        }
        self.version = format!("{}+{}", self.version, other.version);
        self.finalize();
    }

    /// Numbers the callee globs of every `call` and `inside.call` condition (see [`CallGlobs`]).
    pub fn finalize(&mut self) {
        /// Distinct callee globs, with each one's index by pattern (a scan of the table per
        /// glob was quadratic: ~1 M instructions of start-up for the built-in rules).
        #[derive(Default)]
        struct Table {
            globs: Vec<Glob>,
            index: std::collections::HashMap<String, u32>,
        }
        fn walk(c: &mut Cond, table: &mut Table, strings: &mut Vec<String>) {
            match c {
                Cond::All(cs) | Cond::Any(cs) => {
                    cs.iter_mut().for_each(|c| walk(c, table, strings));
                }
                Cond::Not(c) => walk(c, table, strings),
                // Call arguments go through the same literal prefilter as string facts.
                Cond::String(sr) | Cond::ArgString(sr) => {
                    let src = sr.re.as_str();
                    sr.id = match strings.iter().position(|s| s == src) {
                        Some(i) => i as u32,
                        None => {
                            strings.push(src.to_string());
                            (strings.len() - 1) as u32
                        }
                    };
                }
                // Inside-call globs share the callee table: a context's calls are matched
                // through the same per-callee bits as call facts (see `FactRef::Python`).
                Cond::Call(cg) | Cond::InsideCall(cg) => {
                    cg.ids = cg
                        .globs
                        .iter()
                        .map(|g| {
                            *table
                                .index
                                .entry(g.as_str().to_string())
                                .or_insert_with(|| {
                                    table.globs.push(g.clone());
                                    (table.globs.len() - 1) as u32
                                })
                        })
                        .collect();
                }
                _ => {}
            }
        }
        /// What a fact must satisfy for `c` to hold: one of some ids (`Some(ids)`; empty: no
        /// fact of the kind can), or nothing known (`None`). `leaf` says it for a condition
        /// that is not `all`/`any`.
        fn required(c: &Cond, leaf: fn(&Cond) -> Option<Vec<u32>>) -> Option<Vec<u32>> {
            match c {
                Cond::All(cs) => {
                    let reqs: Vec<Option<Vec<u32>>> =
                        cs.iter().map(|c| required(c, leaf)).collect();
                    if reqs.iter().any(|r| r.as_ref().is_some_and(Vec::is_empty)) {
                        return Some(Vec::new());
                    }
                    reqs.into_iter().flatten().next()
                }
                Cond::Any(cs) => {
                    let mut ids = Vec::new();
                    for c in cs {
                        ids.extend(required(c, leaf)?);
                    }
                    Some(ids)
                }
                _ => leaf(c),
            }
        }
        /// For a call fact: a callee among these glob ids.
        fn call_leaf(c: &Cond) -> Option<Vec<u32>> {
            match c {
                Cond::Call(cg) => Some(cg.ids.clone()),
                Cond::String(_)
                | Cond::Origin(_)
                | Cond::Import(_)
                | Cond::File(_)
                | Cond::Magic(_)
                | Cond::Text(_)
                | Cond::Issue(_) => Some(Vec::new()),
                _ => None,
            }
        }
        /// For a string fact: one of these `string` regexes.
        fn string_leaf(c: &Cond) -> Option<Vec<u32>> {
            match c {
                Cond::String(sr) => Some(vec![sr.id]),
                // Conditions on a call, an import or a file never hold on a string fact.
                Cond::Call(_)
                | Cond::ArgString(_)
                | Cond::ArgFlow(_)
                | Cond::Kwarg(_)
                | Cond::Dynamic(_)
                | Cond::Pattern(_)
                | Cond::Import(_)
                | Cond::File(_)
                | Cond::Magic(_)
                | Cond::Text(_)
                | Cond::Issue(_) => Some(Vec::new()),
                // Origins and contexts hold on string facts whatever the text; a negation
                // can hold on anything.
                _ => None,
            }
        }
        let mut table = Table::default();
        let mut strings = Vec::new();
        for r in &mut self.rules {
            if let Body::Match(c) = &mut r.body {
                walk(c, &mut table, &mut strings);
                r.required_calls = required(c, call_leaf);
                r.required_strings = required(c, string_leaf);
            }
        }
        self.call_index = GlobIndex::new(&table.globs);
        self.call_globs = table.globs;
        self.string_prefilter = StringPrefilter {
            sources: strings,
            ..StringPrefilter::default()
        };
    }

    /// Which of [`RuleSet::call_globs`] match a callee, as a bit set.
    pub fn callee_bits(&self, callee: &str) -> Vec<u64> {
        let mut bits = vec![0u64; self.call_globs.len().div_ceil(64)];
        self.call_index
            .for_each_match(&self.call_globs, callee, |i| bits[i / 64] |= 1 << (i % 64));
        bits
    }

    /// Keeps only the rules whose ids are given (used by the fixture harness).
    pub fn only(&self, ids: &[&str]) -> RuleSet {
        let mut set = RuleSet {
            rules: self
                .rules
                .iter()
                .filter(|r| ids.contains(&r.id.as_str()))
                .cloned()
                .collect(),
            flows: self.flows.clone(),
            version: self.version.clone(),
            call_globs: Vec::new(),
            call_index: GlobIndex::default(),
            string_prefilter: StringPrefilter::default(),
        };
        set.finalize();
        set
    }
}

impl Rule {
    /// Whether this rule's condition holds for a fact (scope included).
    pub fn matches(&self, fact: &FactRef<'_>) -> bool {
        // The kind test first: it is a bit test, the path scope runs globs.
        self.fact_kinds.has(fact.kind_bit())
            && self.applies_to(fact.path())
            && self.matches_in_file(fact)
    }

    /// Whether the rule's `files` scope admits this member path (checked once per file by
    /// callers that match many facts of one file).
    pub fn applies_to(&self, path: &str) -> bool {
        self.files.is_empty() || self.files.iter().any(|g| g.matches(path))
    }

    /// Whether a call whose callee has the glob bits `bits` can match this rule: false
    /// only when the rule requires a callee glob that none of the bits is.
    pub fn may_match_callee(&self, bits: &[u64]) -> bool {
        self.required_calls
            .as_ref()
            .is_none_or(|ids| matcher::any_bit(bits, ids))
    }

    /// Whether a string fact with this text can match, as far as the literals of the rule's
    /// required `string` regexes tell (false only when the rule surely does not match).
    pub fn may_match_string(
        &self,
        prefilter: &StringPrefilter,
        text: &[u8],
        hits: &StringHits,
    ) -> bool {
        self.required_strings
            .as_ref()
            .is_none_or(|ids| ids.iter().any(|&id| prefilter.may_match(id, text, hits)))
    }

    /// [`Rule::matches`] for a fact of a file already known to pass [`Rule::applies_to`].
    pub fn matches_in_file(&self, fact: &FactRef<'_>) -> bool {
        let Body::Match(cond) = &self.body else {
            return false;
        };
        if !self.fact_kinds.has(fact.kind_bit()) {
            return false;
        }
        if let Some(w) = fact.when() {
            if !self.when.is_empty() && !self.when.contains(&w) {
                return false;
            }
        }
        if let (
            Some(ids),
            FactRef::Python {
                callee_bits: Some(bits),
                ..
            },
        ) = (&self.required_calls, fact)
        {
            if !matcher::any_bit(bits, ids) {
                return false;
            }
        }
        matcher::eval(cond, fact)
    }
}

#[cfg(test)]
mod tests {
    use super::{RuleSet, StringHits, StringPrefilter};

    /// Which `string` regexes a string fact must be able to match, per rule: none known when
    /// another way to hold exists (an origin alone, a negation).
    #[test]
    fn required_strings_are_only_what_every_match_needs() {
        let rule = |id: &str, body: &str| {
            let src = format!(
                "id = \"{id}\"\nname = \"X\"\nkind = \"threat\"\ncategory = \"test\"\n\
                 severity = \"high\"\nconfidence = \"medium\"\nsummary = \"s\"\n\
                 [docs]\nwhat = \"w\"\nwhy = \"y\"\nexample = \"x\"\n{body}"
            );
            crate::load::load_str(&src, &format!("{id}.toml"), Some(id)).unwrap()
        };
        let mut set = RuleSet {
            rules: vec![
                rule("a", "[match]\norigin = [\"folded\"]\nstring = 'abc'\n"),
                rule(
                    "b",
                    "[[match.any]]\nstring = 'def'\n[[match.any]]\norigin = [\"decoded\"]\n",
                ),
                rule(
                    "c",
                    "[[match.any]]\nstring = 'def'\n[[match.any]]\nstring = 'ghi'\n",
                ),
                rule(
                    "d",
                    "[match]\norigin = [\"folded\"]\nnot = { string = 'abc' }\n",
                ),
                rule("e", "[match]\ncall = \"os.system\"\n"),
            ],
            ..RuleSet::default()
        };
        set.finalize();
        let req: Vec<Option<Vec<u32>>> = set
            .rules
            .iter()
            .map(|r| r.required_strings.clone())
            .collect();
        assert_eq!(
            req,
            [Some(vec![0]), None, Some(vec![1, 2]), None, Some(vec![])]
        );
    }

    /// The prefilter may only say "cannot match" when the regex indeed does not match.
    #[test]
    fn string_prefilter_never_hides_a_match() {
        let sources = [
            r"(?i)hooks\.slack\.com/services/",
            r"(?i)(^|[/\\])(bashrc|zshrc)$",
            r"(?s)\S.{4,}",
            r"evil\d+\.exe",
            r"[a-z]+_token$",
            r"(?i)discord(app)?\.com/api/webhooks",
            // No usable prefix or suffix: a literal inside the sequence is required.
            r#"(?i)(^|[\s"'])(curl|wget)(\.exe)?\s+-o"#,
            r"\d+:AA[\w-]{3}",
            // A branch without literals, or an optional one: nothing is required, so it runs.
            r"(?i)^\s*(nohup|setsid)\s|&\s*$",
            r"(^|\s)x(abc)?$",
        ];
        let pre = StringPrefilter {
            sources: sources.iter().map(|s| (*s).to_string()).collect(),
            ..StringPrefilter::default()
        };
        let built = pre.built.get_or_init(|| pre.build());
        // Literals at the start (slack, evil, discord), at the end (bashrc, _token) or inside
        // (curl, :AA); `\S.{4,}` and the last two have none that would help, so they run.
        assert_eq!(
            built.filtered,
            [true, true, false, true, true, true, true, true, false, false]
        );
        // The best set is taken: one literal at the end (`webhooks`), not two spellings at the
        // start (`discord.`, `discorda`).
        assert_eq!(built.owner.iter().filter(|&&o| o == 5).count(), 1);
        let haystacks = [
            "https://HOOKS.Slack.com/services/T000/B000/xyz",
            "/home/me/.ZSHRC",
            "zshrc",
            "run evil42.exe now",
            "github_token",
            "nothing to see",
            "",
            "hooks.slack.co",
            "https://DiscordApp.COM/api/webhooks/1",
            "https://discord.com/API/WEBHOOKS/1",
            "discorx.com/api/webhooks",
            "sh -c 'CURL.exe  -o /tmp/x'",
            "wget -O x",
            "curl x -o",
            "id 12345:AAb-c",
            "12345:aab-c",
            "nohup ./x &",
            "run & ",
            " x",
            "xabc",
        ];
        let answers = || {
            let mut skipped = 0;
            let mut all = Vec::new();
            for h in haystacks {
                let hits = StringHits::new();
                for (id, src) in sources.iter().enumerate() {
                    let re = regex::bytes::RegexBuilder::new(src)
                        .unicode(false)
                        .build()
                        .unwrap();
                    let may = pre.may_match(id as u32, h.as_bytes(), &hits);
                    assert!(may || !re.is_match(h.as_bytes()), "{src} on {h:?}");
                    skipped += usize::from(!may);
                    all.push(may);
                }
            }
            // And it does skip: most regexes are absent from most of these strings.
            assert!(skipped >= 80, "{skipped}");
            all
        };
        let with_nfa = answers();
        // The DFA a long scan switches to answers the same.
        assert!(built.search.force_dfa());
        assert_eq!(answers(), with_nfa);
    }
}
