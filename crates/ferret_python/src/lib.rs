//! Python source → facts.
//!
//! Second stage of the pipeline. Each file is parsed once with Ruff's parser (which keeps a
//! partial tree after syntax errors), then one walk resolves names (`import base64 as b`,
//! `__import__('os')`, `getattr(os, 'sys'+'tem')`), folds constants (`''.join(chr(c) ...)`,
//! `[::-1]`), decodes payloads statically (base64, zlib, hex, marshal, ...) and scans decoded
//! Python as nested source. Rules never see the tree: they match the [`Fact`]s emitted here.
//!
//! All work is bounded: file size, tree depth, decoding layers, decoded bytes and time. Deep
//! trees are walked and dropped on a stack sized for them (see [`parse`]).

mod eval;
mod fxhash;
mod glob;
mod literal_search;
mod source;
mod value;

pub use ferret_decode::Step;
pub use glob::{Glob, GlobIndex};
pub use literal_search::LiteralSearch;

/// Whether a bare name is a Python builtin (`exec` resolves to `builtins.exec`).
pub fn is_builtin(name: &str) -> bool {
    eval::BUILTINS.contains(&name)
}
pub use source::decode_source;

use std::time::{Duration, Instant};

/// Flow tags: where a value's data came from. A bit set.
pub type FlowSet = u8;

/// The flow tags, in `rules/flow.toml` order.
pub mod flow {
    use super::FlowSet;
    pub const DECODED: FlowSet = 1;
    pub const SECRET: FlowSet = 2;
    pub const ENV: FlowSet = 4;
    pub const SYSINFO: FlowSet = 8;
    pub const NETWORK: FlowSet = 16;
    pub const FILE: FlowSet = 32;
    pub const NAMES: [(&str, FlowSet); 6] = [
        ("decoded", DECODED),
        ("secret", SECRET),
        ("env", ENV),
        ("sysinfo", SYSINFO),
        ("network", NETWORK),
        ("file", FILE),
    ];
    pub fn parse(name: &str) -> Option<FlowSet> {
        NAMES.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
    }
}

/// Where flow tags come from (loaded from `rules/flow.toml` by the rules crate).
#[derive(Debug, Default, Clone)]
pub struct FlowConfig {
    /// A call to a matching callee returns data with the tag.
    pub calls: Vec<(Glob, FlowSet)>,
    /// Reading a matching name (e.g. `os.environ`) gives data with the tag.
    pub names: Vec<(Glob, FlowSet)>,
    /// A call with a string argument matching one of these is a read of a secret.
    pub secret_paths: SecretPaths,
    /// `calls` indexed by first segment, built on first use.
    pub call_index: std::sync::OnceLock<GlobIndex>,
}

impl FlowConfig {
    /// The tags a call to `callee` returns.
    pub fn call_flows(&self, callee: &str) -> FlowSet {
        let index = self
            .call_index
            .get_or_init(|| GlobIndex::new(self.calls.iter().map(|(g, _)| g)));
        index
            .candidates(callee)
            .filter(|&i| self.calls[i].0.matches(callee))
            .fold(0, |tags, i| tags | self.calls[i].1)
    }
}

/// Regexes naming secret files (`~/.ssh/id_rsa`), matched on bytes with ASCII classes and
/// case folding. The set is compiled on the first text long enough to be asked: a scan that
/// never gets there (most single files) does not pay for it at start-up.
#[derive(Debug, Default, Clone)]
pub struct SecretPaths {
    patterns: Vec<String>,
    /// Literals (lowercase) one of which every match of some pattern contains, when each
    /// pattern has some: most texts hold none, and are answered without the set, which is
    /// then never compiled in a scan that meets no candidate (1 ms of a small package's scan).
    literals: Option<LiteralSearch>,
    set: std::sync::OnceLock<Option<regex::bytes::RegexSet>>,
    min_len: std::sync::OnceLock<usize>,
}

impl SecretPaths {
    /// Patterns whose syntax the caller checked; one that does not compile disables the set
    /// (the rule loader reports it with its location first). `literals`: see the field.
    pub fn new(patterns: Vec<String>, literals: Option<Vec<Vec<u8>>>) -> Self {
        Self {
            patterns,
            literals: literals.filter(|l| !l.is_empty()).map(LiteralSearch::new),
            ..Self::default()
        }
    }

    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether any pattern matches `text`.
    pub fn is_match(&self, text: &str) -> bool {
        if let Some(literals) = &self.literals {
            if literals.is_match(text.as_bytes()) == Some(false) {
                return false;
            }
        }
        self.set
            .get_or_init(|| {
                regex::bytes::RegexSetBuilder::new(&self.patterns)
                    .unicode(false)
                    .build()
                    .ok()
            })
            .as_ref()
            .is_some_and(|set| set.is_match(text.as_bytes()))
    }

