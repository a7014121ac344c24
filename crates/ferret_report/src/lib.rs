//! Findings, verdicts and their renderings (human, JSON, JSON lines, SARIF).
//!
//! This is the last stage of the pipeline: the engine fills a [`PackageReport`] per package and
//! the renderers here turn it into what users read. Ordering is decided by the engine; renderers
//! never reorder, so output is deterministic.

use serde::Serialize;
use std::fmt::Write as _;

mod sarif;
pub use sarif::{to_sarif, RuleMeta};

/// How bad a finding is if it is what it looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "info" => Self::Info,
            "low" => Self::Low,
            "medium" => Self::Medium,
            "high" => Self::High,
            "critical" => Self::Critical,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }
}

/// How sure a rule is that a hit means what it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "low" => Self::Low,
            "medium" => Self::Medium,
            "high" => Self::High,
            _ => return None,
        })
    }
}

/// Capabilities say what code can do; threats are what makes it dangerous.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    Capability,
    Threat,
}

/// When the code behind a finding runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum When {
    /// `setup.py`, cmdclass hooks, `.pth` files: runs on `pip install`.
    Install,
    /// Module top level: runs on `import`.
    Import,
    /// Inside a function: runs when called.
    Runtime,
}

impl When {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "install" => Self::Install,
            "import" => Self::Import,
            "runtime" => Self::Runtime,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Install => "install",
            Self::Import => "import",
            Self::Runtime => "runtime",
        }
    }
}

/// The overall judgement on one package. Ordered by how much it should worry a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Clean,
    Unscannable,
    Suspicious,
    Malicious,
}

impl Verdict {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "clean" => Self::Clean,
            "unscannable" => Self::Unscannable,
            "suspicious" => Self::Suspicious,
            "malicious" => Self::Malicious,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Clean => "clean",
            Self::Unscannable => "unscannable",
            Self::Suspicious => "suspicious",
            Self::Malicious => "malicious",
        }
    }
}

/// A payload ferret decoded statically, and how it got there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decoded {
    /// Decoding steps from the outer blob inwards, e.g. `["base64", "zlib", "reverse"]`.
    pub chain: Vec<String>,
    /// Size of the decoded payload in bytes.
    pub bytes: usize,
    /// Whether the payload parsed as Python (and was scanned as such).
    pub python: bool,
    /// First lines of the payload, escaped, bounded.
    pub preview: String,
}

/// One rule hit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub confidence: Confidence,
    pub kind: RuleKind,
    pub category: String,
    pub file: String,
    /// 1-based line and column (in characters) of the start of the match.
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub message: String,
    /// The source line the finding starts on (bounded, control characters escaped); of a long
    /// line, the part from a little before the finding.
    pub context: String,
    /// The column of the line `context` starts at: 1 unless a long line was cut in front.
    #[serde(skip_serializing_if = "is_first_column")]
    pub context_column: u32,
    /// When the code runs; absent for findings about files or the archive itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<When>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decoded: Option<Decoded>,
}

/// A member ferret did not analyse, and why. Listed so that nothing is skipped silently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotAnalysed {
    pub file: String,
    pub reason: String,
}

/// Everything ferret has to say about one package.
#[derive(Debug, Clone, Serialize)]
pub struct PackageReport {
    pub path: String,
    pub sha256: String,
    pub name: Option<String>,
    pub version: Option<String>,
    pub format: String,
    pub verdict: Verdict,
    pub score: f64,
    pub findings: Vec<Finding>,
    pub not_analysed: Vec<NotAnalysed>,
    /// Why the package (or part of it) could not be read. Never empty when the verdict is
    /// `unscannable` for a reason other than listed `not_analysed` members.
    pub errors: Vec<String>,
    pub stats: Stats,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    pub members: usize,
    pub python_files: usize,
    pub python_bytes: u64,
    pub elapsed_ms: f64,
}

/// Escapes control characters and bidi overrides so that a finding's text cannot rewrite
/// the terminal it is printed on, and bounds its length.
fn is_first_column(c: &u32) -> bool {
    *c <= 1
}

