//! From findings to a score and a verdict.
//!
//! Capabilities describe what code can do and count only in a file that also has a threat;
//! threats are weighed by severity × confidence, more at install time than at import, more at
//! import than when merely callable. Each rule counts once per package (its strongest finding),
//! so a hundred copies of one pattern do not outweigh two different threats.

use ferret_report::{Confidence, Finding, RuleKind, Severity, Verdict, When};
use ferret_rules::RuleSet;
use std::collections::{HashMap, HashSet};

fn weight(f: &Finding) -> f64 {
    let sev = match f.severity {
        Severity::Info => 0.0,
        Severity::Low => 1.0,
        Severity::Medium => 3.0,
        Severity::High => 6.0,
        Severity::Critical => 10.0,
    };
    let conf = match f.confidence {
        Confidence::Low => 0.5,
        Confidence::Medium => 0.8,
        Confidence::High => 1.0,
    };
    let when = match f.when {
        Some(When::Install) => 1.5,
        Some(When::Import) => 1.2,
        Some(When::Runtime) | None => 1.0,
    };
    sev * conf * when
}

pub(crate) fn verdict(findings: &[Finding], _rules: &RuleSet, incomplete: bool) -> (f64, Verdict) {
    let threat_files: HashSet<&str> = findings
        .iter()
        .filter(|f| f.kind == RuleKind::Threat)
        .map(|f| f.file.as_str())
        .collect();
    let mut best: HashMap<&str, f64> = HashMap::new();
    let mut decisive = false;
    let mut medium_threat = false;
    for f in findings {
        let w = match f.kind {
            RuleKind::Threat => {
                if f.severity >= Severity::High && f.confidence >= Confidence::Medium {
                    decisive = true;
                }
                if f.severity >= Severity::Medium && f.confidence >= Confidence::Medium {
                    medium_threat = true;
                }
                weight(f)
            }
            RuleKind::Capability if threat_files.contains(f.file.as_str()) => weight(f) * 0.5,
            RuleKind::Capability => 0.0,
        };
        let e = best.entry(f.rule.as_str()).or_insert(0.0);
        if w > *e {
            *e = w;
        }
    }
    // `+ 0.0` turns the empty sum's -0.0 into 0.0.
    let score = (best.values().sum::<f64>() * 10.0).round() / 10.0 + 0.0;
    let verdict = if decisive || score >= 10.0 {
        Verdict::Malicious
    } else if medium_threat || score >= 3.0 {
        Verdict::Suspicious
    } else if incomplete {
        Verdict::Unscannable
    } else {
        Verdict::Clean
    };
    (score, verdict)
}
