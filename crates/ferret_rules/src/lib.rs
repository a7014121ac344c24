//! Rules as data: the TOML schema, the loader with diagnostics that point into the rule file,
//! and the compiled [`RuleSet`] matched against facts.
//!
//! Built-in rules (embedded from `rules/` at build time) and a user's rules (`--rules DIR`) go
//! through the same [`load_dir`]/[`load_str`] path. A `RuleSet` is compiled once and shared by
//! every scanning thread.

mod load;
mod matcher;

pub use load::{load_builtin, load_dir, load_str, parse_flow_config, RuleError};
pub use matcher::{FactRef, FileInfo};

use ferret_python::{FlowConfig, FlowSet, Glob, Origin};
use ferret_report::{Confidence, RuleKind, Severity, When};
use regex::Regex;

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
    Call(Vec<Glob>),
    ArgString(Regex),
    ArgFlow(FlowSet),
    Kwarg(Vec<(String, Regex)>),
    Dynamic(bool),
    String(Regex),
    Origin(Vec<Origin>),
    Import(Vec<Glob>),
    File(Vec<Glob>),
    Magic(Vec<String>),
    Text(Regex),
    Issue(Vec<String>),
    When(Vec<When>),
    InsideCall(Vec<Glob>),
    InsideFunction(Vec<Glob>),
    InsideClassBase(Vec<Glob>),
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
    Correlate { within: Within, all: Vec<String>, any: Vec<String> },
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
        self.flows.names.extend(other.flows.names);
        if other.flows.secret_paths.is_some() {
            let mut patterns: Vec<String> = self.flows.secret_paths.iter().flat_map(|s| s.patterns().to_vec()).collect();
            patterns.extend(other.flows.secret_paths.iter().flat_map(|s| s.patterns().to_vec()));
            self.flows.secret_paths = regex::RegexSet::new(patterns).ok();
        }
        self.version = format!("{}+{}", self.version, other.version);
    }

    /// Keeps only the rules whose ids are given (used by the fixture harness).
    pub fn only(&self, ids: &[&str]) -> RuleSet {
        RuleSet {
            rules: self.rules.iter().filter(|r| ids.contains(&r.id.as_str())).cloned().collect(),
            flows: self.flows.clone(),
            version: self.version.clone(),
        }
    }
}

impl Rule {
    /// Whether this rule's condition holds for a fact (scope included).
    pub fn matches(&self, fact: &FactRef<'_>) -> bool {
        let Body::Match(cond) = &self.body else { return false };
        if !self.fact_kinds.has(fact.kind_bit()) {
            return false;
        }
        if !self.files.is_empty() && !self.files.iter().any(|g| g.matches(fact.path())) {
            return false;
        }
        if let Some(w) = fact.when() {
            if !self.when.is_empty() && !self.when.contains(&w) {
                return false;
            }
        }
        matcher::eval(cond, fact)
    }
}
