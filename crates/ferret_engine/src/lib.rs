//! Scans packages: archive → package model → Python facts → rules → verdict → report.
//!
//! [`Engine`] holds the compiled [`RuleSet`] and the bounds; it is `Sync` and shared by every
//! thread. Files of a package are analysed in parallel with rayon, packages too; results are
//! sorted so output never depends on scheduling.

mod diff;
mod package;
mod rule_test;
mod score;

pub use diff::{render_diff, DiffReport, Hook, PackageSummary};
pub use package::{expand_inputs, Input};
pub use rule_test::{test_rules, RuleTestOutcome};

use ferret_archive::{Archive, Issue, Limits, MemberKind};
use ferret_python::{FactKind, Facts, FileRole, LineIndex};
use ferret_report::{escape_for_display, Decoded, Finding, NotAnalysed, PackageReport, Stats};
use ferret_rules::{Body, FactKinds, FactRef, FileInfo, Rule, RuleSet, Within};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use std::time::Instant;

/// All bounds of a scan, and the user's own names to protect.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub limits: Limits,
    pub python: ferret_python::Options,
    /// Names (e.g. internal packages) whose look-alikes are flagged like those of the shipped
    /// popular list (`--popular-list FILE`).
    pub extra_popular: Option<std::sync::Arc<ferret_identity::PopularList>>,
}

/// Compiled rules plus options: build once, scan many.
pub struct Engine {
    pub rules: RuleSet,
    pub options: Options,
    /// Rule indices by the kind of fact they can match (bit position of `FactKinds`).
    by_kind: [Vec<usize>; 5],
    /// Identifies this engine's rule set in per-thread caches.
    id: u64,
    /// The YARA rules, compiled into one scanner, and each one's index in `rules.rules`.
    yara: Option<(ferret_rules::ferret_yara::Scanner, Vec<usize>)>,
}

static NEXT_ENGINE_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// What the rules make of one callee name, worked out once per thread.
#[derive(Clone)]
struct CalleeInfo {
    /// The callee globs it matches, as bits.
    bits: std::rc::Rc<[u64]>,
    /// The call rules (indices into `rules.rules`, in `by_kind[0]` order) that can match a
    /// call of it: most rules require callees that most calls are not.
    rules: std::rc::Rc<[usize]>,
}

/// Per-thread cache: the engine it belongs to, and callee → what the rules make of it.
type CalleeCache = std::cell::RefCell<(u64, std::collections::HashMap<String, CalleeInfo>)>;

thread_local! {
    /// Callee → matching callee-glob bits and candidate rules, per thread, shared by all
    /// files a thread scans.
    static CALLEE_INFO: CalleeCache = std::cell::RefCell::new((0, std::collections::HashMap::new()));
}

/// One analysed member.
struct FileResult {
    path: String,
    /// None when the package's time budget ran out before this file.
    outcome: Option<FileOutcome>,
}

/// What one analysed file contributes. Facts are matched and dropped as soon as a file is
/// analysed, so memory holds one file's facts per thread, not a whole package's.
#[derive(Clone)]
struct FileOutcome {
    findings: Vec<Finding>,
    unanalysed: Vec<String>,
    python_bytes: u64,
    referenced: Vec<String>,
    syntax_error: bool,
    /// Keyword arguments of `setup()` in setup.py, for the metadata checks.
    setup_kwargs: Vec<(String, String)>,
    /// What setup.py runs at install time: callees and modules started with `python -m`.
    install_targets: Vec<InstallTarget>,
}

/// Code of the package itself that the install script runs.
#[derive(Debug, Clone, PartialEq)]
enum InstallTarget {
    /// A call of a dotted name (`pkg.build.run`): maybe function `run` of module `pkg.build`.
    Call(String),
    /// `python -m pkg.tool`: the module's `__main__` block.
    MainOf(String),
}

impl Engine {
    /// Builds, on the calling thread, what a scan otherwise builds on first need: the string
    /// literal searcher, the popular-name list and the flow callee index, and for a batch of
    /// `packages` (each one name look-up) the popular list's indexes when the batch will build
    /// them anyway. `ferret scan` runs it on a thread of its own beside the first file's
    /// reading and parsing, which takes it off the start-up a user waits for.
    pub fn warm_up(&self, packages: usize) {
        self.rules.string_prefilter.warm_up();
        let popular = ferret_identity::PopularList::builtin();
        self.rules.flows.call_flows("");
        popular.expect_lookups(packages);
        if let Some(extra) = &self.options.extra_popular {
            extra.expect_lookups(packages);
        }
    }

    pub fn new(rules: RuleSet, mut options: Options) -> Self {
        options.python.call_filter = call_filter(&rules);
        let mut by_kind: [Vec<usize>; 5] = Default::default();
        for (i, r) in rules.rules.iter().enumerate() {
            for (bit, list) in by_kind.iter_mut().enumerate() {
                if r.fact_kinds.has(1 << bit) {
                    list.push(i);
                }
            }
        }
        let id = NEXT_ENGINE_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (yara_rules, yara_index): (Vec<_>, Vec<usize>) = rules
            .rules
            .iter()
            .enumerate()
            .filter_map(|(i, r)| match &r.body {
                Body::Yara(y) => Some((y.clone(), i)),
                _ => None,
            })
            .unzip();
        let yara = (!yara_rules.is_empty()).then(|| {
            (
                ferret_rules::ferret_yara::Scanner::new(yara_rules),
                yara_index,
            )
        });
        Self {
            rules,
            options,
            by_kind,
            id,
            yara,
        }
    }