pub fn escape_for_display(s: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max_chars + 8));
    for (n, c) in s.chars().enumerate() {
        if n >= max_chars {
            out.push('…');
            break;
        }
        match c {
            '\t' => out.push_str("    "),
            c if c.is_control()
                || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}') =>
            {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Human output, in the style of rustc/ruff: location, rule, message, snippet with the range
/// marked, and the decoded payload when there is one.
pub fn to_human(report: &PackageReport, color: bool) -> String {
    let (red, yellow, green, bold, dim, reset) = if color {
        (
            "\x1b[31m", "\x1b[33m", "\x1b[32m", "\x1b[1m", "\x1b[2m", "\x1b[0m",
        )
    } else {
        ("", "", "", "", "", "")
    };
    let mut out = String::new();
    for f in &report.findings {
        let sev_color = match f.severity {
            Severity::Critical | Severity::High => red,
            Severity::Medium => yellow,
            _ => dim,
        };
        let when = f
            .when
            .map(|w| format!(" [{}]", w.as_str()))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{bold}{}:{}:{}{reset}: {sev_color}{}{reset} {bold}{}{reset}{when}: {}",
            f.file,
            f.line,
            f.column,
            f.severity.as_str(),
            f.rule,
            f.message
        );
        if !f.context.is_empty() {
            let num = f.line.to_string();
            let pad = " ".repeat(num.len());
            let _ = writeln!(out, "{dim}{pad} |{reset}");
            // A long line cut in front shows where: `…` stands for what comes before.
            let cut = f.context_column > 1;
            let _ = writeln!(
                out,
                "{dim}{num} |{reset} {}{}",
                if cut { "…" } else { "" },
                f.context
            );
            // Mark the range on the first line only; the context is already escaped, so count
            // display characters up to the column.
            let start =
                (f.column.saturating_sub(f.context_column.max(1)) as usize) + usize::from(cut);
            let width = if f.end_line == f.line {
                (f.end_column.saturating_sub(f.column) as usize).max(1)
            } else {
                f.context.chars().count().saturating_sub(start).max(1)
            };
            let start = start.min(f.context.chars().count());
            let width = width.min(120);
            let _ = writeln!(
                out,
                "{dim}{pad} |{reset} {}{sev_color}{}{reset}",
                " ".repeat(start),
                "^".repeat(width)
            );
        }
        if let Some(d) = &f.decoded {
            // Text assembled without a decoding step (joins, appends) has no chain to show.
            let chain = if d.chain.is_empty() {
                String::new()
            } else {
                format!("{}, ", d.chain.join(" → "))
            };
            let _ = writeln!(
                out,
                "  {dim}= decoded ({chain}{} bytes{}):{reset}",
                d.bytes,
                if d.python { ", Python" } else { "" }
            );
            for line in d.preview.lines().take(8) {
                let _ = writeln!(out, "  {dim}|{reset} {line}");
            }
        }
    }
    for n in &report.not_analysed {
        let _ = writeln!(out, "{dim}not analysed: {}: {}{reset}", n.file, n.reason);
    }
    for e in &report.errors {
        let _ = writeln!(out, "{red}error{reset}: {e}");
    }
    let vcolor = match report.verdict {
        Verdict::Malicious => red,
        Verdict::Suspicious | Verdict::Unscannable => yellow,
        Verdict::Clean => green,
    };
    let name = match (&report.name, &report.version) {
        (Some(n), Some(v)) => format!(" ({n} {v})"),
        (Some(n), None) => format!(" ({n})"),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "{bold}{}{reset}{name}: {vcolor}{bold}{}{reset} (score {:.1}, {} finding{})",
        report.path,
        report.verdict.as_str(),
        report.score,
        report.findings.len(),
        if report.findings.len() == 1 { "" } else { "s" }
    );
    out
}

/// One JSON object for one package (a line of `--format jsonl`).
pub fn to_json_value(report: &PackageReport) -> serde_json::Value {
    serde_json::to_value(report).expect("reports serialize")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_bidi_and_controls() {
        let s = escape_for_display("a\u{202E}b\x1b[31mc", 100);
        assert_eq!(s, "a\\u{202e}b\\u{1b}[31mc");
    }

    #[test]
    fn bounds_length() {
        assert_eq!(escape_for_display("abcdef", 3), "abc…");
    }

    /// A snippet cut in front is shown after `…`, with the marker under the finding.
    #[test]
    fn marker_sits_under_the_finding_in_a_cut_snippet() {
        let f = Finding {
            rule: "r".into(),
            severity: Severity::High,
            confidence: Confidence::High,
            kind: RuleKind::Threat,
            category: String::new(),
            file: "x.py".into(),
            line: 1,
            column: 5001,
            end_line: 1,
            end_column: 5008,
            message: "m".into(),
            context: format!("{}exec(x)", " ".repeat(40)),
            context_column: 4961,
            when: None,
            decoded: None,
        };
        let report = PackageReport {
            path: "x.py".into(),
            sha256: String::new(),
            name: None,
            version: None,
            format: "file".into(),
            verdict: Verdict::Malicious,
            score: 10.0,
            findings: vec![f],
            not_analysed: Vec::new(),
            errors: Vec::new(),
            stats: Stats::default(),
        };
        let text = to_human(&report, false);
        let lines: Vec<&str> = text.lines().collect();
        let code = lines.iter().position(|l| l.contains("exec(x)")).unwrap();
        let at = |l: &str, pat: &str| {
            l.chars().count() - l.split_once(pat).unwrap().1.chars().count() - pat.chars().count()
        };
        assert!(lines[code].contains("| …"), "{text}");
        assert_eq!(
            at(lines[code], "exec"),
            at(lines[code + 1], "^^^^^^^"),
            "{text}"
        );
        assert!(!lines[code + 1].contains("^^^^^^^^"), "{text}");
    }

    #[test]
    fn verdicts_order_by_worry() {
        assert!(Verdict::Malicious > Verdict::Suspicious);
        assert!(Verdict::Suspicious > Verdict::Unscannable);
        assert!(Verdict::Unscannable > Verdict::Clean);
    }
}
