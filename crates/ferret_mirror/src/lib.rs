//! Batch-scans a PyPI mirror (bandersnatch layout) or any tree of archives.
//!
//! The walk is streamed: at most `in_flight` files are between the walker and the store at any
//! time, and results go to the store (SQLite, one transaction per batch) as they complete, so
//! memory does not grow with the mirror. Files already scanned with the same rule set are
//! skipped: by path, size and mtime without reading them, else by content hash. `--shard K/N`
//! keeps the files whose relative path hashes to K, so N machines can split one mirror and
//! `merge` their databases.

pub mod quarantine;
pub mod report;
pub mod store;
pub mod walk;

use anyhow::{Context, Result};
use ferret_engine::Engine;
use ferret_report::{PackageReport, Verdict};
use sha2::{Digest, Sha256};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use store::{FileKey, NewResult, Store};
use walk::Candidate;

/// `K/N`: this process takes the files whose path hashes to K modulo N (K from 0 to N-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: u64,
    pub n: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("`{s}`: expected K/N, e.g. 0/4"))?;
        let k: u64 = k
            .trim()
            .parse()
            .map_err(|_| format!("`{s}`: K is not a number"))?;
        let n: u64 = n
            .trim()
            .parse()
            .map_err(|_| format!("`{s}`: N is not a number"))?;
        if n == 0 || k >= n {
            return Err(format!("`{s}`: need 0 <= K < N"));
        }
        Ok(Self { k, n })
    }
}

impl Shard {
    /// Deterministic on every machine and every run: FNV-1a (64-bit) of the path relative to
    /// the mirror root, `/`-separated.
    pub fn contains(&self, rel: &str) -> bool {
        shard_hash(rel) % self.n == self.k
    }
}

pub fn shard_hash(rel: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in rel.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(b: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// A redrawn line on stderr (a terminal).
    Bar,
    /// `ferret-mirror key=value ...` lines on stderr every `log_interval`.
    Log,
    Off,
}

impl ProgressMode {
    pub fn auto() -> Self {
        if std::io::stderr().is_terminal() {
            Self::Bar
        } else {
            Self::Log
        }
    }
}

pub struct ScanConfig {
    pub root: PathBuf,
    pub db: PathBuf,
    pub jsonl: Option<PathBuf>,
    pub quarantine: Option<PathBuf>,
    pub shard: Option<Shard>,
    pub diff_file: Option<PathBuf>,
    /// Results per transaction (a batch is also committed after one second).
    pub batch: usize,
    pub progress: ProgressMode,
    pub log_interval: Duration,
}

/// Totals of one run.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    /// Archives seen by the walk in this shard.
    pub files: u64,
    /// Archives scanned in this run.
    pub scanned: u64,
    /// Archives skipped: already in the store for this rule set.
    pub skipped: u64,
    /// Bytes of the archives scanned in this run.
    pub bytes: u64,
    /// Verdicts of every file seen (scanned or skipped), indexed by `Verdict as usize`.
    pub verdicts: [u64; 4],
    /// Files that could not be read at all (retried on the next run).
    pub errors: u64,
    pub quarantined: u64,
    pub elapsed: Duration,
}

impl Summary {
    fn logfmt(&self) -> String {
        let secs = self.elapsed.as_secs_f64().max(1e-9);
        format!(
            "files={} scanned={} skipped={} bytes={} files_per_s={:.1} mb_per_s={:.2} malicious={} suspicious={} unscannable={} clean={} errors={} quarantined={} elapsed_s={:.1}",
            self.files,
            self.scanned,
            self.skipped,
            self.bytes,
            self.scanned as f64 / secs,
            self.bytes as f64 / 1e6 / secs,
            self.verdicts[Verdict::Malicious as usize],
            self.verdicts[Verdict::Suspicious as usize],
            self.verdicts[Verdict::Unscannable as usize],
            self.verdicts[Verdict::Clean as usize],
            self.errors,
            self.quarantined,
            secs
        )
    }
}

