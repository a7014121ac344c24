//! The results store: one SQLite file (WAL, full sync). Results are keyed by (file sha256,
//! rule-set version), so a file is scanned once per rule set however many paths it has; paths
//! map to contents in `files`, with size and mtime so that an unchanged file is skipped without
//! being read. Every batch is one transaction: after `kill -9` a batch is all there or absent.

use anyhow::{Context, Result};
use ferret_report::{PackageReport, Verdict};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS results (
    sha256        TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    path          TEXT NOT NULL,
    project       TEXT,
    name          TEXT,
    version       TEXT,
    format        TEXT NOT NULL,
    size          INTEGER NOT NULL,
    verdict       TEXT NOT NULL,
    score         REAL NOT NULL,
    rules         TEXT NOT NULL,
    findings      TEXT NOT NULL,
    not_analysed  TEXT NOT NULL,
    errors        TEXT NOT NULL,
    elapsed_ms    REAL NOT NULL,
    scanned_at    INTEGER NOT NULL,
    PRIMARY KEY (sha256, rules_version)
);
CREATE TABLE IF NOT EXISTS files (
    path     TEXT PRIMARY KEY,
    size     INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256   TEXT NOT NULL,
    project  TEXT
);
CREATE INDEX IF NOT EXISTS files_sha256 ON files (sha256);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '1');
";

const RESULT_COLUMNS: &str = "sha256, rules_version, path, project, name, version, format, size, \
     verdict, score, rules, findings, not_analysed, errors, elapsed_ms, scanned_at";

/// A file's identity on disk.
#[derive(Debug, Clone)]
pub struct FileKey {
    pub rel: String,
    pub size: u64,
    pub mtime_ns: i64,
    pub sha256: String,
    pub project: Option<String>,
}

/// A finished scan of one file, ready to store.
pub struct NewResult<'a> {
    pub file: &'a FileKey,
    pub report: &'a PackageReport,
    pub elapsed_ms: f64,
}

pub struct Store {
    conn: Connection,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The distinct rule ids of a report, in first-seen order.
pub fn rule_ids(report: &PackageReport) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for f in &report.findings {
        if !v.contains(&f.rule) {
            v.push(f.rule.clone());
        }
    }
    v
}

impl Store {
    pub fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open(path).with_context(|| format!("opening {}", path.display()))?;
        // WAL: readers never block the writer; FULL: a committed batch survives power loss too.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.execute_batch(SCHEMA)
            .with_context(|| format!("creating tables in {}", path.display()))?;
        Ok(Self { conn })
    }

    /// Opens an existing database without creating it.
    pub fn open_existing(path: &Path) -> Result<Self> {
        if !path.is_file() {
            anyhow::bail!("{}: no such database", path.display());
        }
        Self::open(path)
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The verdict stored for a content under a rule set.
    pub fn verdict_of(&self, sha256: &str, rules_version: &str) -> Result<Option<Verdict>> {
        let mut st = self.conn.prepare_cached(
            "SELECT verdict FROM results WHERE sha256 = ?1 AND rules_version = ?2",
        )?;
        let v: Option<String> = st
            .query_row(params![sha256, rules_version], |r| r.get(0))
            .optional()?;
        Ok(v.and_then(|s| Verdict::parse(&s)))
    }

    /// The content last seen at `rel`, if the file still has the same size and mtime.
    pub fn known_sha(&self, rel: &str, size: u64, mtime_ns: i64) -> Result<Option<String>> {
        let mut st = self.conn.prepare_cached(
            "SELECT sha256 FROM files WHERE path = ?1 AND size = ?2 AND mtime_ns = ?3",
        )?;
        Ok(st
            .query_row(params![rel, size as i64, mtime_ns], |r| r.get(0))
            .optional()?)
    }

    /// Writes a batch in one transaction: new results, and the path → content map of every
    /// file seen (scanned or recognised).
    pub fn commit(
        &mut self,
        rules_version: &str,
        results: &[NewResult<'_>],
        files: &[&FileKey],
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut ins = tx.prepare_cached(&format!(
                "INSERT OR REPLACE INTO results ({RESULT_COLUMNS}) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
            ))?;
            let t = now();
            for r in results {
                let rep = r.report;
                ins.execute(params![
                    r.file.sha256,
                    rules_version,
                    r.file.rel,
                    r.file.project,
                    rep.name,
                    rep.version,
                    rep.format,
                    r.file.size as i64,
                    rep.verdict.as_str(),
                    rep.score,
                    serde_json::to_string(&rule_ids(rep))?,
                    serde_json::to_string(&rep.findings)?,
                    serde_json::to_string(&rep.not_analysed)?,
                    serde_json::to_string(&rep.errors)?,
                    r.elapsed_ms,
                    t,
                ])?;
            }
            let mut f = tx.prepare_cached(
                "INSERT OR REPLACE INTO files (path, size, mtime_ns, sha256, project) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for k in files {
                f.execute(params![
                    k.rel,
                    k.size as i64,
                    k.mtime_ns,
                    k.sha256,
                    k.project
                ])?;
            }
            tx.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('rules_version', ?1)",
                params![rules_version],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The rule-set version of the last scan written to this database.
    pub fn last_rules_version(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'rules_version'",
                [],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Adds every row of the database at `other` (results and files; a key already present is
    /// replaced by the incoming row, which for the same rule set is the same verdict). One
    /// transaction per source.
    pub fn merge_from(&mut self, other: &Path) -> Result<(u64, u64)> {
        if !other.is_file() {
            anyhow::bail!("{}: no such database", other.display());
        }
        self.conn.execute(
            "ATTACH DATABASE ?1 AS src",
            params![other.to_string_lossy()],
        )?;
        let result = (|| -> Result<(u64, u64)> {
            let tx = self.conn.transaction()?;
            let r = tx.execute(
                &format!(
                    "INSERT OR REPLACE INTO main.results ({RESULT_COLUMNS}) \
                     SELECT {RESULT_COLUMNS} FROM src.results"
                ),
                [],
            )?;
            let f = tx.execute(
                "INSERT OR REPLACE INTO main.files (path, size, mtime_ns, sha256, project) \
                 SELECT path, size, mtime_ns, sha256, project FROM src.files",
                [],
            )?;
            tx.execute(
                "INSERT OR REPLACE INTO main.meta (key, value) \
                 SELECT key, value FROM src.meta WHERE key = 'rules_version' \
                 AND NOT EXISTS (SELECT 1 FROM main.meta WHERE key = 'rules_version')",
                [],
            )?;
            tx.commit()?;
            Ok((r as u64, f as u64))
        })();
        self.conn.execute("DETACH DATABASE src", [])?;
        result.with_context(|| format!("merging {}", other.display()))
    }
}
