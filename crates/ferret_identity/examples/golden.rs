// Temporary: dumps results for many mutated names, to compare implementations.
use ferret_identity::PopularList;
use std::io::Write;

fn main() {
    let list = PopularList::builtin();
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut rand = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let alpha = b"aeiorstnlmpuy-0123_.Iz";
    let mut n = 0usize;
    let mut hits = 0usize;
    let mut emit = |out: &mut dyn Write, cand: &str| {
        n += 1;
        if let Some(h) = list.check_typosquat(cand) {
            hits += 1;
            writeln!(out, "{cand}\t{}\t{}\t{:?}", h.imitates, h.rank, h.technique).unwrap();
        }
    };
    let top = 4000.min(list.len());
    for r in 1..=list.len() {
        let name = list.name_at(r).unwrap().as_bytes().to_vec();
        let mut cands: Vec<Vec<u8>> = Vec::new();
        if r <= top {
            for i in 0..name.len() {
                let mut c = name.clone(); c.remove(i); cands.push(c);
                if i + 1 < name.len() { let mut c = name.clone(); c.swap(i, i + 1); cands.push(c); }
                for _ in 0..3 { let mut c = name.clone(); c[i] = alpha[rand(alpha.len())]; cands.push(c); }
                for _ in 0..2 { let mut c = name.clone(); c.insert(i, alpha[rand(alpha.len())]); cands.push(c); }
                let mut c = name.clone(); c.insert(i, name[i]); cands.push(c);
            }
            for _ in 0..6 {
                let mut c = name.clone();
                for _ in 0..2 + rand(2) {
                    let p = rand(c.len() + 1);
                    match rand(4) {
                        0 if p < c.len() => { c.remove(p); }
                        1 if p + 1 < c.len() => c.swap(p, p + 1),
                        2 if p < c.len() => c[p] = alpha[rand(alpha.len())],
                        _ => c.insert(p, alpha[rand(alpha.len())]),
                    }
                }
                cands.push(c);
            }
        }
        let s = String::from_utf8(name.clone()).unwrap();
        for a in ["py", "python-", "", "-lib", "2", "3", "-api", "s"] {
            cands.push(format!("{a}{s}").into_bytes());
            cands.push(format!("{s}{a}").into_bytes());
        }
        cands.push(s.replace('-', "").into_bytes());
        cands.push(s.replace('o', "0").replace('l', "1").into_bytes());
        cands.push(s.replace('m', "rn").into_bytes());
        cands.push(s.replace('a', "а").into_bytes());
        cands.push(s.to_uppercase().replace('L', "I").into_bytes());
        if let Some(t) = s.strip_suffix('s') { cands.push(t.as_bytes().to_vec()); }
        let mut parts: Vec<&str> = s.split('-').collect();
        parts.reverse();
        cands.push(parts.join("-").into_bytes());
        for c in cands {
            emit(&mut out, &String::from_utf8_lossy(&c));
        }
    }
    for (name, h) in list.self_check() {
        writeln!(out, "SELF {name}\t{}\t{}\t{:?}", h.imitates, h.rank, h.technique).unwrap();
    }
    let bare = PopularList::parse(include_str!("../../../rules/identity/popular.txt"));
    for (name, h) in bare.self_check() {
        writeln!(out, "BARE {name}\t{}\t{}\t{:?}", h.imitates, h.rank, h.technique).unwrap();
    }
    eprintln!("{n} candidates, {hits} hits");
}
