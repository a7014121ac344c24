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
    /// `codecs.decode(x, 'uu')`: uuencoding (`begin 666 <name>` … `end`).
    Uu,
    /// Integers divided by `random.randint` draws after `random.seed(<constant>)`: the seed
    /// makes the draws, and so the text, deterministic (the pyobfuscate.com loader).
    SeededRandom,
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
            Self::Uu => "uu",
            Self::SeededRandom => "seeded-random",
        }
    }
}

fn strip_ws(input: &[u8]) -> Vec<u8> {
    keep_only(input, &NOT_WHITESPACE)
}

/// Which bytes each filter keeps, indexed by byte.
type ByteSet = [bool; 256];

/// The set of bytes that are not ASCII whitespace, or (with `extra`) ASCII letters and digits
/// plus the two extra characters of a base64 alphabet.
const fn byte_set(extra: Option<[u8; 2]>) -> ByteSet {
    let mut set = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        set[i] = match extra {
            None => !b.is_ascii_whitespace(),
            Some([x, y]) => b.is_ascii_alphanumeric() || b == x || b == y,
        };
        i += 1;
    }
    set
}

const NOT_WHITESPACE: ByteSet = byte_set(None);
const BASE64_STANDARD: ByteSet = byte_set(Some([b'+', b'/']));
const BASE64_URLSAFE: ByteSet = byte_set(Some([b'-', b'_']));

/// The bytes of `input` that `keep` keeps, copied run by run: payloads are megabytes, and
/// most drop nothing or a newline every few dozen bytes.
fn keep_only(input: &[u8], keep: &ByteSet) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    for run in input.split(|&b| !keep[usize::from(b)]) {
        out.extend_from_slice(run);
    }
    out
}

/// `base64.b64decode` / `urlsafe_b64decode`: whitespace ignored, padding repaired, and (like
/// CPython without `validate=True`) characters outside the alphabet discarded.
pub fn base64(input: &[u8], urlsafe: bool, cap: usize) -> Result<Vec<u8>> {
    let mut clean = keep_only(
        input,
        if urlsafe {
            &BASE64_URLSAFE
        } else {
            &BASE64_STANDARD
        },
    );
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
        match read_capped(flate2::bufread::ZlibDecoder::new(input), cap) {
            Err(DecodeError::Invalid) => {}
            other => return other,
        }
    }
    if input.starts_with(&[0x1f, 0x8b]) {
        return gzip(input, cap);
    }
    read_capped(flate2::bufread::DeflateDecoder::new(input), cap)
}