/// What became of one file.
enum Outcome {
    /// Already in the store under this rule set.
    Known {
        file: FileKey,
        verdict: Verdict,
        path: PathBuf,
    },
    Scanned {
        file: FileKey,
        report: Box<PackageReport>,
        elapsed_ms: f64,
        path: PathBuf,
    },
    Failed {
        rel: String,
        error: String,
    },
}

fn candidates(
    cfg: &ScanConfig,
    skip: Vec<PathBuf>,
) -> Result<Box<dyn Iterator<Item = Result<Candidate, String>> + Send>> {
    let shard = cfg.shard;
    let it: Box<dyn Iterator<Item = Result<Candidate, String>> + Send> = match &cfg.diff_file {
        Some(f) => Box::new(
            walk::diff_file(&cfg.root, f).with_context(|| format!("reading {}", f.display()))?,
        ),
        None => {
            let start = walk::web_dir(&cfg.root)
                .map(|w| w.join("packages"))
                .unwrap_or_else(|| cfg.root.clone());
            Box::new(walk::Walk::new(&cfg.root, &start, skip))
        }
    };
    Ok(Box::new(it.filter(move |c| match (c, shard) {
        (Ok(c), Some(s)) => s.contains(&c.rel),
        _ => true,
    })))
}

fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

/// Reads, recognises or scans one file. Runs on a rayon worker.
fn process(
    engine: &Engine,
    store: &Mutex<Store>,
    rules_version: &str,
    c: Candidate,
    project: Option<String>,
) -> Outcome {
    let fail = |error: String| Outcome::Failed {
        rel: c.rel.clone(),
        error,
    };
    let meta = match std::fs::metadata(&c.path) {
        Ok(m) => m,
        Err(e) => return fail(format!("{}: {e}", c.path.display())),
    };
    let size = meta.len();
    let mtime = mtime_ns(&meta);
    let lookup = |sha: &str| -> Result<Option<Verdict>> {
        store
            .lock()
            .expect("store lock")
            .verdict_of(sha, rules_version)
    };
    // Unchanged path: no need to read it.
    let known = store
        .lock()
        .expect("store lock")
        .known_sha(&c.rel, size, mtime);
    match known {
        Ok(Some(sha)) => match lookup(&sha) {
            Ok(Some(verdict)) => {
                return Outcome::Known {
                    file: FileKey {
                        rel: c.rel.clone(),
                        size,
                        mtime_ns: mtime,
                        sha256: sha,
                        project,
                    },
                    verdict,
                    path: c.path,
                }
            }
            Ok(None) => {}
            Err(e) => return fail(format!("store: {e:#}")),
        },
        Ok(None) => {}
        Err(e) => return fail(format!("store: {e:#}")),
    }
    let limit = engine.options.limits.max_archive_bytes;
    let file_name = c
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let started = Instant::now();
    let (sha, bytes) = if size > limit {
        // Too large to analyse: hash it by streaming; the engine reports it unscannable.
        match hash_file(&c.path) {
            Ok(sha) => (sha, None),
            Err(e) => return fail(format!("{}: {e}", c.path.display())),
        }
    } else {
        match std::fs::read(&c.path) {
            Ok(b) => (sha256_hex(&b), Some(b)),
            Err(e) => return fail(format!("{}: {e}", c.path.display())),
        }
    };
    let file = FileKey {
        rel: c.rel.clone(),
        size,
        mtime_ns: mtime,
        sha256: sha,
        project,
    };
    match lookup(&file.sha256) {
        Ok(Some(verdict)) => {
            return Outcome::Known {
                file,
                verdict,
                path: c.path,
            }
        }
        Ok(None) => {}
        Err(e) => return fail(format!("store: {e:#}")),
    }
    let mut report = match &bytes {
        Some(b) => engine.scan_bytes(b, &c.rel, &file_name),
        None => {
            let mut r = engine.scan_path(&c.path);
            r.path = c.rel.clone();
            r
        }
    };
    report.sha256.clone_from(&file.sha256);
    Outcome::Scanned {
        file,
        report: Box::new(report),
        elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
        path: c.path,
    }
}

fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex(&h.finalize()))
}

