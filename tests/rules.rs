//! Rules as data (issue #4): the built-in fixtures pass, a user's rule is picked up with
//! `--rules`, and a broken rule file is reported with its file, line and column.

use crate::support::{ferret, repo, tmpdir};
use ferret_engine::{test_rules, Options};

#[test]
fn builtin_rule_fixtures_pass() {
    let dir = repo().join("rules");
    let set = ferret_rules::load_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "{}",
            e.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let outcomes = test_rules(&dir, &set, &Options::default());
    let failures: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.passed)
        .map(|o| format!("{}:\n  {}", o.rule, o.messages.join("\n  ")))
        .collect();
    eprintln!("{} rules, {} failing", outcomes.len(), failures.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every rule is exercised both ways, unless its fixtures are generated archives.
    for o in &outcomes {
        if o.messages
            .iter()
            .any(|m| m.starts_with("fixtures are generated"))
        {
            continue;
        }
        assert!(
            o.fired > 0 && o.quiet > 0,
            "{} lacks a must-fire or a must-stay-quiet case",
            o.rule
        );
    }
}

#[test]
fn builtin_rules_equal_the_rules_directory() {
    let embedded = ferret_rules::load_builtin().unwrap();
    let on_disk = ferret_rules::load_dir(&repo().join("rules")).unwrap();
    let ids = |s: &ferret_rules::RuleSet| s.rules.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&embedded), ids(&on_disk));
}

const USER_RULE: &str = r#"id = "corp-internal-host"
name = "Talks to the old build host"
kind = "threat"
category = "custom"
severity = "high"
confidence = "high"
summary = "contacts build.corp.example.invalid"
[docs]
what = "Any string naming the retired build host."
why = "Nothing legitimate uses it any more."
example = "URL = 'http://build.corp.example.invalid/x'"
[match]
string = 'build\.corp\.example\.invalid'
"#;

#[test]
fn user_rules_are_picked_up_and_tested() {
    let dir = tmpdir("user-rules");
    std::fs::write(dir.join("corp-internal-host.toml"), USER_RULE).unwrap();
    std::fs::create_dir_all(dir.join("corp-internal-host")).unwrap();
    std::fs::write(
        dir.join("corp-internal-host/mod.py"),
        "# ruleid: corp-internal-host\nURL = 'http://build.corp.example.invalid/x'\n# ok: corp-internal-host\nOTHER = 'http://example.invalid/'\n",
    )
    .unwrap();
    let target = dir.join("pkg.py");
    std::fs::write(&target, "HOST = 'build.corp.example.invalid'\n").unwrap();
    let out = ferret(&[
        "scan",
        "--format",
        "json",
        "--rules",
        dir.to_str().unwrap(),
        target.to_str().unwrap(),
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = doc["packages"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"corp-internal-host"), "{rules:?}");
    assert_eq!(out.status.code(), Some(1));
    // Without --rules the built-ins don't know that host.
    let out = ferret(&["scan", "--format", "json", target.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // `ferret rules test` runs the user's fixtures.
    let out = ferret(&["rules", "test", dir.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("1 passed, 0 failed"), "{text}");
}

#[test]
fn broken_rule_file_is_located() {
    let dir = tmpdir("broken-rules");
    let broken = USER_RULE.replace("string = 'build", "strin = 'build");
    std::fs::write(dir.join("corp-internal-host.toml"), broken).unwrap();
    let out = ferret(&[
        "scan",
        "--rules",
        dir.to_str().unwrap(),
        "corpus/samples/hello-pkg",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("corp-internal-host.toml:13:1"), "{err}");
    assert!(err.contains("unknown field `strin`"), "{err}");
    let bad_regex = USER_RULE.replace(r"string = 'build\.corp", r"string = '(?<=x)build\.corp");
    std::fs::write(dir.join("corp-internal-host.toml"), bad_regex).unwrap();
    let out = ferret(&["rules", "check", dir.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.contains("error[R004]") && err.contains(":13:10"),
        "{err}"
    );
}

#[test]
fn explain_prints_the_docs() {
    let out = ferret(&["rules", "explain", "exec-decoded-payload"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains("What it flags")
            && text.contains("Why it is bad")
            && text.contains("Example"),
        "{text}"
    );
    assert_eq!(
        ferret(&["rules", "explain", "no-such-rule"]).status.code(),
        Some(2)
    );
}
