//! The deobfuscation stage: every `ferret_decode` decoder on raw bytes, chained, and the same
//! bytes as a string literal inside decoder calls that `ferret_python` folds statically.
//!
//! Input: selector byte, then the payload. The selector's low nibble picks the first decoder,
//! the high nibble a second one applied to the first's output (a two-layer chain).
#![no_main]

use ferret_decode as d;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const CAP: usize = 1 << 20;

fn step(which: u8, input: &[u8]) -> Option<Vec<u8>> {
    let out = match which % 16 {
        0 => d::base64(input, false, CAP),
        1 => d::base64(input, true, CAP),
        2 => d::base32(input, CAP),
        3 => d::hex(input, CAP),
        4 => d::base85(input, CAP),
        5 => d::ascii85(input, CAP),
        6 => d::zlib(input, CAP),
        7 => d::gzip(input, CAP),
        8 => d::bz2(input, CAP),
        9 => d::lzma(input, CAP),
        10 => Ok(d::rot13(&String::from_utf8_lossy(input)).into_bytes()),
        11 => Ok(d::unquote(input)),
        12 => {
            let (key, rest) = input.split_at(input.len().min(4));
            Ok(d::xor(rest, key))
        }
        13 => {
            // Fernet: key (44 base64 chars) then token.
            let (key, token) = input.split_at(input.len().min(44));
            d::fernet(key, token, CAP)
        }
        14 => {
            let _ = d::looks_like_python(input);
            return None;
        }
        _ => return None,
    };
    match out {
        Ok(v) => {
            assert!(v.len() <= CAP.max(input.len()), "decoder passed its cap");
            Some(v)
        }
        Err(_) => None,
    }
}

fn flows() -> &'static ferret_python::FlowConfig {
    static F: OnceLock<ferret_rules::RuleSet> = OnceLock::new();
    &F.get_or_init(|| ferret_rules::load_builtin().expect("built-in rules load"))
        .flows
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, payload)) = data.split_first() else {
        return;
    };
    if let Some(first) = step(sel & 0x0f, payload) {
        let _ = step(sel >> 4, &first);
    }
    // The same bytes as a literal that the static evaluator has to fold and decode.
    let lit: String = payload
        .iter()
        .map(|&b| match b {
            b'\\' | b'\'' | b'\n' | b'\r' => format!("\\x{b:02x}"),
            0x20..=0x7e => (b as char).to_string(),
            _ => format!("\\x{b:02x}"),
        })
        .collect();
    let call = match sel % 8 {
        0 => format!("exec(base64.b64decode('{lit}'))"),
        1 => format!("exec(zlib.decompress(base64.b64decode('{lit}')))"),
        2 => format!("exec(bytes.fromhex('{lit}').decode())"),
        3 => format!("exec(codecs.decode('{lit}', 'rot13'))"),
        4 => format!("exec(marshal.loads(b'{lit}'))"),
        5 => format!("exec(''.join(chr(c ^ 7) for c in b'{lit}'))"),
        6 => format!("exec(base64.b85decode(b'{lit}'[::-1]))"),
        _ => format!("exec(lzma.decompress(base64.b32decode('{lit}')))"),
    };
    let src = format!("import base64, zlib, codecs, marshal, lzma\n{call}\n");
    let _ = ferret_python::analyze(
        src.as_bytes(),
        ferret_python::FileRole::Module,
        flows(),
        &ferret_python::Options::default(),
    );
});