/// `gzip.decompress`.
pub fn gzip(input: &[u8], cap: usize) -> Result<Vec<u8>> {
    if !input.starts_with(&[0x1f, 0x8b]) {
        return Err(DecodeError::Invalid);
    }
    read_capped(flate2::bufread::MultiGzDecoder::new(input), cap)
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

/// `codecs.decode(data, 'uu')`, as CPython's `uu_codec` does it: skip to the `begin` line,
/// then `binascii.a2b_uu` every line up to `end`. Each line yields at most 63 bytes, so the
/// output never exceeds the input.
pub fn uu(input: &[u8], cap: usize) -> Result<Vec<u8>> {
    let mut lines = input.split(|&b| b == b'\n');
    if !lines.by_ref().any(|l| l.starts_with(b"begin")) {
        return Err(DecodeError::Invalid);
    }
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let mut ended = false;
    for line in lines {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line == b"end" {
            ended = true;
            break;
        }
        let Some(&first) = line.first() else {
            // CPython stops at the first empty read; an empty line decodes to nothing.
            continue;
        };
        let len = usize::from(first.wrapping_sub(b' ') & 0x3f);
        let mut bits: u32 = 0;
        let mut nbits = 0;
        let mut line_out = Vec::with_capacity(len);
        for &c in line[1..].iter().chain(std::iter::repeat(&b' ')) {
            if line_out.len() >= len {
                break;
            }
            // Like binascii: characters outside ' '..='`' are an error; missing ones count 0.
            if !(b' '..=b'`').contains(&c) && !c.is_ascii_whitespace() {
                return Err(DecodeError::Invalid);
            }
            let v = if c.is_ascii_whitespace() {
                0
            } else {
                u32::from((c - b' ') & 0x3f)
            };
            bits = (bits << 6) | v;
            nbits += 6;
            if nbits >= 8 {
                nbits -= 8;
                line_out.push((bits >> nbits) as u8);
                bits &= (1 << nbits) - 1;
            }
        }
        out.extend_from_slice(&line_out);
        if out.len() > cap {
            return Err(DecodeError::TooLarge);
        }
    }
    if !ended && out.is_empty() {
        return Err(DecodeError::Invalid);
    }
    Ok(out)
}

/// CPython's `random.Random` (MT19937), enough of it to replay `random.seed(n)` followed by
/// `random.randint(a, b)` draws, bit for bit.
pub struct PyRandom {
    mt: Box<[u32; 624]>,
    idx: usize,
}

impl PyRandom {
    /// `random.seed(n)` for an int `n` (its absolute value, as CPython takes it).
    pub fn from_seed(n: u128) -> Self {
        let mut key = Vec::new();
        let mut rest = n;
        while rest > 0 {
            key.push(rest as u32);
            rest >>= 32;
        }
        if key.is_empty() {
            key.push(0);
        }
        let mut r = Self {
            mt: Box::new([0; 624]),
            idx: 624,
        };
        r.init_genrand(19_650_218);
        let (mut i, mut j) = (1usize, 0usize);
        for _ in 0..624.max(key.len()) {
            let prev = r.mt[i - 1] ^ (r.mt[i - 1] >> 30);
            r.mt[i] = (r.mt[i] ^ prev.wrapping_mul(1_664_525))
                .wrapping_add(key[j])
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= 624 {
                r.mt[0] = r.mt[623];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
        }
        for _ in 0..623 {
            let prev = r.mt[i - 1] ^ (r.mt[i - 1] >> 30);
            r.mt[i] = (r.mt[i] ^ prev.wrapping_mul(1_566_083_941)).wrapping_sub(i as u32);
            i += 1;
            if i >= 624 {
                r.mt[0] = r.mt[623];
                i = 1;
            }
        }
        r.mt[0] = 0x8000_0000;
        r
    }

    fn init_genrand(&mut self, s: u32) {
        self.mt[0] = s;
        for i in 1..624 {
            let prev = self.mt[i - 1] ^ (self.mt[i - 1] >> 30);
            self.mt[i] = 1_812_433_253u32.wrapping_mul(prev).wrapping_add(i as u32);
        }
        self.idx = 624;
    }

    fn next_u32(&mut self) -> u32 {
        if self.idx >= 624 {
            for k in 0..624 {
                let y = (self.mt[k] & 0x8000_0000) | (self.mt[(k + 1) % 624] & 0x7fff_ffff);
                let mag = if y & 1 == 1 { 0x9908_b0df } else { 0 };
                self.mt[k] = self.mt[(k + 397) % 624] ^ (y >> 1) ^ mag;
            }
            self.idx = 0;
        }
        let mut y = self.mt[self.idx];
        self.idx += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `random.randint(a, b)` for a span below 2**32 (`None` otherwise).
    pub fn randint(&mut self, a: i64, b: i64) -> Option<i64> {
        let n = u64::try_from(b.checked_sub(a)?.checked_add(1)?).ok()?;
        if n == 0 || n > u64::from(u32::MAX) {
            return None;
        }
        let k = 64 - n.leading_zeros();
        // `_randbelow`: draw k bits until below n (each draw succeeds with p > 1/2; the loop
        // is bounded anyway).
        for _ in 0..10_000 {
            let r = u64::from(self.next_u32() >> (32 - k));
            if r < n {
                return Some(a + r as i64);
            }
        }
        None
    }
}

/// The pyobfuscate.com text: whitespace-separated integers, each a character code multiplied by
/// `random.randint(1, hi)` drawn after `random.seed(seed)`; the loader divides them back.
pub fn seeded_random_division(ints: &str, seed: u128, hi: i64, cap: usize) -> Result<Vec<u8>> {
    let mut rng = PyRandom::from_seed(seed);
    let mut out = String::new();
    for word in ints.split_whitespace() {
        let x: i64 = word.parse().map_err(|_| DecodeError::Invalid)?;
        let r = rng.randint(1, hi).ok_or(DecodeError::Invalid)?;
        let ch = u32::try_from(x / r)
            .ok()
            .and_then(char::from_u32)
            .ok_or(DecodeError::Invalid)?;
        out.push(ch);
        if out.len() > cap {
            return Err(DecodeError::TooLarge);
        }
    }
    Ok(out.into_bytes())
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
    // One pass counting characters and control characters that are not whitespace (this
    // runs on every decoded payload and long string; it was two passes).
    let (mut chars, mut controls) = (0usize, 0usize);
    if text.is_ascii() {
        chars = text.len();
        controls = text
            .bytes()
            .filter(|&b| (b < 0x20 || b == 0x7f) && !b.is_ascii_whitespace() && b != 0x0b)
            .count();
    } else {
        for c in text.chars() {
            chars += 1;
            controls += usize::from(c.is_control() && !c.is_whitespace());
        }
    }
    if (chars - controls) * 100 < chars * 95 {
        return false;
    }
    // The single-character tokens first: they are found (or ruled out) by memchr.
    const TOKENS: &[&str] = &[
        "(", "=", "import ", "exec(", "eval(", "def ", "print(", "os.", "lambda",
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
        // Characters outside the alphabet are dropped wherever they are, runs of them too.
        assert_eq!(base64(b"!!aG\r\nVs*bG8=!", false, 100).unwrap(), b"hello");
        assert_eq!(base64(b"+/_-8=", true, 100).unwrap(), vec![0xff, 0xef]);
        assert_eq!(strip_ws(b" a\tb\n\nc "), b"abc");
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
        // Whitespace controls (\t \n \x0b \x0c \r) count as printable, others do not;
        // ASCII and non-ASCII text are counted alike.
        assert!(looks_like_python(b"x\t=\x0b1\x0c\r\n"));
        assert!(!looks_like_python(b"x = 1\x01\x02\x03\x04\x05\x06"));
        assert!(!looks_like_python(
            "x = \u{e9}\x01\x02\x03\x04\x05\x06".as_bytes()
        ));
        // 26 printable characters of 27: above the 95 % line.
        assert!(looks_like_python(
            format!("x = '{}'\x01", "\u{e9}".repeat(20)).as_bytes()
        ));
    }

    #[test]
    fn uu_like_cpython() {
        // codecs.encode(b"import os\nprint(1)\n", "uu")
        let enc = b"begin 666 <data>\n3:6UP;W)T(&]S\"G!R:6YT*#$I\"@  \n \nend\n";
        assert_eq!(uu(enc, 100).unwrap(), b"import os\nprint(1)\n");
        assert_eq!(uu(b"no begin line", 100), Err(DecodeError::Invalid));
        assert_eq!(uu(enc, 4), Err(DecodeError::TooLarge));
        // codecs.encode(bz2.compress(b"import os\n"), "uu"): a 45-byte line, then a short one.
        let enc = b"begin 666 <data>\nM0EIH.3%!629366:__[(   %1@  00   (MP (  B :>D(,F('>BXA^+N2*<*\n&$@S7__9 \n \nend\n";
        let raw = uu(enc, 1000).unwrap();
        assert_eq!(raw.len(), 51);
        assert_eq!(bz2(&raw, 100).unwrap(), b"import os\n");
    }

    #[test]
    fn python_random_replays_cpython() {
        // random.seed(42); [random.randint(1, 100000) for _ in range(5)]
        let mut r = PyRandom::from_seed(42);
        let got: Vec<i64> = (0..5).map(|_| r.randint(1, 100_000).unwrap()).collect();
        assert_eq!(got, vec![83811, 14593, 3279, 97197, 36049]);
        // A seed wider than 32 bits: random.seed(600027321859512497); randint(1, 100000) x3
        let mut r = PyRandom::from_seed(600_027_321_859_512_497);
        let got: Vec<i64> = (0..3).map(|_| r.randint(1, 100_000).unwrap()).collect();
        assert_eq!(got, vec![97981, 12516, 6154]);
        // "hi" spelled as codes times those draws.
        let mut r = PyRandom::from_seed(7);
        let ints = format!(
            "{} {}",
            104 * r.randint(1, 50).unwrap(),
            105 * r.randint(1, 50).unwrap()
        );
        assert_eq!(seeded_random_division(&ints, 7, 50, 100).unwrap(), b"hi");
        assert_eq!(
            seeded_random_division("x 1", 7, 50, 100),
            Err(DecodeError::Invalid)
        );
    }
}
