//! `ferret`: the command line. Thin glue over the library crates: parse flags, load rules once,
//! scan in parallel, print in a deterministic order, exit with a documented code.

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use ferret_engine::{Engine, Options};
use ferret_report::{PackageReport, RuleMeta, Verdict};
use ferret_rules::RuleSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// The walker allocates many small, short-lived values; mimalloc serves them several times
/// faster than glibc's malloc (measured in benches/ab notes of session 3).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod mirror;

#[derive(Parser)]
#[command(
    name = "ferret",
    version,
    about = "Finds malicious code in Python packages without running them"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan wheels, sdists, eggs, directories or .py files.
    Scan(ScanArgs),
    /// List, explain, check and test rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Batch-scan a PyPI mirror into a results database (incremental, resumable, sharded).
    Mirror(mirror::MirrorArgs),
    /// Show what NEW adds to OLD: files, install hooks and findings (two versions, or a wheel
    /// and its sdist). Exits 1 when NEW adds a threat finding.
    Diff(DiffArgs),
}

#[derive(Args)]
struct DiffArgs {
    /// The reference package (e.g. the previous release, or the project's own sdist).
    #[arg(value_name = "OLD")]
    old: PathBuf,
    /// The package to vet.
    #[arg(value_name = "NEW")]
    new: PathBuf,
    /// Output format (human or json).
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    #[command(flatten)]
    source: RuleSource,
    #[command(flatten)]
    bounds: Bounds,
}

#[derive(Subcommand)]
enum RulesCommand {
    /// List the rules (built-in, plus --rules DIR).
    List(RuleSource),
    /// Show a rule's documentation.
    Explain {
        id: String,
        #[command(flatten)]
        source: RuleSource,
    },
    /// Check that the rule files in DIR load (errors name file, line and column).
    Check { dir: PathBuf },
    /// Run the fixtures of every rule in DIR (annotations `# ruleid:` / `# ok:`).
    Test { dir: PathBuf },
}

#[derive(Args, Clone)]
pub(crate) struct RuleSource {
    /// Directory of extra rules (TOML), added to the built-in ones.
    #[arg(long, value_name = "DIR")]
    rules: Vec<PathBuf>,
    /// Use only the rules from --rules, not the built-in ones.
    #[arg(long)]
    no_builtin_rules: bool,
    /// Your own package names to protect from look-alikes (e.g. internal packages), one per
    /// line, most important first; checked before the shipped popular list.
    #[arg(long, value_name = "FILE")]
    popular_list: Option<PathBuf>,
}

impl RuleSource {
    /// Engine options: the bounds plus this source's own popular list.
    pub(crate) fn options(&self, bounds: &Bounds) -> Result<Options> {
        let mut o = bounds.options();
        if let Some(path) = &self.popular_list {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading --popular-list {}", path.display()))?;
            let list = ferret_identity::PopularList::parse(&text);
            if list.is_empty() {
                bail!(
                    "--popular-list {}: no names in it (one name per line)",
                    path.display()
                );
            }
            o.extra_popular = Some(std::sync::Arc::new(list));
        }
        Ok(o)
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Human,
    Json,
    Jsonl,
    Sarif,
}

/// `--fail-on`: the verdict from which the exit code is 1 (shared by `scan` and `mirror`).
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(crate) enum FailOn {
    Malicious,
    Suspicious,
    Unscannable,
    Never,
}

impl FailOn {
    pub(crate) fn threshold(self) -> Option<Verdict> {
        match self {
            Self::Malicious => Some(Verdict::Malicious),
            Self::Suspicious => Some(Verdict::Suspicious),
            Self::Unscannable => Some(Verdict::Unscannable),
            Self::Never => None,
        }
    }
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Args)]
struct ScanArgs {
    /// Packages to scan: .whl, .tar.gz, .zip, .tar.bz2, .tar.xz, .egg, a directory or a .py file.
    /// A directory that is not a project is scanned as a collection of packages.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Exit with 1 when a package's verdict is at or above this.
    #[arg(long, value_enum, default_value = "suspicious")]
    fail_on: FailOn,
    #[command(flatten)]
    source: RuleSource,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    jobs: Option<usize>,
    /// Colour in human output.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    /// Human output: print only packages that are not clean.
    #[arg(long, short = 'q')]
    quiet: bool,
    #[command(flatten)]
    bounds: Bounds,
}

