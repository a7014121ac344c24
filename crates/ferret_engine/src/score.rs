//! From findings to a score and a verdict.
//!
//! Capabilities describe what code can do and count only in a file that also has a threat;
//! threats are weighed by severity × confidence, more at install time than at import, more at
//! import than when merely callable. Each rule counts once per package (its strongest finding),
//! so a hundred copies of one pattern do not outweigh two different threats.

use ferret_report::{Confidence, Finding, RuleKind, Severity, Verdict, When};
use ferret_rules::RuleSet;
use std::collections::{BTreeMap, HashSet};

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
    // Ordered by rule id: a float sum depends on its order, and a hash map's order changes
    // from run to run (82.65 rounded to 82.6 in one run and 82.7 in the next).
    let mut best: BTreeMap<&str, f64> = BTreeMap::new();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &str, severity: Severity, confidence: Confidence, when: When) -> Finding {
        Finding {
            rule: rule.to_string(),
            severity,
            confidence,
            kind: RuleKind::Threat,
            category: String::new(),
            file: "p/__init__.py".to_string(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
            message: String::new(),
            context: String::new(),
            context_column: 1,
            when: Some(when),
            decoded: None,
        }
    }

    /// Weights such as 0.8 × 1.2 are inexact in binary, so their sum depends on its order;
    /// the score must not depend on the order a map happens to iterate in.
    #[test]
    fn the_score_does_not_depend_on_iteration_order() {
        // Summed in some orders this is 23.549..., in others 23.55: a sixth of the orders
        // rounded to 23.6 and the rest to 23.5 before the sum had a fixed order.
        let kinds = [
            (Severity::Medium, Confidence::Low, When::Runtime),
            (Severity::High, Confidence::High, When::Runtime),
            (Severity::Medium, Confidence::High, When::Import),
            (Severity::High, Confidence::Low, When::Runtime),
            (Severity::High, Confidence::High, When::Import),
            (Severity::Medium, Confidence::Low, When::Install),
        ];
        let findings: Vec<Finding> = kinds
            .iter()
            .enumerate()
            .map(|(i, &(s, c, w))| finding(&format!("rule-{i}"), s, c, w))
            .collect();
        let rules = RuleSet::default();
        let (first, _) = verdict(&findings, &rules, false);
        let mut reversed = findings.clone();
        reversed.reverse();
        for _ in 0..50 {
            assert_eq!(verdict(&findings, &rules, false).0, first);
            assert_eq!(verdict(&reversed, &rules, false).0, first);
        }
    }
}
