//! Pure, bounded decoders for the encodings malware uses to hide payloads.
//!
//! Each function takes bytes and a cap on the bytes it may produce, and returns the decoded
//! bytes or why not. They mirror what the Python standard library would do at run time
//! (`base64.b64decode`, `zlib.decompress`, `codecs.decode(x, 'rot13')`, ...), leniently: an
//! attacker's payload only has to work in CPython, and ferret must see what CPython would.

use base64::Engine as _;
use std::io::Read;

/// Why a decoder produced nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The input is not in this encoding.
    Invalid,
    /// The output would exceed the cap (a decompression bomb, or just too big).
    TooLarge,
}

pub type Result<T> = std::result::Result<T, DecodeError>;

/// A decoding step, named as in reports (`base64 → zlib → reverse`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    Base64,
    Base32,
    Base16,
    Base85,
    Ascii85,
    Hex,
    Zlib,
    Gzip,
    Bz2,
    Lzma,
    Rot13,
    Reverse,
    Xor,
    Unquote,
    Marshal,
    Fernet,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Base64 => "base64",
            Self::Base32 => "base32",
            Self::Base16 => "base16",
            Self::Base85 => "base85",
            Self::Ascii85 => "ascii85",
            Self::Hex => "hex",
            Self::Zlib => "zlib",
            Self::Gzip => "gzip",
            Self::Bz2 => "bz2",
            Self::Lzma => "lzma",
            Self::Rot13 => "rot13",
            Self::Reverse => "reverse",
            Self::Xor => "xor",
            Self::Unquote => "unquote",
            Self::Marshal => "marshal",
            Self::Fernet => "fernet",
        }
    }
}

fn strip_ws(input: &[u8]) -> Vec<u8> {
    input
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect()
}