/// Bounds on the work and memory spent per package. Hitting one is a finding, never "clean".
#[derive(Args, Clone)]
pub(crate) struct Bounds {
    /// Time budget per package, in milliseconds.
    #[arg(long, default_value_t = 20_000, value_name = "MS")]
    pub package_time_ms: u64,
    /// Time budget per Python file (including decoded payloads), in milliseconds.
    #[arg(long, default_value_t = 5_000, value_name = "MS")]
    pub file_time_ms: u64,
    /// Largest archive file read.
    #[arg(long, default_value_t = 1 << 30, value_name = "BYTES")]
    pub max_archive_bytes: u64,
    /// Bytes inflated per package (kept or not).
    #[arg(long, default_value_t = 1 << 30, value_name = "BYTES")]
    pub max_inflated_bytes: u64,
    /// Bytes of analysable content kept in memory per package.
    #[arg(long, default_value_t = 256 << 20, value_name = "BYTES")]
    pub max_kept_bytes: u64,
    /// Largest single member analysed.
    #[arg(long, default_value_t = 32 << 20, value_name = "BYTES")]
    pub max_member_bytes: u64,
    /// Members per package.
    #[arg(long, default_value_t = 100_000, value_name = "N")]
    pub max_members: usize,
    /// Compression ratio above which a member is treated as a bomb.
    #[arg(long, default_value_t = 200, value_name = "N")]
    pub max_ratio: u64,
    /// Archives nested inside archives.
    #[arg(long, default_value_t = 4, value_name = "N")]
    pub max_archive_depth: usize,
    /// Largest Python source parsed.
    #[arg(long, default_value_t = 16 << 20, value_name = "BYTES")]
    pub max_source_bytes: usize,
    /// Layers of decoded-then-executed code followed.
    #[arg(long, default_value_t = 24, value_name = "N")]
    pub max_decode_layers: u32,
    /// Bytes produced by static decoding per file.
    #[arg(long, default_value_t = 64 << 20, value_name = "BYTES")]
    pub max_decoded_bytes: usize,
}