/// Progress display and logs.
struct Progress {
    mode: ProgressMode,
    interval: Duration,
    last: Instant,
    started: Instant,
    total: Arc<AtomicU64>,
    total_done: Arc<AtomicBool>,
}

impl Progress {
    fn tick(&mut self, s: &Summary, force: bool) {
        let every = match self.mode {
            ProgressMode::Bar => Duration::from_millis(200),
            ProgressMode::Log => self.interval,
            ProgressMode::Off => return,
        };
        if !force && self.last.elapsed() < every {
            return;
        }
        self.last = Instant::now();
        let mut s = s.clone();
        s.elapsed = self.started.elapsed();
        match self.mode {
            ProgressMode::Bar => {
                let secs = s.elapsed.as_secs_f64().max(1e-9);
                let done = s.files;
                let rate = done as f64 / secs;
                let total = self.total.load(Ordering::Relaxed);
                let (of, eta) = if self.total_done.load(Ordering::Relaxed) && total >= done {
                    let left = (total - done) as f64 / rate.max(1e-9);
                    (format!("/{total}"), format!(" ETA {}", hms(left)))
                } else {
                    (String::new(), String::new())
                };
                eprint!(
                    "\r\x1b[2K{done}{of} files ({} new, {} skipped) {:.1} MB {:.1} files/s {:.2} MB/s{eta} | malicious {} suspicious {} unscannable {} clean {} errors {}",
                    s.scanned,
                    s.skipped,
                    s.bytes as f64 / 1e6,
                    s.scanned as f64 / secs,
                    s.bytes as f64 / 1e6 / secs,
                    s.verdicts[3],
                    s.verdicts[2],
                    s.verdicts[1],
                    s.verdicts[0],
                    s.errors
                );
            }
            ProgressMode::Log => eprintln!("ferret-mirror event=progress {}", s.logfmt()),
            ProgressMode::Off => {}
        }
    }

    fn event(&mut self, text: &str) {
        match self.mode {
            ProgressMode::Bar => eprintln!("\r\x1b[2K{text}"),
            ProgressMode::Log => eprintln!("ferret-mirror {text}"),
            ProgressMode::Off => {}
        }
    }
}