    fn callee_info(&self, callee: &str) -> CalleeInfo {
        CALLEE_INFO.with(|cell| {
            let mut cache = cell.borrow_mut();
            if cache.0 != self.id || cache.1.len() > 200_000 {
                cache.0 = self.id;
                cache.1.clear();
            }
            if let Some(info) = cache.1.get(callee) {
                return info.clone();
            }
            let bits: std::rc::Rc<[u64]> = self.rules.callee_bits(callee).into();
            let rules = self.by_kind[0]
                .iter()
                .copied()
                .filter(|&ri| self.rules.rules[ri].may_match_callee(&bits))
                .collect();
            let info = CalleeInfo { bits, rules };
            cache.1.insert(callee.to_string(), info.clone());
            info
        })
    }

    /// The union of the callee bits of a context's enclosing calls.
    fn context_call_bits(&self, context: &ferret_python::Context) -> Vec<u64> {
        let mut union = vec![0u64; self.rules.call_globs.len().div_ceil(64)];
        for call in &context.calls {
            for (u, b) in union.iter_mut().zip(self.callee_info(call).bits.iter()) {
                *u |= b;
            }
        }
        union
    }

    /// Scans a file or directory as one package. I/O problems make an `unscannable` report,
    /// never a clean one.
    pub fn scan_path(&self, path: &Path) -> PackageReport {
        let started = Instant::now();
        let label = path.display().to_string();
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match ferret_archive::read_path(path, &self.options.limits) {
            Ok(archive) => self.scan_archive(archive, &label, &file_name, started),
            Err(e) => unreadable(&label, format!("cannot read {label}: {e}"), started),
        }
    }

    /// Scans bytes already in memory (e.g. from a test or a mirror).
    pub fn scan_bytes(&self, bytes: &[u8], label: &str, file_name: &str) -> PackageReport {
        let started = Instant::now();
        let archive = ferret_archive::read_bytes(bytes, file_name, &self.options.limits);
        self.scan_archive(archive, label, file_name, started)
    }