    /// No text shorter than this can name a secret path (0 when unknown): most calls'
    /// arguments are too short to be asked at all. With literals, the shortest of them (a
    /// match holds one, so is no shorter); else each pattern's shortest match, worked out.
    pub fn min_len(&self) -> usize {
        *self.min_len.get_or_init(|| {
            if let Some(literals) = &self.literals {
                return literals.shortest();
            }
            self.patterns
                .iter()
                .map(|p| {
                    regex_syntax::ParserBuilder::new()
                        .unicode(false)
                        .utf8(false)
                        .build()
                        .parse(p)
                        .ok()
                        .and_then(|h| h.properties().minimum_len())
                        .unwrap_or(0)
                })
                .min()
                .unwrap_or(0)
        })
    }
}

/// When the code behind a fact runs.
pub use ferret_report::When;

/// What role a file plays in its package; decides `when` for its top-level code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// `setup.py` at the package root: everything in it runs at install.
    SetupScript,
    /// Any other module: top level runs at import, function bodies when called.
    Module,
    /// Executable lines of a `.pth` file: run at every interpreter start after install.
    Pth,
    /// Tests, examples, docs and tool scripts: not imported by the package, so their top level
    /// runs only when someone runs them.
    Script,
}

/// How a string value came to be, from plainest to most hidden (values combine to the max).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// Written as is in the source.
    Literal,
    /// Computed from literals by ordinary means: concatenation, formatting, joins of words.
    Folded,
    /// Computed character by character: `chr()` codes, reversal, XOR, translation tables,
    /// `bytes([...])` — ways to keep text out of sight that ordinary code has little use for.
    Obfuscated,
    /// Recovered by a decoder (base64, zlib, hex, ...).
    Decoded,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Literal => "literal",
            Self::Folded => "folded",
            Self::Obfuscated => "obfuscated",
            Self::Decoded => "decoded",
        }
    }
}

/// A call site with its callee resolved.
#[derive(Debug, Clone)]
pub struct CallFact {
    /// Qualified name: `os.system`, `builtins.exec`, `requests.Session.post`, `?.read`.
    pub callee: String,
    /// Reached through getattr/`__import__`/built strings rather than plain names.
    pub dynamic: bool,
    /// Folded string values among the arguments (nested containers flattened), bounded.
    pub arg_strings: Vec<String>,
    /// Flow tags carried by any argument (or the receiver).
    pub flows: FlowSet,
    /// Keyword arguments: name and folded text (or source text when not constant).
    pub kwargs: Vec<(String, String)>,
    /// Each argument in order (positional, then keywords), for code patterns (bounded).
    pub args: Vec<ArgFact>,
}

/// One argument of a call, as code patterns (`requests.post(..., data=$D)`) see it.
#[derive(Debug, Clone, Default)]
pub struct ArgFact {
    /// `None` for a positional argument.
    pub keyword: Option<String>,
    /// `*args` or `**kwargs`: stands for any number of arguments.
    pub starred: bool,
    /// Byte range of the argument's source in the file (0..0 in decoded code).
    pub start: u32,
    pub end: u32,
    /// Folded constant text (a string, number, `True`/`None`, or a resolved name such as
    /// `subprocess.PIPE`); `None` when not constant.
    pub text: Option<String>,
    /// Flow tags of the argument's data.
    pub flows: FlowSet,
    /// The call that produced the value, through variables (`base64.b64decode`).
    pub from: Option<String>,
}

#[derive(Debug, Clone)]
pub enum FactKind {
    Call(CallFact),
    Str { value: String, origin: Origin },
    Import(String),
}

/// One fact with its location (byte range in the file; facts from a decoded payload carry the
/// range of the blob they came from).
#[derive(Debug, Clone)]
pub struct Fact {
    pub kind: FactKind,
    pub start: u32,
    pub end: u32,
    pub when: When,
    /// Index into [`Facts::contexts`].
    pub ctx: u32,
    /// Index into [`Facts::payloads`] when the fact comes from decoded code.
    pub payload: Option<u32>,
}

/// Enclosing constructs of a fact, for `inside` conditions.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    pub function: Option<String>,
    pub class_bases: Vec<String>,
    pub calls: Vec<String>,
}

/// A payload decoded statically.
#[derive(Debug, Clone)]
pub struct Payload {
    pub chain: Vec<Step>,
    pub bytes: usize,
    pub python: bool,
    /// Bounded prefix of the decoded text (lossy UTF-8).
    pub preview: String,
    /// Nesting: 1 for a payload found in the file, 2 for one inside that, ...
    pub layer: u32,
}

/// Something the analyser noticed about the source itself.
#[derive(Debug, Clone)]
pub struct SourceIssue {
    pub code: &'static str,
    pub start: u32,
    pub end: u32,
    pub detail: String,
    /// Part of the code was not analysed because of it.
    pub incomplete: bool,
}

