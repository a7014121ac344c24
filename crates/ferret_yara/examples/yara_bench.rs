//! Times compiling a YARA file, building its scanner and scanning a buffer:
//! `cargo run -p ferret_yara --example yara_bench -- RULES.yar [FILE]`.

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let rules = args.next().expect("usage: yara_bench RULES.yar [FILE]");
    let src = std::fs::read_to_string(&rules).expect("read rules");
    let data = match args.next() {
        Some(f) => std::fs::read(f).expect("read file"),
        None => b"import os\nprint('hello world')\n".repeat(100),
    };
    let t = Instant::now();
    let compiled = ferret_yara::compile(&src).unwrap_or_else(|e| panic!("{e}"));
    let t_compile = t.elapsed();
    let t = Instant::now();
    let n = compiled.len();
    let strings: Vec<_> = compiled.iter().flat_map(|r| r.strings.iter()).collect();
    let atoms: usize = strings
        .iter()
        .filter_map(|s| s.atoms())
        .map(|a| a.literals.len())
        .sum();
    let bare = strings.iter().filter(|s| s.atoms().is_none()).count();
    let n_strings = strings.len();
    let sc = ferret_yara::Scanner::new(compiled);
    let t_scanner = t.elapsed();
    let t = Instant::now();
    let hits = sc.scan(&data).len();
    let t_first = t.elapsed();
    let t = Instant::now();
    for _ in 0..10 {
        sc.scan(&data);
    }
    let t_scan = t.elapsed() / 10;
    println!(
        "{n} rules, {} strings ({bare} without atoms), {atoms} atoms: compile {t_compile:?}, \
         scanner {t_scanner:?}, first scan {t_first:?}, later scans {t_scan:?} ({} bytes, \
         {hits} hits)",
        n_strings,
        data.len()
    );
}