/// `base64.b64decode` / `urlsafe_b64decode`: whitespace ignored, padding repaired, and (like
/// CPython without `validate=True`) characters outside the alphabet discarded.
pub fn base64(input: &[u8], urlsafe: bool, cap: usize) -> Result<Vec<u8>> {
    let mut clean: Vec<u8> = input
        .iter()
        .copied()
        .filter(|&b| {
            b.is_ascii_alphanumeric()
                || if urlsafe {
                    b == b'-' || b == b'_'
                } else {
                    b == b'+' || b == b'/'
                }
        })
        .collect();
    if clean.is_empty() {
        return Err(DecodeError::Invalid);
    }
    if clean.len() / 4 * 3 > cap {
        return Err(DecodeError::TooLarge);
    }
    // CPython raises on a dangling single character; so do we.
    if clean.len() % 4 == 1 {
        return Err(DecodeError::Invalid);
    }
    while !clean.len().is_multiple_of(4) {
        clean.push(b'=');
    }
    let engine = if urlsafe {
        &base64::engine::general_purpose::URL_SAFE
    } else {
        &base64::engine::general_purpose::STANDARD
    };
    let cfg_engine = base64::engine::GeneralPurpose::new(
        &if urlsafe {
            base64::alphabet::URL_SAFE
        } else {
            base64::alphabet::STANDARD
        },
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    cfg_engine
        .decode(&clean)
        .or_else(|_| engine.decode(&clean))
        .map_err(|_| DecodeError::Invalid)
}

/// `base64.b32decode`.
pub fn base32(input: &[u8], cap: usize) -> Result<Vec<u8>> {
    let clean: Vec<u8> = strip_ws(input).into_iter().filter(|&b| b != b'=').collect();
    if clean.is_empty() || clean.len() * 5 / 8 > cap {
        return Err(if clean.is_empty() {
            DecodeError::Invalid
        } else {
            DecodeError::TooLarge
        });
    }
    let mut out = Vec::with_capacity(clean.len() * 5 / 8);
    let (mut acc, mut bits) = (0u64, 0u32);
    for b in clean {
        let v = match b.to_ascii_uppercase() {
            c @ b'A'..=b'Z' => c - b'A',
            c @ b'2'..=b'7' => c - b'2' + 26,
            _ => return Err(DecodeError::Invalid),
        };
        acc = (acc << 5) | u64::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

/// `bytes.fromhex`, `binascii.unhexlify`, `base64.b16decode` (whitespace and `0x`/`\x` tolerated).
pub fn hex(input: &[u8], cap: usize) -> Result<Vec<u8>> {
    let mut clean = strip_ws(input);
    if clean.windows(2).any(|w| w == b"\\x") {
        clean = clean
            .split(|&b| b == b'\\')
            .flat_map(|p| p.strip_prefix(b"x").unwrap_or(p).to_vec())
            .collect();
    }
    if !clean.len().is_multiple_of(2) || clean.is_empty() {
        return Err(DecodeError::Invalid);
    }
    if clean.len() / 2 > cap {
        return Err(DecodeError::TooLarge);
    }
    let val = |c: u8| -> Result<u8> {
        Ok(match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => return Err(DecodeError::Invalid),
        })
    };
    clean
        .chunks(2)
        .map(|p| Ok(val(p[0])? << 4 | val(p[1])?))
        .collect()
}

/// `base64.b85decode` (the RFC 1924 alphabet CPython uses).
pub fn base85(input: &[u8], cap: usize) -> Result<Vec<u8>> {
    const ALPHA: &[u8] =
        b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";
    let mut table = [255u8; 256];
    for (i, &c) in ALPHA.iter().enumerate() {
        table[c as usize] = i as u8;
    }
    decode85(&strip_ws(input), cap, |c| table[c as usize], false)
}

/// `base64.a85decode` (Adobe Ascii85, `<~ ~>` optional, `z` for four zero bytes).
pub fn ascii85(input: &[u8], cap: usize) -> Result<Vec<u8>> {
    let mut clean = strip_ws(input);
    if clean.starts_with(b"<~") {
        clean.drain(..2);
    }
    if clean.ends_with(b"~>") {
        clean.truncate(clean.len() - 2);
    }
    decode85(
        &clean,
        cap,
        |c| {
            if (b'!'..=b'u').contains(&c) {
                c - b'!'
            } else {
                255
            }
        },
        true,
    )
}

fn decode85(
    clean: &[u8],
    cap: usize,
    digit: impl Fn(u8) -> u8,
    z_shortcut: bool,
) -> Result<Vec<u8>> {
    if clean.is_empty() {
        return Err(DecodeError::Invalid);
    }
    let mut out = Vec::with_capacity(clean.len() * 4 / 5);
    let mut group = [0u8; 5];
    let mut n = 0;
    for &c in clean {
        if z_shortcut && c == b'z' && n == 0 {
            out.extend_from_slice(&[0; 4]);
            continue;
        }
        let d = digit(c);
        if d == 255 {
            return Err(DecodeError::Invalid);
        }
        group[n] = d;
        n += 1;
        if n == 5 {
            let v = group.iter().try_fold(0u32, |acc, &d| {
                acc.checked_mul(85)?.checked_add(u32::from(d))
            });
            out.extend_from_slice(&v.ok_or(DecodeError::Invalid)?.to_be_bytes());
            n = 0;
        }
        if out.len() > cap {
            return Err(DecodeError::TooLarge);
        }
    }
    if n > 0 {
        let pad = 5 - n;
        for g in group.iter_mut().skip(n) {
            *g = 84;
        }
        let v = group.iter().try_fold(0u32, |acc, &d| {
            acc.checked_mul(85)?.checked_add(u32::from(d))
        });
        let bytes = v.ok_or(DecodeError::Invalid)?.to_be_bytes();
        out.extend_from_slice(&bytes[..4 - pad]);
    }
    Ok(out)
}

fn read_capped(mut r: impl Read, cap: usize) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut limited = (&mut r).take(cap as u64 + 1);
    match limited.read_to_end(&mut out) {
        Ok(_) if out.len() > cap => Err(DecodeError::TooLarge),
        Ok(_) if out.is_empty() => Err(DecodeError::Invalid),
        Ok(_) => Ok(out),
        // A truncated stream still yields what it had, as CPython's decompressobj would.
        Err(_) if !out.is_empty() && out.len() <= cap => Ok(out),
        Err(_) => Err(DecodeError::Invalid),
    }
}

/// `zlib.decompress` (also accepts raw deflate and gzip, as `wbits` lets CPython do).
pub fn zlib(input: &[u8], cap: usize) -> Result<Vec<u8>> {
    if input.first().is_some_and(|b| b & 0x0f == 8) {
        match read_capped(flate2::read::ZlibDecoder::new(input), cap) {
            Err(DecodeError::Invalid) => {}
            other => return other,
        }
    }
    if input.starts_with(&[0x1f, 0x8b]) {
        return gzip(input, cap);
    }
    read_capped(flate2::read::DeflateDecoder::new(input), cap)
}

/// `gzip.decompress`.
pub fn gzip(input: &[u8], cap: usize) -> Result<Vec<u8>> {
    if !input.starts_with(&[0x1f, 0x8b]) {
        return Err(DecodeError::Invalid);
    }
    read_capped(flate2::read::MultiGzDecoder::new(input), cap)
}

/// `bz2.decompress`.
pub fn bz2(input: &[u8], cap: usize) -> Result<Vec<u8>> {
    if !input.starts_with(b"BZh") {
        return Err(DecodeError::Invalid);
    }
    read_capped(bzip2::read::MultiBzDecoder::new(input), cap)
}

/// `lzma.decompress` (xz container or legacy `.lzma`).
pub fn lzma(input: &[u8], cap: usize) -> Result<Vec<u8>> {
    let mut sink = CappedSink {
        buf: Vec::new(),
        cap,
        over: false,
    };
    let mut reader = std::io::BufReader::new(input);
    let res = if input.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        lzma_rs::xz_decompress(&mut reader, &mut sink).map_err(|_| ())
    } else {
        lzma_rs::lzma_decompress(&mut reader, &mut sink).map_err(|_| ())
    };
    if sink.over {
        return Err(DecodeError::TooLarge);
    }
    match res {
        Ok(()) if !sink.buf.is_empty() => Ok(sink.buf),
        _ => Err(DecodeError::Invalid),
    }
}

