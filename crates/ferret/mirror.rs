//! `ferret mirror`: batch-scan a PyPI mirror into a results database; report, restore, merge.
//! `ferret mirror ROOT` is short for `ferret mirror scan ROOT`.

use crate::{init_threads, load_rules, Bounds, FailOn, RuleSource};
use anyhow::{bail, Result};
use clap::{Args, Subcommand, ValueEnum};
use ferret_engine::Engine;
use ferret_mirror::{ProgressMode, Shard};
use ferret_report::RuleMeta;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "`ferret mirror ROOT ...` is the same as `ferret mirror scan ROOT ...`."
)]
pub(crate) struct MirrorArgs {
    #[command(subcommand)]
    command: Option<MirrorCommand>,
    #[command(flatten)]
    scan: Box<ScanArgs>,
}

#[derive(Subcommand)]
enum MirrorCommand {
    /// Scan a mirror (bandersnatch layout or any tree of archives) into the database.
    Scan(Box<ScanArgs>),
    /// Summarise a database: counts, top rules, slowest files, errors; or export JSON/SARIF.
    Report(ReportArgs),
    /// Put quarantined archives back where they were.
    Restore(RestoreArgs),
    /// Combine databases (e.g. one per shard) into one.
    Merge(MergeArgs),
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Progress {
    Auto,
    Bar,
    Log,
    Off,
}

#[derive(Args)]
struct ScanArgs {
    /// Mirror root (holding `web/packages/...`), or any directory tree of archives.
    #[arg(required = true, value_name = "ROOT")]
    root: Option<PathBuf>,
    /// Results database (SQLite); created if missing, resumed if present.
    #[arg(long, default_value = "ferret-mirror.sqlite", value_name = "FILE")]
    db: PathBuf,
    /// Also append each new result to FILE as a JSON line (at least once: a run cut short
    /// may repeat its last batch).
    #[arg(long, value_name = "FILE")]
    jsonl: Option<PathBuf>,
    /// Move archives judged malicious into DIR (manifest: DIR/manifest.jsonl).
    #[arg(long, value_name = "DIR")]
    quarantine: Option<PathBuf>,
    /// Scan only the files whose relative path hashes to K modulo N (K = 0..N-1).
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    /// Scan only the files listed in a bandersnatch diff-file (one path per line).
    #[arg(long, value_name = "FILE")]
    diff_file: Option<PathBuf>,
    /// Results written per transaction.
    #[arg(long, default_value_t = 64, value_name = "N")]
    batch: usize,
    /// Progress: a bar on a terminal, `key=value` log lines otherwise.
    #[arg(long, value_enum, default_value = "auto")]
    progress: Progress,
    /// Seconds between progress log lines.
    #[arg(long, default_value_t = 10, value_name = "SECS")]
    log_interval: u64,
    /// Exit with 1 when a file of this run (new or already known) is at or above this.
    #[arg(long, value_enum, default_value = "never")]
    fail_on: FailOn,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    jobs: Option<usize>,
    #[command(flatten)]
    source: RuleSource,
    #[command(flatten)]
    bounds: Bounds,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ReportFormat {
    Text,
    Json,
    Sarif,
}

#[derive(Args)]
struct ReportArgs {
    /// Results database.
    #[arg(long, default_value = "ferret-mirror.sqlite", value_name = "FILE")]
    db: PathBuf,
    #[arg(long, value_enum, default_value = "text")]
    format: ReportFormat,
    /// Report this rule-set version (default: the one of the last scan).
    #[arg(long, value_name = "VERSION")]
    rules_version: Option<String>,
    /// Rules for SARIF's rule descriptions (defaults to the built-in ones).
    #[command(flatten)]
    source: RuleSource,
}

#[derive(Args)]
struct RestoreArgs {
    /// Quarantine directory given to `ferret mirror --quarantine`.
    #[arg(long, value_name = "DIR")]
    quarantine: PathBuf,
}

#[derive(Args)]
struct MergeArgs {
    /// Database to write (created if missing).
    #[arg(long, value_name = "OUT")]
    db: PathBuf,
    /// Databases to add to it.
    #[arg(required = true, value_name = "DB")]
    inputs: Vec<PathBuf>,
}

pub(crate) fn run(args: MirrorArgs) -> Result<ExitCode> {
    match args.command {
        Some(MirrorCommand::Scan(a)) => scan(*a),
        Some(MirrorCommand::Report(a)) => report(a),
        Some(MirrorCommand::Restore(a)) => restore(a),
        Some(MirrorCommand::Merge(a)) => merge(a),
        None => scan(*args.scan),
    }
}

fn scan(a: ScanArgs) -> Result<ExitCode> {
    let Some(root) = a.root else {
        bail!("a mirror ROOT is needed: ferret mirror ROOT (see --help)");
    };
    if !root.is_dir() {
        bail!("{}: no such directory", root.display());
    }
    init_threads(a.jobs);
    let rules = load_rules(&a.source)?;
    let engine = Engine::new(rules, a.source.options(&a.bounds)?);
    let progress = match a.progress {
        Progress::Auto => ProgressMode::auto(),
        Progress::Bar => ProgressMode::Bar,
        Progress::Log => ProgressMode::Log,
        Progress::Off => ProgressMode::Off,
    };
    let cfg = ferret_mirror::ScanConfig {
        root,
        db: a.db,
        jsonl: a.jsonl,
        quarantine: a.quarantine,
        shard: a.shard,
        diff_file: a.diff_file,
        batch: a.batch,
        progress,
        log_interval: Duration::from_secs(a.log_interval.max(1)),
    };
    // The literal searcher and the lists a scan builds on first need, built on a core of
    // their own (a few ms) while the first packages are read. How many packages are new is
    // known only once the mirror is listed: the popular list indexes itself as it goes.
    let summary = std::thread::scope(|s| {
        s.spawn(|| engine.warm_up(0));
        ferret_mirror::scan(&engine, &cfg)
    })?;
    let threshold = a.fail_on.threshold();
    let failing = threshold.is_some_and(|t| summary.verdicts[t as usize..].iter().any(|&n| n > 0));
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn report(a: ReportArgs) -> Result<ExitCode> {
    let store = ferret_mirror::store::Store::open_existing(&a.db)?;
    let rv = ferret_mirror::report::rules_version(&store, a.rules_version.as_deref())?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match a.format {
        ReportFormat::Text => ferret_mirror::report::text(&store, &rv, &mut out)?,
        ReportFormat::Json => {
            ferret_mirror::report::json(&store, &rv, env!("CARGO_PKG_VERSION"), &mut out)?
        }
        ReportFormat::Sarif => {
            let rules = load_rules(&a.source)?;
            let metas: Vec<RuleMeta<'_>> = rules
                .rules
                .iter()
                .map(|r| RuleMeta {
                    id: &r.id,
                    name: &r.name,
                    summary: &r.summary,
                    help: &r.docs.why,
                })
                .collect();
            let doc = ferret_mirror::report::sarif(&store, &rv, &metas, env!("CARGO_PKG_VERSION"))?;
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn restore(a: RestoreArgs) -> Result<ExitCode> {
    let r = ferret_mirror::quarantine::restore(&a.quarantine)?;
    for p in &r.problems {
        eprintln!("error: {p}");
    }
    println!(
        "{} restored, {} already in place, {} problems",
        r.moved,
        r.already,
        r.problems.len()
    );
    Ok(if r.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn merge(a: MergeArgs) -> Result<ExitCode> {
    let mut out = ferret_mirror::store::Store::open(&a.db)?;
    for input in &a.inputs {
        let (results, files) = out.merge_from(input)?;
        println!(
            "{}: {results} results, {files} files merged into {}",
            input.display(),
            a.db.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