    pub fn scan_archive(
        &self,
        archive: Archive,
        label: &str,
        file_name: &str,
        started: Instant,
    ) -> PackageReport {
        let pkg = package::Package::new(&archive, file_name);
        let deadline = started + self.options.limits.time_budget;
        let flows = &self.rules.flows;

        // Python and .pth members, in parallel.
        let code: Vec<(usize, FileRole)> = archive
            .members
            .iter()
            .enumerate()
            .filter_map(|(i, m)| {
                m.data
                    .as_ref()
                    .and_then(|_| pkg.role(&m.path))
                    .map(|r| (i, r))
            })
            .collect();
        let timed_out = std::sync::atomic::AtomicBool::new(false);
        // Analyses the first member of a group of byte-identical ones and matches the facts
        // under each member's own path: path-scoped rules still see every copy.
        let analyse = |group: &[usize], role: FileRole, entries: &[String]| -> Vec<FileResult> {
            if Instant::now() > deadline {
                timed_out.store(true, std::sync::atomic::Ordering::Relaxed);
                return group
                    .iter()
                    .map(|&i| FileResult {
                        path: archive.members[i].path.clone(),
                        outcome: None,
                    })
                    .collect();
            }
            let m = &archive.members[group[0]];
            let data = m.data.as_deref().unwrap_or_default();
            let entered;
            let opts = if entries.is_empty() {
                &self.options.python
            } else {
                entered = ferret_python::Options {
                    install_entries: entries.to_vec(),
                    ..self.options.python.clone()
                };
                &entered
            };
            let facts = ferret_python::analyze(data, role, flows, opts);
            let outcome = FileOutcome {
                findings: Vec::new(),
                unanalysed: facts
                    .issues
                    .iter()
                    .filter(|i| i.incomplete)
                    .map(|i| i.detail.clone())
                    .collect(),
                python_bytes: facts.text.len() as u64,
                referenced: referenced_names(&facts),
                syntax_error: facts.issues.iter().any(|i| i.code == "syntax-error"),
                setup_kwargs: if role == FileRole::SetupScript {
                    setup_kwargs(&facts)
                } else {
                    Vec::new()
                },
                install_targets: if role == FileRole::SetupScript {
                    install_targets(&facts)
                } else {
                    Vec::new()
                },
            };
            let result = |i: usize, outcome: FileOutcome| {
                let path = &archive.members[i].path;
                FileResult {
                    path: path.clone(),
                    outcome: Some(FileOutcome {
                        findings: self.match_file(path, &facts),
                        ..outcome
                    }),
                }
            };
            let mut results: Vec<FileResult> = group[1..]
                .iter()
                .map(|&i| result(i, outcome.clone()))
                .collect();
            results.insert(0, result(group[0], outcome));
            results
        };
        // Install scripts first: the package's own functions they call at install time are
        // install-time code in the modules that define them.
        let (setup, modules): (Vec<_>, Vec<_>) = code
            .iter()
            .copied()
            .partition(|(_, role)| *role == FileRole::SetupScript);
        let no_entries = vec![Vec::new(); setup.len()];
        let mut results: Vec<FileResult> = identical_groups(&archive, &setup, &no_entries)
            .par_iter()
            .flat_map_iter(|(group, role, e)| analyse(group, *role, e))
            .collect();
        let targets: Vec<&InstallTarget> = results
            .iter()
            .filter_map(|r| r.outcome.as_ref())
            .flat_map(|o| &o.install_targets)
            .collect();
        let entries: Vec<Vec<String>> = modules
            .iter()
            .map(|&(i, _)| entries_of(pkg.relative(&archive.members[i].path), &targets))
            .collect();
        results.extend(
            identical_groups(&archive, &modules, &entries)
                .par_iter()
                .flat_map_iter(|(group, role, e)| analyse(group, *role, e))
                .collect::<Vec<_>>(),
        );

        // Text members that installed or imported code names and that read as Python are code
        // too (`exec(open('payload.dat').read())`).
        let analysed: HashSet<usize> = code.iter().map(|(i, _)| *i).collect();
        let referenced: HashSet<&str> = results
            .iter()
            .filter_map(|r| r.outcome.as_ref())
            .flat_map(|o| o.referenced.iter().map(String::as_str))
            .collect();
        let extra: Vec<(usize, FileRole)> = archive
            .members
            .iter()
            .enumerate()
            .filter(|(i, m)| {
                // The name test first: it is a lookup, the content test reads the file.
                !analysed.contains(i)
                    && m.path
                        .rsplit('/')
                        .next()
                        .is_some_and(|base| referenced.contains(base))
                    && m.data
                        .as_deref()
                        .is_some_and(ferret_decode::looks_like_python)
            })
            .map(|(i, _)| (i, FileRole::Module))
            .collect();
        // Only text CPython could run: a README that merely mentions code is not code.
        let parses = |r: &FileResult| r.outcome.as_ref().is_some_and(|o| !o.syntax_error);
        let no_entries = vec![Vec::new(); extra.len()];
        let extra_results: Vec<FileResult> = identical_groups(&archive, &extra, &no_entries)
            .par_iter()
            .flat_map_iter(|(group, role, e)| analyse(group, *role, e))
            .filter(parses)
            .collect();
        results.extend(extra_results);

        let mut findings = Vec::new();
        let mut not_analysed = Vec::new();
        let mut incomplete = false;
        let mut python_bytes = 0u64;
        for r in results.iter_mut() {
            let Some(o) = r.outcome.as_mut() else {
                incomplete = true;
                not_analysed.push(NotAnalysed {
                    file: r.path.clone(),
                    reason: "package time budget exhausted".into(),
                });
                continue;
            };
            python_bytes += o.python_bytes;
            findings.append(&mut o.findings);
            for reason in &o.unanalysed {
                incomplete = true;
                not_analysed.push(NotAnalysed {
                    file: r.path.clone(),
                    reason: reason.clone(),
                });
            }
        }

        // Members as files, and the archive's own issues.
        for m in &archive.members {
            let info = FileInfo {
                path: &m.path,
                magic: m.magic.map(|x| x.as_str()),
                data: m.data.as_deref(),
            };
            findings.extend(self.match_fact(&FactRef::File(info), None));
            if let Some(reason) = &m.skipped {
                if m.kind == MemberKind::File
                    && !reason.starts_with("binary")
                    && !reason.starts_with("archive")
                {
                    not_analysed.push(NotAnalysed {
                        file: m.path.clone(),
                        reason: reason.clone(),
                    });
                }
            }
        }
        findings.extend(self.match_yara(&archive, deadline, &mut not_analysed, &mut incomplete));
        let mut issues: Vec<Issue> = archive.issues.clone();
        let setup_kwargs = results
            .iter()
            .filter_map(|r| r.outcome.as_ref())
            .map(|o| o.setup_kwargs.as_slice())
            .find(|k| !k.is_empty())
            .unwrap_or_default();
        issues.extend(pkg.signals(
            &archive,
            setup_kwargs,
            self.options.extra_popular.as_deref(),
        ));
        for issue in &issues {
            incomplete |= issue.incomplete;
            if issue.incomplete {
                not_analysed.push(NotAnalysed {
                    file: issue.path.clone(),
                    reason: issue.detail.clone(),
                });
            }
            let fact = FactRef::Issue {
                path: &issue.path,
                code: issue.code,
            };
            for mut f in self.match_fact(&fact, None) {
                f.message = format!("{}: {}", f.message, issue.detail);
                findings.push(f);
            }
        }
        if timed_out.into_inner() {
            incomplete = true;
        }
        findings.extend(self.correlate(&findings));
        dedupe_and_sort(&mut findings);
        not_analysed.sort_by(|a, b| (&a.file, &a.reason).cmp(&(&b.file, &b.reason)));
        not_analysed.dedup();

        let unreadable = archive.members.is_empty() && archive.issues.iter().any(|i| i.incomplete);
        let mut errors = Vec::new();
        if unreadable {
            errors.push(format!(
                "{label}: could not read any member ({})",
                archive
                    .issues
                    .iter()
                    .map(|i| i.detail.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        }
        let (score, verdict) = score::verdict(&findings, &self.rules, incomplete || unreadable);
        PackageReport {
            path: label.to_string(),
            sha256: archive.sha256.clone(),
            name: pkg.name.clone(),
            version: pkg.version.clone(),
            format: archive.format.as_str().to_string(),
            verdict,
            score,
            findings,
            not_analysed,
            errors,
            stats: Stats {
                members: archive.members.len(),
                python_files: results.len(),
                python_bytes,
                elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
            },
        }
    }

    /// The rule-matching stage alone: findings of every rule on the facts of one analysed
    /// file (for benches and tools; scans call it per file).
    pub fn match_facts(&self, path: &str, facts: &Facts) -> Vec<Finding> {
        self.match_file(path, facts)
    }

    /// Findings of every rule on every fact of one analysed file.
    fn match_file(&self, path: &str, facts: &Facts) -> Vec<Finding> {
        // Built only when the file has a finding: most files have none.
        let mut index: Option<LineIndex> = None;
        let mut out = Vec::new();
        // Path scopes are decided once per file, not once per fact.
        let rules_for = |kind: usize| -> Vec<usize> {
            self.by_kind[kind]
                .iter()
                .copied()
                .filter(|&ri| self.rules.rules[ri].applies_to(path))
                .collect()
        };
        // Calls (kind 0) go through each callee's candidate rules, filtered by this table.
        let applicable = [Vec::new(), rules_for(1), rules_for(2)];
        let mut call_rule_applies = vec![false; self.rules.rules.len()];
        for ri in rules_for(0) {
            call_rule_applies[ri] = true;
        }
        // Callee bits of each context's enclosing calls, OR-ed, computed once per context.
        let mut context_bits: Vec<Option<Vec<u64>>> = vec![None; facts.contexts.len()];
        let mut candidates = Vec::new();
        // Literal-search answers per text of the current fact, reused from fact to fact.
        let mut string_hits: Vec<ferret_rules::StringHits> = Vec::new();
        let mut listed = Listed::default();
        for fact in &facts.facts {
            let (info, kind) = match &fact.kind {
                FactKind::Call(c) => (Some(self.callee_info(&c.callee)), 0),
                FactKind::Str { .. } => (None, 1),
                FactKind::Import(_) => (None, 2),
            };
            let texts = match &fact.kind {
                FactKind::Call(c) => c.arg_strings.len(),
                FactKind::Str { .. } => 1,
                FactKind::Import(_) => 0,
            };
            string_hits.clear();
            string_hits.resize_with(texts, ferret_rules::StringHits::new);
            let context_call_bits = context_bits.get_mut(fact.ctx as usize).map(|slot| {
                slot.get_or_insert_with(|| {
                    self.context_call_bits(&facts.contexts[fact.ctx as usize])
                })
                .as_slice()
            });
            let fr = FactRef::Python {
                path,
                fact,
                facts,
                callee_bits: info.as_ref().map(|i| &*i.bits),
                context_call_bits,
                string_hits: Some((&self.rules.string_prefilter, &string_hits)),
            };
            let rules = match (&info, &fact.kind) {
                (Some(info), _) => {
                    candidates.clear();
                    candidates.extend(info.rules.iter().filter(|&&ri| call_rule_applies[ri]));
                    &candidates
                }
                // A string meets only the rules whose regexes its literals leave possible.
                (None, FactKind::Str { value, .. }) => {
                    candidates.clear();
                    candidates.extend(applicable[kind].iter().filter(|&&ri| {
                        self.rules.rules[ri].may_match_string(
                            &self.rules.string_prefilter,
                            value.as_bytes(),
                            &string_hits[0],
                        )
                    }));
                    &candidates
                }
                (None, _) => &applicable[kind],
            };
            for &ri in rules {
                let rule = &self.rules.rules[ri];
                if rule.matches_in_file(&fr) {
                    if !listed.admit(ri, fact.when) {
                        continue;
                    }
                    let detail = match &fact.kind {
                        FactKind::Call(c) => c.callee.clone(),
                        FactKind::Str { value, .. } => format!("{:?}", truncate_chars(value, 80)),
                        FactKind::Import(m) => m.clone(),
                    };
                    let decoded = fact
                        .payload
                        .and_then(|p| facts.payloads.get(p as usize))
                        .map(|p| Decoded {
                            chain: p.chain.iter().map(|s| s.as_str().to_string()).collect(),
                            bytes: p.bytes,
                            python: p.python,
                            preview: escape_preview(&p.preview),
                        });
                    let idx = index.get_or_insert_with(|| LineIndex::new(&facts.text));
                    out.push(self.finding(
                        rule,
                        path,
                        &facts.text,
                        idx,
                        fact.start,
                        fact.end,
                        Some(fact.when),
                        detail,
                        decoded,
                    ));
                }
            }
        }
        listed.note_unlisted(&self.rules, &mut out);
        for issue in &facts.issues {
            let fr = FactRef::Issue {
                path,
                code: issue.code,
            };
            for &ri in &self.by_kind[4] {
                let rule = &self.rules.rules[ri];
                if rule.matches(&fr) {
                    let idx = index.get_or_insert_with(|| LineIndex::new(&facts.text));
                    out.push(self.finding(
                        rule,
                        path,
                        &facts.text,
                        idx,
                        issue.start,
                        issue.end,
                        None,
                        issue.detail.clone(),
                        None,
                    ));
                }
            }
        }
        out
    }

    /// YARA rules over the bytes of every member ferret read, in parallel. Members left when
    /// the package's time budget runs out are listed as not analysed.
    fn match_yara(
        &self,
        archive: &Archive,
        deadline: Instant,
        not_analysed: &mut Vec<NotAnalysed>,
        incomplete: &mut bool,
    ) -> Vec<Finding> {
        let Some((scanner, index)) = &self.yara else {
            return Vec::new();
        };
        let per_member: Vec<Option<Vec<Finding>>> = archive
            .members
            .par_iter()
            .map(|m| {
                let data = m.data.as_deref()?;
                if Instant::now() > deadline {
                    return None;
                }
                Some(
                    scanner
                        .scan(data)
                        .into_iter()
                        .map(|hit| {
                            yara_finding(&self.rules.rules[index[hit.rule]], &m.path, data, hit.hit)
                        })
                        .collect(),
                )
            })
            .collect();
        let mut out = Vec::new();
        for (m, found) in archive.members.iter().zip(per_member) {
            match found {
                Some(f) => out.extend(f),
                None if m.data.is_some() => {
                    *incomplete = true;
                    not_analysed.push(NotAnalysed {
                        file: m.path.clone(),
                        reason: "package time budget exhausted before YARA rules ran".into(),
                    });
                }
                None => {}
            }
        }
        out
    }

    fn match_fact(&self, fact: &FactRef<'_>, detail: Option<String>) -> Vec<Finding> {
        // Only the rules that can match this kind of fact (in rule order, as `by_kind` is).
        self.by_kind[fact.kind_bit().trailing_zeros() as usize]
            .iter()
            .map(|&ri| &self.rules.rules[ri])
            .filter(|r| r.matches(fact))
            .map(|rule| Finding {
                rule: rule.id.clone(),
                severity: rule.severity,
                confidence: rule.confidence,
                kind: rule.kind,
                category: rule.category.clone(),
                file: fact.path().to_string(),
                line: 0,
                column: 0,
                end_line: 0,
                end_column: 0,
                message: detail.clone().map_or_else(
                    || rule.summary.clone(),
                    |d| format!("{}: {d}", rule.summary),
                ),
                context: String::new(),
                context_column: 1,
                when: None,
                decoded: None,
            })
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    fn finding(
        &self,
        rule: &Rule,
        path: &str,
        text: &str,
        index: &LineIndex,
        start: u32,
        end: u32,
        when: Option<ferret_report::When>,
        detail: String,
        decoded: Option<Decoded>,
    ) -> Finding {
        let (line, column) = index.location(text, start);
        let (end_line, end_column) = index.location(text, end);
        let (shown, context_column) = index.snippet(text, line, start, SNIPPET_LEAD);
        let context = escape_for_display(shown, 200);
        Finding {
            rule: rule.id.clone(),
            severity: rule.severity,
            confidence: rule.confidence,
            kind: rule.kind,
            category: rule.category.clone(),
            file: path.to_string(),
            line,
            column,
            end_line,
            end_column,
            message: if detail.is_empty() {
                rule.summary.clone()
            } else {
                format!("{} ({detail})", rule.summary)
            },
            context,
            context_column,
            when,
            decoded,
        }
    }

    /// Correlation rules: fire when the rules they name fired in the same file or package.
    fn correlate(&self, findings: &[Finding]) -> Vec<Finding> {
        let mut out = Vec::new();
        for rule in &self.rules.rules {
            let Body::Correlate { within, all, any } = &rule.body else {
                continue;
            };
            let groups: Vec<String> = match within {
                Within::File => findings
                    .iter()
                    .map(|f| f.file.clone())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect(),
                Within::Package => vec![String::new()],
            };
            for group in groups {
                let in_group = |id: &str| {
                    findings
                        .iter()
                        .find(|f| f.rule == id && (group.is_empty() || f.file == group))
                };
                let all_ok = all.iter().all(|id| in_group(id).is_some());
                let any_ok = any.is_empty() || any.iter().any(|id| in_group(id).is_some());
                if all_ok && any_ok {
                    let anchor = all.iter().chain(any).find_map(|id| in_group(id)).cloned();
                    if let Some(a) = anchor {
                        out.push(Finding {
                            rule: rule.id.clone(),
                            severity: rule.severity,
                            confidence: rule.confidence,
                            kind: rule.kind,
                            category: rule.category.clone(),
                            message: format!(
                                "{} ({})",
                                rule.summary,
                                all.iter()
                                    .chain(any)
                                    .cloned()
                                    .collect::<Vec<_>>()
                                    .join(" + ")
                            ),
                            decoded: None,
                            ..a
                        });
                    }
                }
            }
        }
        out
    }
}

/// Findings listed per rule and file. A generated or hostile file can repeat one call a million
/// times; past this, more of the same add only output (600,000 findings and minutes for a 9 MB
/// one-line file). The rest are counted in the last one listed.
const LISTED_PER_RULE_AND_FILE: u32 = 100;

/// Which findings of a file are listed: per rule, the first [`LISTED_PER_RULE_AND_FILE`], and
/// past them any that runs earlier than every one listed (install before import before
/// runtime), as it weighs more: the score and verdict stay those of the full list.
#[derive(Default)]
struct Listed {
    /// Per rule index: (listed, not listed, earliest `when` listed).
    counts: std::collections::HashMap<usize, (u32, u32, ferret_report::When)>,
}

impl Listed {
    fn admit(&mut self, rule: usize, when: ferret_report::When) -> bool {
        let (listed, unlisted, earliest) =
            self.counts
                .entry(rule)
                .or_insert((0, 0, ferret_report::When::Runtime));
        if *listed < LISTED_PER_RULE_AND_FILE || when < *earliest {
            *listed += 1;
            *earliest = (*earliest).min(when);
            true
        } else {
            *unlisted += 1;
            false
        }
    }

    /// Says in the last listed finding of each capped rule how many more there were.
    fn note_unlisted(&self, rules: &ferret_rules::RuleSet, out: &mut [Finding]) {
        for (&ri, &(_, unlisted, _)) in &self.counts {
            let id = &rules.rules[ri].id;
            if unlisted == 0 {
                continue;
            }
            if let Some(f) = out.iter_mut().rev().find(|f| &f.rule == id) {
                f.message.push_str(&format!(
                    " [and {unlisted} more like it in this file, not listed]"
                ));
            }
        }
    }
}

/// Characters of a long line shown before a finding: the snippet starts there, not at the line's
/// start, which may be thousands of characters (often spaces, to push code off-screen) before.
const SNIPPET_LEAD: usize = 40;

/// A YARA match as a finding: located at the earliest occurrence of one of the rule's strings
/// (line 0, the whole file, when the condition needs no string).
fn yara_finding(
    rule: &Rule,
    path: &str,
    data: &[u8],
    hit: Option<ferret_rules::ferret_yara::StringHit>,
) -> Finding {
    /// 1-based line and column (in characters when the line is UTF-8, else in bytes).
    fn locate(data: &[u8], at: usize) -> (u32, u32, usize) {
        let at = at.min(data.len());
        let line_start = data[..at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = data[..line_start].iter().filter(|&&b| b == b'\n').count() + 1;
        let seg = &data[line_start..at];
        let col = std::str::from_utf8(seg).map_or(seg.len(), |s| s.chars().count()) + 1;
        (line as u32, col as u32, line_start)
    }
    let mut f = Finding {
        rule: rule.id.clone(),
        severity: rule.severity,
        confidence: rule.confidence,
        kind: rule.kind,
        category: rule.category.clone(),
        file: path.to_string(),
        line: 0,
        column: 0,
        end_line: 0,
        end_column: 0,
        message: rule.summary.clone(),
        context: String::new(),
        context_column: 1,
        when: None,
        decoded: None,
    };
    if let Some(h) = hit {
        let (line, column, line_start) = locate(data, h.start);
        let (end_line, end_column, _) = locate(data, h.end);
        let line_end = data[line_start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(data.len(), |i| line_start + i);
        // Bounded: a binary or minified member may be one huge line. Far into a long line, the
        // snippet starts a little before the match (at a character's first byte).
        let mut from = line_start;
        if h.start.saturating_sub(line_start) > 4 * SNIPPET_LEAD {
            from = h.start - SNIPPET_LEAD;
            while from < h.start && (data[from] as i8) < -0x40 {
                from += 1;
            }
            f.context_column = locate(data, from).1;
        }
        let shown = &data[from..line_end.min(from + 4096)];
        f.context = escape_for_display(&String::from_utf8_lossy(shown), 200);
        let matched = &data[h.start..h.end.min(h.start + 4096)];
        f.message = format!(
            "{} ({} = {:?})",
            rule.summary,
            h.ident,
            escape_for_display(&String::from_utf8_lossy(matched), 60)
        );
        (f.line, f.column, f.end_line, f.end_column) = (line, column, end_line, end_column);
    }
    f
}

fn unreadable(label: &str, error: String, started: Instant) -> PackageReport {
    PackageReport {
        path: label.to_string(),
        sha256: String::new(),
        name: None,
        version: None,
        format: "unknown".into(),
        verdict: ferret_report::Verdict::Unscannable,
        score: 0.0,
        findings: Vec::new(),
        not_analysed: Vec::new(),
        errors: vec![error],
        stats: Stats {
            elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
            ..Stats::default()
        },
    }
}

/// What an install script runs of the package's own code: calls of dotted names made at
/// install time, and modules it starts with `python -m` (bounded: a script is small).
fn install_targets(facts: &Facts) -> Vec<InstallTarget> {
    let mut out = Vec::new();
    for f in facts
        .facts
        .iter()
        .filter(|f| f.when == ferret_report::When::Install)
    {
        let FactKind::Call(c) = &f.kind else {
            continue;
        };
        if c.callee.contains('.') && !c.callee.starts_with(['?', '<']) {
            out.push(InstallTarget::Call(c.callee.clone()));
        }
        if let Some(p) = c.arg_strings.iter().position(|a| a == "-m") {
            if let Some(m) = c.arg_strings.get(p + 1) {
                out.push(InstallTarget::MainOf(m.clone()));
            }
        }
        if out.len() >= 4096 {
            break;
        }
    }
    out.dedup();
    out
}

/// The install entries of the module at `rel` (path inside the package root): functions the
/// install script calls in it, and `<main>` when it is run with `python -m`.
fn entries_of(rel: &str, targets: &[&InstallTarget]) -> Vec<String> {
    let Some(stem) = rel.strip_suffix(".py") else {
        return Vec::new();
    };
    let stem = stem.strip_prefix("src/").unwrap_or(stem);
    let module = stem
        .strip_suffix("/__init__")
        .unwrap_or(stem)
        .replace('/', ".");
    let main_of = stem.strip_suffix("/__main__").map(|m| m.replace('/', "."));
    let mut out = Vec::new();
    for t in targets {
        match t {
            InstallTarget::Call(callee) => {
                if let Some((m, func)) = callee.rsplit_once('.') {
                    if m == module && !out.iter().any(|e| e == func) {
                        out.push(func.to_string());
                    }
                }
            }
            InstallTarget::MainOf(m) => {
                if (*m == module || main_of.as_deref() == Some(m.as_str()))
                    && !out.iter().any(|e| e == "<main>")
                {
                    out.push("<main>".to_string());
                }
            }
        }
    }
    out
}

/// Keyword arguments of the `setup()` call in a setup script, when it has exactly one (several
/// calls are alternative builds chosen at run time, none of them *the* declaration).
fn setup_kwargs(facts: &Facts) -> Vec<(String, String)> {
    let mut calls = facts
        .facts
        .iter()
        .filter(|f| f.payload.is_none())
        .filter_map(|f| match &f.kind {
            FactKind::Call(c)
                if matches!(
                    c.callee.as_str(),
                    "setuptools.setup" | "distutils.core.setup"
                ) =>
            {
                Some(&c.kwargs)
            }
            _ => None,
        });
    match (calls.next(), calls.next()) {
        (Some(kwargs), None) => kwargs.clone(),
        _ => Vec::new(),
    }
}

/// The callees whose call facts a rule could match: the union of every call rule's required
/// callees; None (every call) when some call rule requires none.
fn call_filter(rules: &RuleSet) -> Option<std::sync::Arc<ferret_python::CallFilter>> {
    let mut ids = BTreeSet::new();
    for r in rules
        .rules
        .iter()
        .filter(|r| r.fact_kinds.has(FactKinds::CALL))
    {
        ids.extend(r.required_calls.as_ref()?);
    }
    let globs = ids
        .into_iter()
        .map(|&i| rules.call_globs[i as usize].clone())
        .collect();
    Some(std::sync::Arc::new(ferret_python::CallFilter::new(globs)))
}

/// Code members (`items`, each with its install entries) grouped by identical bytes, role and
/// entries, in first-seen order: sdists that ship one source tree per Python version, and
/// vendored copies, are analysed once per distinct file. Bytes are compared in full, so a
/// crafted hash collision cannot hide a file behind another.
fn identical_groups<'e>(
    archive: &Archive,
    items: &[(usize, FileRole)],
    entries: &'e [Vec<String>],
) -> Vec<(Vec<usize>, FileRole, &'e [String])> {
    let data = |i: usize| archive.members[i].data.as_deref().unwrap_or_default();
    // Length and a sample of the bytes pick the candidates; the full compare decides.
    let key = |d: &[u8]| {
        let head = &d[..d.len().min(256)];
        let tail = &d[d.len().saturating_sub(256)..];
        let mut h = std::hash::DefaultHasher::new();
        std::hash::Hasher::write(&mut h, head);
        std::hash::Hasher::write(&mut h, tail);
        (d.len(), std::hash::Hasher::finish(&h))
    };
    let mut groups: Vec<(Vec<usize>, FileRole, &'e [String])> = Vec::new();
    let mut by_key: std::collections::HashMap<(usize, u64), Vec<usize>> =
        std::collections::HashMap::new();
    for (&(i, role), e) in items.iter().zip(entries) {
        let d = data(i);
        let candidates = by_key.entry(key(d)).or_default();
        let same = candidates.iter().copied().find(|&g| {
            let (members, r, ge) = &groups[g];
            *r == role && *ge == e.as_slice() && data(members[0]) == d
        });
        match same {
            Some(g) => groups[g].0.push(i),
            None => {
                candidates.push(groups.len());
                groups.push((vec![i], role, e.as_slice()));
            }
        }
    }
    groups
}

/// Base names of files that code runs: named in a string inside exec/eval/compile, runpy,
/// `subprocess`/`os.system`-style calls (`exec(open('payload.dat').read())`). Data files a
/// package merely opens (`service-2.json`) are not code.
fn referenced_names(facts: &Facts) -> Vec<String> {
    const RUNNERS: &[&str] = &[
        "builtins.exec",
        "builtins.eval",
        "builtins.compile",
        "builtins.execfile",
        "runpy.",
        "subprocess.",
        "os.system",
        "os.popen",
        "os.exec",
        "os.spawn",
        "importlib.",
    ];
    const DATA: &[&str] = &[
        ".json", ".md", ".rst", ".txt.gz", ".csv", ".yaml", ".yml", ".toml", ".cfg", ".ini",
        ".html", ".xml", ".svg",
    ];
    let mut names = Vec::new();
    for f in &facts.facts {
        let FactKind::Str { value, .. } = &f.kind else {
            continue;
        };
        if value.len() >= 256 || value.contains('\n') || DATA.iter().any(|d| value.ends_with(d)) {
            continue;
        }
        let runs = facts.contexts.get(f.ctx as usize).is_some_and(|c| {
            c.calls
                .iter()
                .any(|call| RUNNERS.iter().any(|p| call.starts_with(p)))
        });
        if !runs {
            continue;
        }
        if let Some(base) = value.rsplit(['/', '\\']).next().filter(|b| !b.is_empty()) {
            names.push(base.to_string());
        }
    }
    names
}

fn truncate_chars(s: &str, n: usize) -> String {
    escape_for_display(s, n)
}

fn escape_preview(s: &str) -> String {
    s.lines()
        .take(12)
        .map(|l| escape_for_display(l, 160))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One finding per rule and location; order by file, line, column, rule.
fn dedupe_and_sort(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.rule, &a.message)
            .cmp(&(&b.file, b.line, b.column, &b.rule, &b.message))
    });
    findings.dedup_by(|a, b| {
        a.file == b.file && a.line == b.line && a.column == b.column && a.rule == b.rule
    });
}

#[cfg(test)]
mod install_entry_tests {
    use super::{entries_of, InstallTarget};

    #[test]
    fn install_script_calls_and_python_dash_m_name_module_entries() {
        let call = InstallTarget::Call("pkg.build.run".into());
        let other = InstallTarget::Call("setuptools.setup".into());
        let main = InstallTarget::MainOf("pkg.tool".into());
        let targets = [&call, &other, &main];
        assert_eq!(entries_of("pkg/build.py", &targets), ["run"]);
        assert_eq!(entries_of("src/pkg/build.py", &targets), ["run"]);
        assert_eq!(entries_of("pkg/tool.py", &targets), ["<main>"]);
        assert_eq!(entries_of("pkg/tool/__main__.py", &targets), ["<main>"]);
        assert!(entries_of("pkg/other.py", &targets).is_empty());
        assert!(entries_of("README.txt", &targets).is_empty());
    }
}

#[cfg(test)]
mod call_filter_tests {
    use super::call_filter;
    use ferret_python::{FactKind, FileRole, Options};
    use ferret_rules::RuleSet;

    const RULE: &str = r#"
id = "x-rule"
name = "X"
kind = "threat"
category = "test"
severity = "high"
confidence = "medium"
summary = "s"
[docs]
what = "w"
why = "y"
example = "exec(1)"
[match]
call = "builtins.exec"
arg-flow = ["decoded"]
"#;

    fn set_of(src: &str) -> RuleSet {
        let mut set = RuleSet::default();
        set.rules
            .push(ferret_rules::load_str(src, "x-rule.toml", Some("x-rule")).unwrap());
        set.finalize();
        set
    }

    fn callees(set: &RuleSet, role: FileRole, src: &str) -> Vec<String> {
        let opts = Options {
            call_filter: call_filter(set),
            ..Options::default()
        };
        ferret_python::analyze(src.as_bytes(), role, &set.flows, &opts)
            .facts
            .into_iter()
            .filter_map(|f| match f.kind {
                FactKind::Call(c) => Some(c.callee),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn call_facts_are_built_only_where_something_reads_them() {
        let src = "print(1)\nexec(input())\n";
        let set = set_of(RULE);
        assert_eq!(callees(&set, FileRole::Module, src), ["builtins.exec"]);
        // Install scripts keep every call: what they run at install is read from them.
        assert_eq!(
            callees(&set, FileRole::SetupScript, src),
            ["builtins.print", "builtins.input", "builtins.exec"]
        );
        // A call rule that names no callee could match any call: no filter.
        let any_call = set_of(&RULE.replace("call = \"builtins.exec\"\n", ""));
        assert!(call_filter(&any_call).is_none());
        assert_eq!(
            callees(&any_call, FileRole::Module, src),
            ["builtins.print", "builtins.input", "builtins.exec"]
        );
        // The shipped rules all name their callees.
        let builtin = ferret_rules::load_builtin().unwrap();
        let filter = call_filter(&builtin).expect("a filter for the built-in rules");
        assert!(filter.wants("os.system") && filter.wants("requests.post"));
        assert!(!filter.wants("builtins.print"));
    }
}