struct CappedSink {
    buf: Vec<u8>,
    cap: usize,
    over: bool,
}

impl std::io::Write for CappedSink {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.buf.len() + data.len() > self.cap {
            self.over = true;
            return Err(std::io::Error::other("cap"));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `codecs.decode(s, 'rot13')`.
pub fn rot13(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            'a'..='z' => (((c as u8 - b'a') + 13) % 26 + b'a') as char,
            'A'..='Z' => (((c as u8 - b'A') + 13) % 26 + b'A') as char,
            c => c,
        })
        .collect()
}

/// `urllib.parse.unquote` / `unquote_to_bytes` (`+` kept, as `unquote` does).
pub fn unquote(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        if input[i] == b'%' && i + 2 < input.len() {
            if let Ok(b) = hex(&input[i + 1..i + 3], 1) {
                out.push(b[0]);
                i += 3;
                continue;
            }
        }
        out.push(input[i]);
        i += 1;
    }
    out
}

/// XOR with a repeating key.
pub fn xor(data: &[u8], key: &[u8]) -> Vec<u8> {
    if key.is_empty() {
        return data.to_vec();
    }
    data.iter()
        .zip(key.iter().cycle())
        .map(|(d, k)| d ^ k)
        .collect()
}

/// `cryptography.fernet.Fernet(key).decrypt(token)`: malware ships the key beside the token,
/// so the payload is as readable as base64. The HMAC is not checked (we want the plaintext,
/// not to vouch for it); a wrong key or a damaged token gives `Invalid`.
pub fn fernet(key: &[u8], token: &[u8], cap: usize) -> Result<Vec<u8>> {
    use aes::cipher::{generic_array::GenericArray, BlockDecrypt, KeyInit};
    let key = base64(key, true, 64)?;
    let token = base64(token, true, cap.saturating_mul(2).saturating_add(128))?;
    // version (1) | timestamp (8) | IV (16) | ciphertext (16·n) | HMAC (32)
    if key.len() != 32 || token.len() < 1 + 8 + 16 + 16 + 32 || token[0] != 0x80 {
        return Err(DecodeError::Invalid);
    }
    let iv = &token[9..25];
    let ct = &token[25..token.len() - 32];
    if ct.len() % 16 != 0 {
        return Err(DecodeError::Invalid);
    }
    if ct.len() > cap {
        return Err(DecodeError::TooLarge);
    }
    let cipher = aes::Aes128::new(GenericArray::from_slice(&key[16..]));
    let mut out = Vec::with_capacity(ct.len());
    let mut prev = iv;
    for block in ct.chunks_exact(16) {
        let mut b = GenericArray::clone_from_slice(block);
        cipher.decrypt_block(&mut b);
        out.extend(b.iter().zip(prev).map(|(x, p)| x ^ p));
        prev = block;
    }
    let pad = *out.last().ok_or(DecodeError::Invalid)? as usize;
    if pad == 0
        || pad > 16
        || pad > out.len()
        || !out[out.len() - pad..].iter().all(|&b| b as usize == pad)
    {
        return Err(DecodeError::Invalid);
    }
    out.truncate(out.len() - pad);
    Ok(out)
}

