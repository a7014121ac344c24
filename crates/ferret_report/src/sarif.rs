//! SARIF 2.1.0 output, for code-scanning dashboards.

use crate::{PackageReport, Severity};
use serde_json::{json, Value};

/// What SARIF needs to know about each rule that may appear in results.
pub struct RuleMeta<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub summary: &'a str,
    pub help: &'a str,
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// One SARIF log with one run covering every package. Results name the member inside the
/// package as `PACKAGE!/MEMBER` so a viewer can tell packages apart.
pub fn to_sarif(reports: &[PackageReport], rules: &[RuleMeta<'_>], version: &str) -> Value {
    let rules_json: Vec<Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.summary },
                "help": { "text": r.help },
            })
        })
        .collect();
    let index_of = |id: &str| rules.iter().position(|r| r.id == id);
    let mut results = Vec::new();
    for rep in reports {
        for f in &rep.findings {
            let uri = if rep.format == "file" {
                rep.path.clone()
            } else {
                format!("{}!/{}", rep.path, f.file)
            };
            let mut result = json!({
                "ruleId": f.rule,
                "level": level(f.severity),
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": {
                            "startLine": f.line.max(1),
                            "startColumn": f.column.max(1),
                            "endLine": f.end_line.max(f.line).max(1),
                            "endColumn": f.end_column.max(1),
                        }
                    }
                }],
                "properties": {
                    "package": rep.path,
                    "verdict": rep.verdict.as_str(),
                    "when": f.when.map(|w| w.as_str()),
                }
            });
            if let Some(i) = index_of(&f.rule) {
                result["ruleIndex"] = json!(i);
            }
            results.push(result);
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "ferret",
                "version": version,
                "rules": rules_json,
            }},
            "results": results,
        }]
    })
}