/// Everything one file yields.
#[derive(Debug, Default)]
pub struct Facts {
    /// The decoded source text, for locations and snippets.
    pub text: String,
    pub facts: Vec<Fact>,
    pub contexts: Vec<Context>,
    pub payloads: Vec<Payload>,
    pub issues: Vec<SourceIssue>,
}

/// Bounds on the analysis of one file (including everything decoded from it).
#[derive(Debug, Clone)]
pub struct Options {
    /// Source larger than this is not parsed (listed as not analysed).
    pub max_parse_bytes: usize,
    /// Expression/statement nesting the walker follows (CPython itself refuses far less).
    pub max_depth: usize,
    /// Layers of decoded-then-executed code followed.
    pub max_layers: u32,
    /// Bytes produced by decoders per file.
    pub max_decoded_bytes: usize,
    /// Size of one folded or decoded value.
    pub max_value_bytes: usize,
    /// Wall-clock budget per file.
    pub time_budget: Duration,
    /// Functions of this module that the install script calls (`from pkg.build import run;
    /// run()` in setup.py), and `<main>` when it is run with `python -m` at install: their
    /// code, and what they call, runs at install time.
    pub install_entries: Vec<String>,
    /// The callees whose calls anything reads as call facts; None: every call. Other calls
    /// are walked all the same (flows, folding, decoding); only their fact is not built.
    pub call_filter: Option<std::sync::Arc<CallFilter>>,
}

/// Callees by glob (those some `call` rule could match). Most calls in most packages match
/// none, and their facts cost a tenth of a scan to build and then to drop.
#[derive(Debug, Default)]
pub struct CallFilter {
    globs: Vec<Glob>,
    index: GlobIndex,
}

impl CallFilter {
    pub fn new(globs: Vec<Glob>) -> Self {
        let index = GlobIndex::new(&globs);
        Self { globs, index }
    }
    /// Whether a call of `callee` needs its fact.
    pub fn wants(&self, callee: &str) -> bool {
        self.index
            .candidates(callee)
            .any(|i| self.globs[i].matches(callee))
    }
}

impl Default for Options {
    fn default() -> Self {
        Self {
            max_parse_bytes: 16 << 20,
            max_depth: 1500,
            max_layers: 24,
            max_decoded_bytes: 64 << 20,
            max_value_bytes: 16 << 20,
            time_budget: Duration::from_secs(5),
            install_entries: Vec::new(),
            call_filter: None,
        }
    }
}

/// Analyses one Python file.
pub fn analyze(bytes: &[u8], role: FileRole, flows: &FlowConfig, opts: &Options) -> Facts {
    let (text, mut issues) = decode_source(bytes);
    let mut facts = Facts {
        issues: Vec::new(),
        ..Facts::default()
    };
    if text.len() > opts.max_parse_bytes {
        issues.push(SourceIssue {
            code: "file-too-large",
            start: 0,
            end: 0,
            detail: format!(
                "{} bytes of source is over the {}-byte parse limit",
                text.len(),
                opts.max_parse_bytes
            ),
            incomplete: true,
        });
        facts.text = text;
        facts.issues = issues;
        return facts;
    }
    let deadline = Instant::now() + opts.time_budget;
    let mut budget = eval::Budget::new(opts, deadline);
    if role == FileRole::Pth {
        // Only lines starting with `import` run; others are paths. Analyse each executable
        // line as code, located where it is.
        let mut offset = 0u32;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim_start();
            if trimmed.starts_with("import ") || trimmed.starts_with("import\t") {
                eval::analyze_source(
                    line,
                    offset,
                    role,
                    flows,
                    opts,
                    &mut budget,
                    &mut facts,
                    None,
                );
            }
            offset += line.len() as u32;
        }
    } else {
        eval::analyze_source(&text, 0, role, flows, opts, &mut budget, &mut facts, None);
    }
    issues.append(&mut facts.issues);
    facts.issues = issues;
    facts.text = text;
    facts
}

/// Byte offset → 1-based line and column (in characters), computed once per file.
pub struct LineIndex {
    starts: Vec<u32>,
    /// Characters before each [`BLOCK`]-byte block of the text, built on the first column asked
    /// for far into a long line: a one-line file of megabytes with a finding every few bytes
    /// would otherwise count its line from the start for each (quadratic; minutes).
    blocks: std::cell::OnceCell<Vec<u32>>,
}

const BLOCK: usize = 4096;

