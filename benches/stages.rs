//! Stage benches (criterion): archive reading, parse + facts, deobfuscation, rule matching and
//! the whole-package scan, on inputs built from the in-repo `corpus/` (so they run anywhere).
//!
//! `cargo bench --bench stages` (add `-- --quick` for a fast pass). Throughput is in bytes of
//! archive for reading and scanning, bytes of Python source for parsing, matching and decoding.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use ferret_engine::{Engine, Options};
use ferret_python::FileRole;
use std::io::Write;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file of the in-repo corpus (imitations and benign samples), as one package's members.
fn corpus_files() -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, root: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
        entries.sort_by_key(|e| e.path());
        for e in entries {
            let p = e.path();
            if p.is_dir() {
                walk(&p, root, out);
            } else if p.file_name().is_some_and(|n| n != "expected.toml") {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.push((format!("bench-pkg-1.0/{rel}"), std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    for sub in ["corpus/benign", "corpus/imitations"] {
        walk(&repo().join(sub), &repo().join("corpus"), &mut out);
    }
    out
}

fn tar_bytes(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (p, d) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(d.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, p, d.as_slice()).unwrap();
    }
    b.into_inner().unwrap()
}

fn targz(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(&tar_bytes(files)).unwrap();
    e.finish().unwrap()
}

fn tarbz2(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut e = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    e.write_all(&tar_bytes(files)).unwrap();
    e.finish().unwrap()
}

fn zip_bytes(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (p, d) in files {
        w.start_file(p.as_str(), opts).unwrap();
        w.write_all(d).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn python_sources(files: &[(String, Vec<u8>)]) -> Vec<(FileRole, Vec<u8>)> {
    files
        .iter()
        .filter(|(p, _)| p.ends_with(".py"))
        .map(|(p, d)| {
            let role = if p.ends_with("/setup.py") {
                FileRole::SetupScript
            } else {
                FileRole::Module
            };
            (role, d.clone())
        })
        .collect()
}

/// A module whose payload is Python, zlib-compressed, base64-encoded, three layers deep.
fn layered_payload() -> Vec<u8> {
    use base64::Engine as _;
    let mut inner = String::new();
    for i in 0..400 {
        inner.push_str(&format!("def f{i}(x):\n    return x * {i} + len(str(x))\n"));
    }
    inner.push_str("import os\nos.system('echo bench')\n");
    let mut code = inner.into_bytes();
    for _ in 0..3 {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&code).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(z.finish().unwrap());
        code = format!("import base64, zlib\nexec(zlib.decompress(base64.b64decode('{b64}')))\n")
            .into_bytes();
    }
    code
}

/// A module-level XOR loop building its payload one character at a time (20,000 of them).
fn character_loop() -> Vec<u8> {
    let inner = format!(
        "{}\nimport os\nos.system('echo bench')\n",
        "#".repeat(20_000)
    );
    let xored: String = inner.bytes().map(|b| format!("\\x{:02x}", b ^ 7)).collect();
    format!("data = '{xored}'\nout = ''\nfor i in range(len(data)):\n    out += chr(ord(data[i]) ^ 7)\nexec(out)\n")
        .into_bytes()
}

fn engine() -> Engine {
    Engine::new(ferret_rules::load_builtin().unwrap(), Options::default())
}

fn bench_archives(c: &mut Criterion) {
    let files = corpus_files();
    let limits = ferret_archive::Limits::default();
    let mut g = c.benchmark_group("archive-read");
    for (name, bytes, file) in [
        ("tar.gz", targz(&files), "bench-pkg-1.0.tar.gz"),
        ("zip", zip_bytes(&files), "bench_pkg-1.0-py3-none-any.whl"),
        ("tar.bz2", tarbz2(&files), "bench-pkg-1.0.tar.bz2"),
    ] {
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| ferret_archive::read_bytes(&bytes, file, &limits))
        });
    }
    g.finish();
}

fn bench_python(c: &mut Criterion) {
    let sources = python_sources(&corpus_files());
    let total: usize = sources.iter().map(|(_, d)| d.len()).sum();
    let rules = ferret_rules::load_builtin().unwrap();
    let opts = ferret_python::Options::default();
    let mut g = c.benchmark_group("python");
    g.throughput(Throughput::Bytes(total as u64));
    g.bench_function("parse+facts", |b| {
        b.iter(|| {
            for (role, src) in &sources {
                std::hint::black_box(ferret_python::analyze(src, *role, &rules.flows, &opts));
            }
        })
    });
    let engine = engine();
    let facts: Vec<_> = sources
        .iter()
        .map(|(role, src)| ferret_python::analyze(src, *role, &rules.flows, &opts))
        .collect();
    g.bench_function("rule-matching", |b| {
        b.iter(|| {
            for f in &facts {
                std::hint::black_box(engine.match_facts("bench.py", f));
            }
        })
    });
    g.finish();

    let payload = layered_payload();
    let mut g = c.benchmark_group("deobfuscation");
    g.throughput(Throughput::Bytes(payload.len() as u64));
    g.bench_function("3-layer base64+zlib module", |b| {
        b.iter(|| ferret_python::analyze(&payload, FileRole::Module, &rules.flows, &opts))
    });
    let looped = character_loop();
    g.throughput(Throughput::Bytes(looped.len() as u64));
    g.bench_function("20,000-character XOR loop", |b| {
        b.iter(|| ferret_python::analyze(&looped, FileRole::Module, &rules.flows, &opts))
    });
    g.finish();
}

fn bench_package(c: &mut Criterion) {
    let files = corpus_files();
    let bytes = targz(&files);
    let engine = engine();
    let mut g = c.benchmark_group("package-scan");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("corpus as one tar.gz", |b| {
        b.iter(|| engine.scan_bytes(&bytes, "bench-pkg-1.0.tar.gz", "bench-pkg-1.0.tar.gz"))
    });
    // Start-up: loading and compiling the rules, as every `ferret scan` process does.
    g.bench_function("load rules + engine", |b| {
        b.iter_batched(|| (), |_| engine_startup(), BatchSize::SmallInput)
    });
    g.finish();
}

fn engine_startup() -> Engine {
    engine()
}

criterion_group!(benches, bench_archives, bench_python, bench_package);
criterion_main!(benches);