impl Bounds {
    pub(crate) fn options(&self) -> Options {
        let mut o = Options::default();
        o.limits.time_budget = Duration::from_millis(self.package_time_ms);
        o.limits.max_archive_bytes = self.max_archive_bytes;
        o.limits.max_inflated_bytes = self.max_inflated_bytes;
        o.limits.max_kept_bytes = self.max_kept_bytes;
        o.limits.max_member_bytes = self.max_member_bytes;
        o.limits.max_members = self.max_members;
        o.limits.max_ratio = self.max_ratio;
        o.limits.max_depth = self.max_archive_depth;
        o.python.time_budget = Duration::from_millis(self.file_time_ms);
        o.python.max_parse_bytes = self.max_source_bytes;
        o.python.max_layers = self.max_decode_layers;
        o.python.max_decoded_bytes = self.max_decoded_bytes;
        o
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => scan(&args),
        Command::Rules(cmd) => rules(cmd),
        Command::Mirror(args) => mirror::run(args),
        Command::Diff(args) => diff(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn diff(args: &DiffArgs) -> Result<ExitCode> {
    init_threads(None);
    let rules = load_rules(&args.source)?;
    let engine = Engine::new(rules, args.source.options(&args.bounds)?);
    let report = engine.diff(&args.old, &args.new).with_context(|| {
        format!(
            "comparing {} with {}",
            args.old.display(),
            args.new.display()
        )
    })?;
    let text = match args.format {
        Format::Human => ferret_engine::render_diff(&report),
        Format::Json | Format::Jsonl => {
            let mut t = serde_json::to_string_pretty(&report)?;
            t.push('\n');
            t
        }
        Format::Sarif => bail!("ferret diff prints human or json output, not sarif"),
    };
    std::io::stdout().write_all(text.as_bytes())?;
    Ok(if report.adds_threats() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Loads the rule set: built-ins plus user directories.
pub(crate) fn load_rules(source: &RuleSource) -> Result<RuleSet> {
    let mut set = if source.no_builtin_rules {
        if source.rules.is_empty() {
            bail!("--no-builtin-rules needs at least one --rules DIR");
        }
        RuleSet::default()
    } else {
        ferret_rules::load_builtin()
            .map_err(render_rule_errors)
            .context("built-in rules failed to load (a bug: please report it)")?
    };
    for dir in &source.rules {
        let user = ferret_rules::load_dir(dir).map_err(render_rule_errors)?;
        if source.no_builtin_rules && set.rules.is_empty() {
            set = user;
        } else {
            set.extend(user);
        }
    }
    Ok(set)
}

fn render_rule_errors(errors: Vec<ferret_rules::RuleError>) -> anyhow::Error {
    let n = errors.len();
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    anyhow::anyhow!(
        "{}\n{n} error{} in rule files",
        text.join("\n\n"),
        if n == 1 { "" } else { "s" }
    )
}

/// Runs `scan` on every item on the thread pool and hands the results to `sink` in input
/// order. Workers claim items in order from a shared counter, so a slow package holds back only
/// the printing, never the other cores (batches joined at a barrier left a core idle behind
/// each straggler); a worker waits when it is `window` items ahead of the printing, which
/// bounds the results held in memory.
fn in_input_order<T: Sync, R: Send>(
    items: &[T],
    window: usize,
    scan: impl Fn(&T) -> R + Sync,
    mut sink: impl FnMut(R) -> Result<()>,
) -> Result<()> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    if let [only] = items {
        // Nothing to order: scanned on this thread, which saves two hand-offs that cost a
        // one-file scan ~0.2 ms, and up to 2 ms when a core was slow to take them. On a stack
        // as large as a pool thread's, not on the main thread's (8 MiB, or what ulimit says).
        return sink(stacker::grow(SCAN_STACK, || scan(only)));
    }
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, R)>();
    std::thread::scope(|s| {
        s.spawn(|| {
            // One loop per pool thread; nested parallelism inside `scan` still uses the pool.
            rayon::broadcast(|_| loop {
                while next.load(Ordering::Relaxed) >= done.load(Ordering::Acquire) + window
                    && !stop.load(Ordering::Relaxed)
                {
                    std::thread::sleep(Duration::from_millis(1));
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= items.len() || stop.load(Ordering::Relaxed) {
                    break;
                }
                if tx.send((i, scan(&items[i]))).is_err() {
                    break;
                }
            });
            drop(tx);
        });
        let mut pending = std::collections::BTreeMap::new();
        let mut result = Ok(());
        for (i, r) in rx {
            pending.insert(i, r);
            while let Some(r) = pending.remove(&done.load(Ordering::Relaxed)) {
                done.fetch_add(1, Ordering::Release);
                if result.is_ok() {
                    result = sink(r);
                    // A failed write (closed pipe): stop scanning, report the error.
                    stop.store(result.is_err(), Ordering::Relaxed);
                }
            }
        }
        result
    })
}

/// The stack a package is scanned on: a pool thread's, or the one a lone input gets.
const SCAN_STACK: usize = 64 << 20;

pub(crate) fn init_threads(jobs: Option<usize>) {
    // Large stacks: a deep syntax tree is walked on a growable stack, but a margin costs
    // nothing (stack pages are committed only when touched).
    let mut b = rayon::ThreadPoolBuilder::new().stack_size(SCAN_STACK);
    if let Some(j) = jobs {
        b = b.num_threads(j.max(1));
    }
    let _ = b.build_global();
}

fn scan(args: &ScanArgs) -> Result<ExitCode> {
    init_threads(args.jobs);
    for p in &args.paths {
        if !p.exists() {
            bail!("{}: no such file or directory", p.display());
        }
    }
    let rules = load_rules(&args.source)?;
    let engine = std::sync::Arc::new(Engine::new(rules, args.source.options(&args.bounds)?));
    let inputs = ferret_engine::expand_inputs(&args.paths).context("listing inputs")?;
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let threshold = args.fail_on.threshold();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failing = false;
    let mut kept: Vec<PackageReport> = Vec::new();
    let mut counts = [0usize; 4];
    let window = rayon::current_num_threads() * 32;
    // What the first package would build on first need is built beside it, on a thread of
    // its own (a pool worker would hold the scan back until it is done). Not waited for: a
    // scan that never needs it ends without it.
    let warm = std::sync::Arc::clone(&engine);
    let packages = inputs.len();
    std::thread::spawn(move || warm.warm_up(packages));
    in_input_order(
        &inputs,
        window,
        |i| engine.scan_path(&i.path),
        |r| {
            counts[r.verdict as usize] += 1;
            if threshold.is_some_and(|t| r.verdict >= t) {
                failing = true;
            }
            for e in &r.errors {
                eprintln!("error: {e}");
            }
            match args.format {
                Format::Human => {
                    if !(args.quiet && r.verdict == Verdict::Clean) {
                        write!(out, "{}", ferret_report::to_human(&r, color))?;
                        if !r.findings.is_empty() {
                            writeln!(out)?;
                        }
                    }
                }
                Format::Jsonl => {
                    serde_json::to_writer(&mut out, &ferret_report::to_json_value(&r))?;
                    writeln!(out)?;
                    out.flush()?;
                }
                Format::Json | Format::Sarif => kept.push(r),
            }
            Ok(())
        },
    )?;
    match args.format {
        Format::Json => {
            let doc = serde_json::json!({
                "ferret": env!("CARGO_PKG_VERSION"),
                "rules_version": engine.rules.version,
                "summary": summary_json(&counts),
                "packages": kept.iter().map(ferret_report::to_json_value).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        Format::Sarif => {
            let metas: Vec<RuleMeta<'_>> = engine
                .rules
                .rules
                .iter()
                .map(|r| RuleMeta {
                    id: &r.id,
                    name: &r.name,
                    summary: &r.summary,
                    help: &r.docs.why,
                })
                .collect();
            let doc = ferret_report::to_sarif(&kept, &metas, env!("CARGO_PKG_VERSION"));
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        Format::Human if inputs.len() > 1 => {
            writeln!(
                out,
                "{} packages: {} malicious, {} suspicious, {} unscannable, {} clean",
                inputs.len(),
                counts[3],
                counts[2],
                counts[1],
                counts[0]
            )?;
        }
        _ => {}
    }
    out.flush()?;
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn summary_json(counts: &[usize; 4]) -> serde_json::Value {
    serde_json::json!({
        "clean": counts[0],
        "unscannable": counts[1],
        "suspicious": counts[2],
        "malicious": counts[3],
    })
}

fn rules(cmd: RulesCommand) -> Result<ExitCode> {
    match cmd {
        RulesCommand::List(source) => {
            let set = load_rules(&source)?;
            for r in &set.rules {
                println!(
                    "{:<34} {:<9} {:<10} {:<14} {}",
                    r.id,
                    r.severity.as_str(),
                    kind_str(r.kind),
                    r.category,
                    r.summary
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Explain { id, source } => {
            let set = load_rules(&source)?;
            let Some(r) = set.get(&id) else {
                bail!("no rule `{id}`; `ferret rules list` shows them all");
            };
            println!("{} — {}\n", r.id, r.name);
            println!(
                "kind: {}   category: {}   severity: {}   confidence: {:?}",
                kind_str(r.kind),
                r.category,
                r.severity.as_str(),
                r.confidence
            );
            println!("source: {}\n", r.origin);
            println!("What it flags\n  {}\n", r.docs.what.trim());
            println!("Why it is bad\n  {}\n", r.docs.why.trim());
            if !r.docs.example.trim().is_empty() {
                println!("Example\n{}\n", indent(r.docs.example.trim_end()));
            }
            if !r.remediation.is_empty() {
                println!("What to do\n  {}\n", r.remediation.trim());
            }
            for reference in &r.references {
                println!("  see: {reference}");
            }
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Check { dir } => {
            let set = ferret_rules::load_dir(&dir).map_err(render_rule_errors)?;
            println!("{} rules load from {}", set.rules.len(), dir.display());
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Test { dir } => rules_test(&dir),
    }
}

fn rules_test(dir: &Path) -> Result<ExitCode> {
    init_threads(None);
    let mut set = ferret_rules::load_dir(dir).map_err(render_rule_errors)?;
    // A user's directory without a flow.toml gets the built-in flow sources, as in
    // `scan --rules`, so `arg-flow` and `where.X.flow` fixtures behave as they will in scans.
    if set.flows.calls.is_empty() && set.flows.names.is_empty() {
        set.flows = ferret_rules::load_builtin()
            .map_err(render_rule_errors)?
            .flows;
    }
    let outcomes = ferret_engine::test_rules(dir, &set, &Options::default());
    let (mut passed, mut failed) = (0, 0);
    for o in &outcomes {
        if o.passed {
            passed += 1;
            println!(
                "ok    {} ({} must fire, {} must stay quiet)",
                o.rule, o.fired, o.quiet
            );
        } else {
            failed += 1;
            println!("FAIL  {}", o.rule);
        }
        for m in &o.messages {
            println!("      {m}");
        }
    }
    println!("\n{passed} passed, {failed} failed");
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn kind_str(k: ferret_report::RuleKind) -> &'static str {
    match k {
        ferret_report::RuleKind::Capability => "capability",
        ferret_report::RuleKind::Threat => "threat",
    }
}

fn indent(s: &str) -> String {
    s.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