/// Whether bytes look like Python source worth parsing (mostly printable UTF-8 text with some
/// code-like tokens). Cheap; used to decide whether a decoded blob is scanned as a file.
pub fn looks_like_python(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    if text.len() < 4 {
        return false;
    }
    let printable = text
        .chars()
        .filter(|c| !c.is_control() || c.is_whitespace())
        .count();
    if printable * 100 < text.chars().count() * 95 {
        return false;
    }
    const TOKENS: &[&str] = &[
        "import ", "exec(", "eval(", "def ", "print(", "os.", "=", "(", "lambda",
    ];
    TOKENS.iter().any(|t| text.contains(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_lenient_like_cpython() {
        assert_eq!(base64(b"aGVsbG8=", false, 100).unwrap(), b"hello");
        assert_eq!(base64(b"aGVsbG8", false, 100).unwrap(), b"hello");
        assert_eq!(base64(b"aGVs\nbG8=", false, 100).unwrap(), b"hello");
        assert_eq!(base64(b"_-8=", true, 100).unwrap(), vec![0xff, 0xef]);
        assert_eq!(base64(b"a", false, 100), Err(DecodeError::Invalid));
    }

    #[test]
    fn base32_16_85() {
        assert_eq!(base32(b"NBSWY3DP", 100).unwrap(), b"hello");
        assert_eq!(hex(b"68656c6c6f", 100).unwrap(), b"hello");
        assert_eq!(hex(b"\\x68\\x69", 100).unwrap(), b"hi");
        // base64.b85encode(b"hello") == b'Xk~0{Zv'
        assert_eq!(base85(b"Xk~0{Zv", 100).unwrap(), b"hello");
        // base64.a85encode(b"hello") == b'BOu!rDZ'
        assert_eq!(ascii85(b"BOu!rDZ", 100).unwrap(), b"hello");
        assert_eq!(ascii85(b"<~BOu!rDZ~>", 100).unwrap(), b"hello");
    }

    #[test]
    fn compressors_roundtrip_and_cap() {
        use std::io::Write;
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(&vec![b'a'; 100_000]).unwrap();
        let z = e.finish().unwrap();
        assert_eq!(zlib(&z, 200_000).unwrap().len(), 100_000);
        assert_eq!(zlib(&z, 1000), Err(DecodeError::TooLarge));
        let mut g = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        g.write_all(b"print(1)").unwrap();
        let g = g.finish().unwrap();
        assert_eq!(gzip(&g, 100).unwrap(), b"print(1)");
        assert_eq!(zlib(&g, 100).unwrap(), b"print(1)");
        assert_eq!(zlib(b"not compressed", 100), Err(DecodeError::Invalid));
    }

    #[test]
    fn fernet_decrypts() {
        // Made with cryptography's Fernet (fixed IV/time): Fernet(KEY).encrypt(b"print('hi')").
        let key = b"cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
        let token = b"gAAAAABhRJuAAAAAAAAAAAAAAAAAAAAAACejT3jWsq7MAxdf-DX5CsRrUlN5IXJOn75CO_cDF1HN-acAGYZoVPQtQZKdmE-r-g==";
        assert_eq!(fernet(key, token, 1000), Ok(b"print('hi')".to_vec()));
        assert_eq!(fernet(b"AAAA", token, 1000), Err(DecodeError::Invalid));
    }

    #[test]
    fn small_codecs() {
        assert_eq!(rot13("vzcbeg bf"), "import os");
        assert_eq!(unquote(b"a%20b%2"), b"a b%2");
        assert_eq!(xor(&xor(b"secret", b"k1"), b"k1"), b"secret");
        assert!(looks_like_python(b"import os\nos.system('x')"));
        assert!(!looks_like_python(&[0, 1, 2, 3, 4, 5]));
    }
}