fn hms(secs: f64) -> String {
    let s = secs.max(0.0) as u64;
    format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// Scans the mirror at `cfg.root` with `engine`, storing results in `cfg.db`.
pub fn scan(engine: &Engine, cfg: &ScanConfig) -> Result<Summary> {
    if !cfg.root.is_dir() {
        anyhow::bail!("{}: not a directory", cfg.root.display());
    }
    let root = cfg.root.clone();
    let rules_version = engine.rules.version.clone();
    let store = Mutex::new(Store::open(&cfg.db)?);
    let mut quarantine = match &cfg.quarantine {
        Some(d) => Some(quarantine::Quarantine::open(d)?),
        None => None,
    };
    let root_abs = root
        .canonicalize()
        .with_context(|| format!("resolving {}", root.display()))?;
    let skip: Vec<PathBuf> = quarantine.iter().map(|q| q.dir().to_path_buf()).collect();
    // Walk from the absolute root so that a quarantine inside it is recognised and skipped.
    let cfg_abs = ScanConfig {
        root: root_abs.clone(),
        db: cfg.db.clone(),
        jsonl: None,
        quarantine: None,
        shard: cfg.shard,
        diff_file: cfg.diff_file.clone(),
        batch: cfg.batch,
        progress: cfg.progress,
        log_interval: cfg.log_interval,
    };
    let mut jsonl = match &cfg.jsonl {
        Some(p) => Some(std::io::BufWriter::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .with_context(|| format!("opening {}", p.display()))?,
        )),
        None => None,
    };

    // On a terminal, count the files in the background for an ETA (a second walk: directory
    // entries only, no file is read).
    let total = Arc::new(AtomicU64::new(0));
    let total_done = Arc::new(AtomicBool::new(false));
    if cfg.progress == ProgressMode::Bar {
        let it = candidates(&cfg_abs, skip.clone())?;
        let (t, d) = (total.clone(), total_done.clone());
        std::thread::spawn(move || {
            for c in it {
                if c.is_ok() {
                    t.fetch_add(1, Ordering::Relaxed);
                }
            }
            d.store(true, Ordering::Relaxed);
        });
    }
    let mut progress = Progress {
        mode: cfg.progress,
        interval: cfg.log_interval,
        last: Instant::now(),
        started: Instant::now(),
        total,
        total_done,
    };
    progress.event(&format!(
        "event=start root={} db={} rules_version={} shard={} threads={}",
        quote(&root.to_string_lossy()),
        quote(&cfg.db.to_string_lossy()),
        quote(&rules_version),
        cfg.shard
            .map(|s| format!("{}/{}", s.k, s.n))
            .unwrap_or_else(|| "-".into()),
        rayon::current_num_threads()
    ));

    let web = walk::web_dir(&root_abs);
    let mut projects = walk::Projects::new(web);
    let mut summary = Summary::default();
    let batch = cfg.batch.max(1);
    let in_flight_max = rayon::current_num_threads() * 4;
    let mut pending: Vec<Outcome> = Vec::with_capacity(batch);
    let mut last_commit = Instant::now();
    let started = Instant::now();

    let mut flush = |pending: &mut Vec<Outcome>,
                     summary: &mut Summary,
                     progress: &mut Progress|
     -> Result<()> {
        if pending.is_empty() {
            return Ok(());
        }
        // JSON lines first: a batch cut by a kill is written again by the rerun (at least once).
        if let Some(out) = jsonl.as_mut() {
            for o in pending.iter() {
                if let Outcome::Scanned { file, report, .. } = o {
                    let mut v = ferret_report::to_json_value(report);
                    v["project"] = serde_json::json!(file.project);
                    v["rules_version"] = serde_json::json!(rules_version);
                    serde_json::to_writer(&mut *out, &v)?;
                    out.write_all(b"\n")?;
                }
            }
            out.flush()?;
        }
        let results: Vec<NewResult<'_>> = pending
            .iter()
            .filter_map(|o| match o {
                Outcome::Scanned {
                    file,
                    report,
                    elapsed_ms,
                    ..
                } => Some(NewResult {
                    file,
                    report,
                    elapsed_ms: *elapsed_ms,
                }),
                _ => None,
            })
            .collect();
        let files: Vec<&FileKey> = pending
            .iter()
            .filter_map(|o| match o {
                Outcome::Scanned { file, .. } | Outcome::Known { file, .. } => Some(file),
                Outcome::Failed { .. } => None,
            })
            .collect();
        store
            .lock()
            .expect("store lock")
            .commit(&rules_version, &results, &files)
            .context("writing results")?;
        // Only what is committed is quarantined; a file committed but not yet moved when the
        // process dies is recognised as known-malicious and moved by the rerun.
        for o in pending.drain(..) {
            let (file, verdict, path, rules) = match o {
                Outcome::Scanned {
                    file, report, path, ..
                } => {
                    summary.scanned += 1;
                    summary.bytes += file.size;
                    let rules = store::rule_ids(&report);
                    if report.verdict == Verdict::Malicious {
                        progress.event(&format!(
                            "event=verdict verdict={} path={} project={} sha256={} score={:.1} rules={}",
                            report.verdict.as_str(),
                            quote(&file.rel),
                            quote(file.project.as_deref().unwrap_or("")),
                            file.sha256,
                            report.score,
                            quote(&rules.join(","))
                        ));
                    }
                    for e in &report.errors {
                        progress.event(&format!(
                            "event=file-error path={} error={}",
                            quote(&file.rel),
                            quote(e)
                        ));
                    }
                    (file, report.verdict, path, Some(rules))
                }
                Outcome::Known {
                    file,
                    verdict,
                    path,
                } => {
                    summary.skipped += 1;
                    (file, verdict, path, None)
                }
                Outcome::Failed { rel, error } => {
                    summary.errors += 1;
                    summary.files += 1;
                    progress.event(&format!(
                        "event=error path={} error={}",
                        quote(&rel),
                        quote(&error)
                    ));
                    continue;
                }
            };
            summary.files += 1;
            summary.verdicts[verdict as usize] += 1;
            if let (Some(q), Verdict::Malicious) = (quarantine.as_mut(), verdict) {
                let rules = match rules {
                    Some(r) => r,
                    None => stored_rules(&store, &file.sha256, &rules_version),
                };
                match q.put(&quarantine::Move {
                    path: &path,
                    rel: &file.rel,
                    sha256: &file.sha256,
                    verdict: verdict.as_str(),
                    rules: &rules,
                }) {
                    Ok(dest) => {
                        summary.quarantined += 1;
                        progress.event(&format!(
                            "event=quarantined path={} to={}",
                            quote(&file.rel),
                            quote(&dest.to_string_lossy())
                        ));
                    }
                    Err(e) => {
                        summary.errors += 1;
                        progress.event(&format!(
                            "event=error path={} error={}",
                            quote(&file.rel),
                            quote(&format!("quarantine: {e:#}"))
                        ));
                    }
                }
            }
        }
        summary.elapsed = started.elapsed();
        progress.tick(summary, false);
        Ok(())
    };

    let (tx, rx) = std::sync::mpsc::channel::<Outcome>();
    let it = candidates(&cfg_abs, skip)?;
    let result: Result<()> = rayon::in_place_scope(|s| {
        let mut in_flight = 0usize;
        let mut receive = |o: Outcome,
                           pending: &mut Vec<Outcome>,
                           summary: &mut Summary,
                           progress: &mut Progress|
         -> Result<()> {
            pending.push(o);
            if pending.len() >= batch || last_commit.elapsed() >= Duration::from_secs(1) {
                flush(pending, summary, progress)?;
                last_commit = Instant::now();
            }
            Ok(())
        };
        for c in it {
            let c = match c {
                Ok(c) => c,
                Err(e) => {
                    summary.errors += 1;
                    progress.event(&format!("event=error error={}", quote(&e)));
                    continue;
                }
            };
            while in_flight >= in_flight_max {
                let o = rx.recv().expect("a worker is running");
                in_flight -= 1;
                receive(o, &mut pending, &mut summary, &mut progress)?;
            }
            while let Ok(o) = rx.try_recv() {
                in_flight -= 1;
                receive(o, &mut pending, &mut summary, &mut progress)?;
            }
            let project = c
                .path
                .file_name()
                .and_then(|n| projects.project_of(&n.to_string_lossy()));
            let tx = tx.clone();
            let (store, rules_version) = (&store, &rules_version);
            in_flight += 1;
            s.spawn(move |_| {
                let _ = tx.send(process(engine, store, rules_version, c, project));
            });
        }
        while in_flight > 0 {
            let o = rx.recv().expect("a worker is running");
            in_flight -= 1;
            receive(o, &mut pending, &mut summary, &mut progress)?;
        }
        Ok(())
    });
    // Whatever happened, keep what is done.
    let flushed = flush(&mut pending, &mut summary, &mut progress);
    result?;
    flushed?;
    summary.elapsed = started.elapsed();
    if progress.mode == ProgressMode::Bar {
        progress.tick(&summary, true);
        eprintln!();
    }
    progress.event(&format!("event=done {}", summary.logfmt()));
    Ok(summary)
}

fn stored_rules(store: &Mutex<Store>, sha256: &str, rules_version: &str) -> Vec<String> {
    let store = store.lock().expect("store lock");
    store
        .conn()
        .query_row(
            "SELECT rules FROM results WHERE sha256 = ?1 AND rules_version = ?2",
            rusqlite::params![sha256, rules_version],
            |r| r.get::<_, String>(0),
        )
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition() {
        let shards: Vec<Shard> = (0..4).map(|k| Shard { k, n: 4 }).collect();
        for i in 0..1000 {
            let rel = format!("web/packages/{i:02x}/x/pkg-{i}.tar.gz");
            assert_eq!(shards.iter().filter(|s| s.contains(&rel)).count(), 1);
        }
        assert!("3/4".parse::<Shard>().is_ok());
        assert!("4/4".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
    }
}