/// Characters in UTF-8 bytes: the bytes that do not continue a character.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i as u32 + 1));
        Self {
            starts,
            blocks: std::cell::OnceCell::new(),
        }
    }

    /// (line, column), both 1-based; the column counts characters.
    pub fn location(&self, text: &str, offset: u32) -> (u32, u32) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1] as usize;
        let end = (offset as usize).min(text.len()).max(start);
        (line as u32, self.chars_between(text, start, end) as u32 + 1)
    }

    /// Characters in `text[start..end]`, in time bounded by the block size.
    fn chars_between(&self, text: &str, start: usize, end: usize) -> usize {
        let bytes = text.as_bytes();
        if end - start <= 2 * BLOCK {
            return count_chars(&bytes[start..end]);
        }
        let blocks = self.blocks.get_or_init(|| {
            // One entry per block start, the text's end included (an offset there is asked).
            let mut acc = 0u32;
            let mut blocks: Vec<u32> = bytes
                .chunks(BLOCK)
                .map(|c| {
                    let before = acc;
                    acc += count_chars(c) as u32;
                    before
                })
                .collect();
            blocks.push(acc);
            blocks
        });
        let before = |at: usize| {
            let b = at / BLOCK;
            blocks[b] as usize + count_chars(&bytes[b * BLOCK..at])
        };
        before(end) - before(start)
    }

    /// The part of line `line` to show for a finding at byte `offset`: the whole line when it
    /// starts early in it, else from `lead` characters before the offset (so the finding is in
    /// view, not 10,000 characters off-screen); with the column the part starts at.
    pub fn snippet<'t>(
        &self,
        text: &'t str,
        line: u32,
        offset: u32,
        lead: usize,
    ) -> (&'t str, u32) {
        let whole = self.line_text(text, line);
        let line_start =
            self.starts[(line as usize).saturating_sub(1).min(self.starts.len() - 1)] as usize;
        let mut offset = (offset as usize).clamp(line_start, line_start + whole.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[line_start..offset];
        // Shown from its start when the finding is within its first `4 * lead` characters
        // (snippets show 200).
        if before.len() <= 4 * lead || before.chars().rev().nth(4 * lead).is_none() {
            return (whole, 1);
        }
        let cut = before
            .char_indices()
            .rev()
            .nth(lead - 1)
            .map_or(0, |(i, _)| i);
        let column = self.chars_between(text, line_start, line_start + cut) as u32 + 1;
        (&whole[cut..], column)
    }

    /// The text of a 1-based line, without its newline.
    pub fn line_text<'t>(&self, text: &'t str, line: u32) -> &'t str {
        let i = (line as usize).saturating_sub(1);
        let Some(&start) = self.starts.get(i) else {
            return "";
        };
        let end = self.starts.get(i + 1).map_or(text.len(), |&e| e as usize);
        text.get(start as usize..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }
}

#[cfg(test)]
mod line_index_tests {
    use super::LineIndex;

    /// Columns far into long lines (block counting) equal counting from the line's start,
    /// with multi-byte characters on both sides of block boundaries.
    #[test]
    fn columns_on_long_lines_count_characters() {
        let mut text = String::from("short\n");
        for i in 0..30_000 {
            text.push(if i % 7 == 0 { 'é' } else { 'x' });
            if i % 1000 == 999 {
                text.push('€');
            }
        }
        text.push_str("\nend\n");
        let index = LineIndex::new(&text);
        let line2 = 6; // byte offset of the long line
        for offset in (line2..text.len() - 5)
            .step_by(997)
            .filter(|&o| text.is_char_boundary(o))
        {
            let naive = text[line2..offset].chars().count() as u32 + 1;
            assert_eq!(index.location(&text, offset as u32), (2, naive), "{offset}");
        }
        assert_eq!(index.location(&text, 0), (1, 1));
        assert_eq!(index.location(&text, (text.len() - 2) as u32), (3, 3));
    }

    /// The end of a one-line text whose length is a whole number of blocks is a column too.
    #[test]
    fn the_end_of_a_text_of_whole_blocks_has_a_column() {
        let text = "x".repeat(4 * super::BLOCK);
        let index = LineIndex::new(&text);
        assert_eq!(
            index.location(&text, text.len() as u32),
            (1, text.len() as u32 + 1)
        );
    }

    /// A long line's snippet starts shortly before the finding; a short one is whole.
    #[test]
    fn snippets_of_long_lines_start_near_the_finding() {
        let text = format!("a = 1\n{}exec(x)\n", " ".repeat(5000));
        let index = LineIndex::new(&text);
        let at = text.find("exec").unwrap() as u32;
        let (line, column) = index.location(&text, at);
        let (shown, from) = index.snippet(&text, line, at, 40);
        assert_eq!((line, column, from), (2, 5001, 4961));
        assert_eq!(shown.trim_start(), "exec(x)");
        assert_eq!(shown.len(), 47);
        let (shown, from) = index.snippet(&text, 1, 4, 40);
        assert_eq!((shown, from), ("a = 1", 1));
    }
}
