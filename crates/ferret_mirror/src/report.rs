//! `ferret mirror report`: the store as text (counts, top rules, slowest files, errors,
//! malicious files), JSON (`summary` + `files`, streamed row by row) or SARIF.
//!
//! A report covers one rule-set version (by default the one of the last scan written): one
//! entry per file path whose current content has a result under that version.

use crate::store::Store;
use anyhow::Result;
use ferret_report::{
    Confidence, Decoded, Finding, PackageReport, RuleKind, RuleMeta, Severity, Stats, Verdict, When,
};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::Write;

const JOIN: &str = "FROM files f JOIN results r ON r.sha256 = f.sha256 AND r.rules_version = ?1";

/// The rule-set version a report covers.
pub fn rules_version(store: &Store, wanted: Option<&str>) -> Result<String> {
    if let Some(v) = wanted {
        return Ok(v.to_string());
    }
    Ok(store.last_rules_version()?.unwrap_or_default())
}

/// Counts by verdict, indexed by `Verdict as usize`.
pub fn counts(store: &Store, rv: &str) -> Result<[u64; 4]> {
    let mut st = store.conn().prepare(&format!(
        "SELECT r.verdict, COUNT(*) {JOIN} GROUP BY r.verdict"
    ))?;
    let mut out = [0u64; 4];
    let rows = st.query_map([rv], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    for row in rows {
        let (v, n) = row?;
        if let Some(v) = Verdict::parse(&v) {
            out[v as usize] += n as u64;
        }
    }
    Ok(out)
}

fn summary_json(c: &[u64; 4]) -> Value {
    json!({
        "files": c.iter().sum::<u64>(),
        "clean": c[0],
        "unscannable": c[1],
        "suspicious": c[2],
        "malicious": c[3],
    })
}

/// One file of the report.
fn file_json(r: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    let parse = |s: String| serde_json::from_str::<Value>(&s).unwrap_or(Value::Null);
    Ok(json!({
        "path": r.get::<_, String>(0)?,
        "project": r.get::<_, Option<String>>(1)?,
        "sha256": r.get::<_, String>(2)?,
        "size": r.get::<_, i64>(3)?,
        "name": r.get::<_, Option<String>>(4)?,
        "version": r.get::<_, Option<String>>(5)?,
        "format": r.get::<_, String>(6)?,
        "verdict": r.get::<_, String>(7)?,
        "score": r.get::<_, f64>(8)?,
        "rules": parse(r.get(9)?),
        "findings": parse(r.get(10)?),
        "not_analysed": parse(r.get(11)?),
        "errors": parse(r.get(12)?),
        "elapsed_ms": r.get::<_, f64>(13)?,
        "scanned_at": r.get::<_, i64>(14)?,
    }))
}

const FILE_COLUMNS: &str = "f.path, f.project, f.sha256, f.size, r.name, r.version, r.format, \
     r.verdict, r.score, r.rules, r.findings, r.not_analysed, r.errors, r.elapsed_ms, r.scanned_at";

/// Calls `each` for every file of the report, in path order, one row in memory at a time.
pub fn for_each_file(
    store: &Store,
    rv: &str,
    mut each: impl FnMut(Value) -> Result<()>,
) -> Result<()> {
    let mut st = store
        .conn()
        .prepare(&format!("SELECT {FILE_COLUMNS} {JOIN} ORDER BY f.path"))?;
    let mut rows = st.query([rv])?;
    while let Some(row) = rows.next()? {
        each(file_json(row)?)?;
    }
    Ok(())
}

/// `{"ferret", "rules_version", "summary", "files": [...]}`, streamed.
pub fn json(store: &Store, rv: &str, version: &str, out: &mut dyn Write) -> Result<()> {
    let c = counts(store, rv)?;
    write!(
        out,
        "{{\"ferret\":{},\"rules_version\":{},\"summary\":{},\"files\":[",
        json!(version),
        json!(rv),
        summary_json(&c)
    )?;
    let mut first = true;
    for_each_file(store, rv, |v| {
        if !first {
            out.write_all(b",")?;
        }
        first = false;
        out.write_all(b"\n")?;
        serde_json::to_writer(&mut *out, &v)?;
        Ok(())
    })?;
    out.write_all(b"\n]}\n")?;
    Ok(())
}

/// Summary for people: counts, top rules, slowest files, errors, malicious files.
pub fn text(store: &Store, rv: &str, out: &mut dyn Write) -> Result<()> {
    let c = counts(store, rv)?;
    let total: u64 = c.iter().sum();
    writeln!(out, "rules version {rv}")?;
    writeln!(
        out,
        "{total} files: {} malicious, {} suspicious, {} unscannable, {} clean",
        c[3], c[2], c[1], c[0]
    )?;

    let mut rules: HashMap<String, u64> = HashMap::new();
    {
        let mut st = store.conn().prepare(&format!("SELECT r.rules {JOIN}"))?;
        let mut rows = st.query([rv])?;
        while let Some(row) = rows.next()? {
            let ids: Vec<String> = serde_json::from_str(&row.get::<_, String>(0)?)?;
            for id in ids {
                *rules.entry(id).or_default() += 1;
            }
        }
    }
    let mut rules: Vec<(String, u64)> = rules.into_iter().collect();
    rules.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    writeln!(out, "\ntop rules (files):")?;
    if rules.is_empty() {
        writeln!(out, "  none")?;
    }
    for (id, n) in rules.iter().take(15) {
        writeln!(out, "  {n:>8}  {id}")?;
    }

    writeln!(out, "\nslowest files:")?;
    {
        let mut st = store.conn().prepare(&format!(
            "SELECT r.elapsed_ms, f.path, r.verdict {JOIN} ORDER BY r.elapsed_ms DESC LIMIT 10"
        ))?;
        let rows = st.query_map([rv], |r| {
            Ok((
                r.get::<_, f64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (ms, path, verdict) = row?;
            writeln!(out, "  {ms:>8.0} ms  {path} ({verdict})")?;
        }
    }

    let list = |out: &mut dyn Write, title: &str, cond: &str, detail: &str| -> Result<()> {
        let n: i64 =
            store
                .conn()
                .query_row(&format!("SELECT COUNT(*) {JOIN} WHERE {cond}"), [rv], |r| {
                    r.get(0)
                })?;
        writeln!(out, "\n{title} ({n}):")?;
        let mut st = store.conn().prepare(&format!(
            "SELECT f.path, {detail} {JOIN} WHERE {cond} ORDER BY f.path LIMIT 50"
        ))?;
        let rows = st.query_map([rv], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        for row in rows {
            let (path, d) = row?;
            // JSON arrays (rules, errors) read better as plain lists.
            let d = match serde_json::from_str::<Vec<String>>(&d) {
                Ok(items) => items.join(", "),
                Err(_) => d,
            };
            writeln!(out, "  {path}  {d}")?;
        }
        if n > 50 {
            writeln!(out, "  ... and {} more (--format json lists all)", n - 50)?;
        }
        Ok(())
    };
    list(out, "errors", "r.errors != '[]'", "r.errors")?;
    list(out, "malicious", "r.verdict = 'malicious'", "r.rules")?;
    Ok(())
}

/// SARIF 2.1.0 of every file with findings (held in memory: flagged files only).
pub fn sarif(store: &Store, rv: &str, rules: &[RuleMeta<'_>], version: &str) -> Result<Value> {
    let mut reports = Vec::new();
    for_each_file(store, rv, |v| {
        let findings: Vec<Finding> = v["findings"]
            .as_array()
            .map(|a| a.iter().filter_map(finding_from_json).collect())
            .unwrap_or_default();
        if findings.is_empty() {
            return Ok(());
        }
        let s = |k: &str| v[k].as_str().map(str::to_string);
        reports.push(PackageReport {
            path: s("path").unwrap_or_default(),
            sha256: s("sha256").unwrap_or_default(),
            name: s("name"),
            version: s("version"),
            format: s("format").unwrap_or_default(),
            verdict: v["verdict"]
                .as_str()
                .and_then(Verdict::parse)
                .unwrap_or(Verdict::Unscannable),
            score: v["score"].as_f64().unwrap_or(0.0),
            findings,
            not_analysed: Vec::new(),
            errors: Vec::new(),
            stats: Stats::default(),
        });
        Ok(())
    })?;
    Ok(ferret_report::to_sarif(&reports, rules, version))
}

/// A stored finding back into its type (the inverse of its serialization).
pub fn finding_from_json(v: &Value) -> Option<Finding> {
    let s = |k: &str| v.get(k).and_then(Value::as_str);
    let n = |k: &str| v.get(k).and_then(Value::as_u64).unwrap_or(0) as u32;
    let decoded = v.get("decoded").and_then(|d| {
        Some(Decoded {
            chain: d
                .get("chain")?
                .as_array()?
                .iter()
                .filter_map(|c| c.as_str().map(str::to_string))
                .collect(),
            bytes: d.get("bytes")?.as_u64()? as usize,
            python: d.get("python")?.as_bool()?,
            preview: d.get("preview")?.as_str()?.to_string(),
        })
    });
    Some(Finding {
        rule: s("rule")?.to_string(),
        severity: Severity::parse(s("severity")?)?,
        confidence: Confidence::parse(s("confidence")?)?,
        kind: match s("kind")? {
            "capability" => RuleKind::Capability,
            _ => RuleKind::Threat,
        },
        category: s("category").unwrap_or_default().to_string(),
        file: s("file").unwrap_or_default().to_string(),
        line: n("line"),
        column: n("column"),
        end_line: n("end_line"),
        end_column: n("end_column"),
        message: s("message").unwrap_or_default().to_string(),
        context: s("context").unwrap_or_default().to_string(),
        context_column: n("context_column").max(1),
        when: s("when").and_then(When::parse),
        decoded,
    })
}
