//! Edit distance and the deletion index that makes fuzzy look-ups cheap.
//!
//! Two strings within optimal-string-alignment distance `k` share a string reachable from each by
//! at most `k` deletions (a substitution deletes the differing character on both sides, a
//! transposition one of the swapped characters on both, an insertion one character on one side).
//! So hashing every popular name's deletion variants once lets a candidate find all names within
//! distance 2 with a few dozen look-ups instead of a scan of the list (the symmetric-delete idea
//! of SymSpell). Hash collisions are harmless: every hit is verified with the real distance.

use crate::confusable::is_homoglyph_pair;
use crate::{Technique, REACH_NEAR};

/// Sorted `(hash of a deletion variant, name index)` pairs, with a table of where each value of
/// the hash's top bits starts, so a look-up touches one short run instead of binary-searching
/// hundreds of thousands of entries.
#[derive(Debug, Default)]
pub(crate) struct DeletionIndex {
    entries: Vec<(u64, u32)>,
    starts: Vec<u32>,
}

const RADIX_BITS: u32 = 16;

impl DeletionIndex {
    pub(crate) fn build<S: AsRef<str>>(names: impl Iterator<Item = (u32, S, usize)>) -> Self {
        let mut entries = Vec::new();
        for (idx, name, max_deletes) in names {
            for_each_variant(name.as_ref().as_bytes(), max_deletes, |h| {
                entries.push((h, idx));
            });
        }
        entries.sort_unstable();
        entries.dedup();
        let mut starts = vec![0u32; (1 << RADIX_BITS) + 1];
        for e in &entries {
            starts[(e.0 >> (64 - RADIX_BITS)) as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        DeletionIndex { entries, starts }
    }

    /// Indices of names sharing a deletion variant with `s` (up to `max_deletes` from `s`).
    /// May repeat an index and include false positives.
    pub(crate) fn candidates(&self, s: &[u8], max_deletes: usize, mut f: impl FnMut(u32)) {
        if self.entries.is_empty() {
            return;
        }
        for_each_variant(s, max_deletes, |h| {
            let bucket = (h >> (64 - RADIX_BITS)) as usize;
            let run = &self.entries[self.starts[bucket] as usize..self.starts[bucket + 1] as usize];
            let start = run.partition_point(|e| e.0 < h);
            for e in run[start..].iter().take_while(|e| e.0 == h) {
                f(e.1);
            }
        });
    }
}

/// Calls `f` with the hash of `s` with each set of at most `max_deletes` (≤ 2) positions removed.
fn for_each_variant(s: &[u8], max_deletes: usize, mut f: impl FnMut(u64)) {
    let n = s.len();
    f(hash_skipping(s, usize::MAX, usize::MAX));
    if max_deletes >= 1 {
        for i in 0..n {
            // Deleting either of two equal neighbours gives the same string: skip the repeat.
            if i > 0 && s[i] == s[i - 1] {
                continue;
            }
            f(hash_skipping(s, i, usize::MAX));
            if max_deletes >= 2 {
                for j in i + 1..n {
                    if j > i + 1 && s[j] == s[j - 1] {
                        continue;
                    }
                    f(hash_skipping(s, i, j));
                }
            }
        }
    }
}

/// FNV-1a over `s` without positions `a` and `b`.
fn hash_skipping(s: &[u8], a: usize, b: usize) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, &c) in s.iter().enumerate() {
        if i != a && i != b {
            h ^= u64::from(c);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions), or `None` once
/// it exceeds `max`.
pub(crate) fn osa_distance(a: &[u8], b: &[u8], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let m = b.len();
    // Three rows: i-2, i-1, i.
    let mut prev2 = vec![0usize; m + 1];
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut cur = vec![0usize; m + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(prev2[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    Some(prev[m]).filter(|&d| d <= max)
}

/// Arbitrary edits (not a recognisable slip) count only on words this long: short words sit
/// densely in name space (`parse`/`parso`, `crick`/`click`), long ones do not.
pub(crate) const GENERIC_D1_MIN: usize = 8;
pub(crate) const GENERIC_D2_MIN: usize = 10;

/// The one word (separator-delimited token) in which `cand` and `target` differ, if all the
/// others are equal. Compound names are families (`mypy-boto3-s3`, `mypy-boto3-sqs`) whose
/// shared words say nothing about identity: the differing word alone is what a typo must be
/// close to, and its length is what the thresholds apply to.
fn differing_word<'a>(cand: &'a str, target: &'a str) -> Option<(&'a str, &'a str)> {
    let (mut c, mut t) = (cand.split('-'), target.split('-'));
    let mut differing = None;
    loop {
        match (c.next(), t.next()) {
            (None, None) => return differing,
            (Some(a), Some(b)) if a == b => {}
            (Some(a), Some(b)) if differing.is_none() => differing = Some((a, b)),
            _ => return None,
        }
    }
}

fn digits(s: &[u8]) -> impl Iterator<Item = &u8> {
    s.iter().filter(|b| b.is_ascii_digit())
}

/// How `cand` is a typo of `target` (of this rank), if it is one within the limits: edits in a
/// single word, keeping that word's first letter (and last, when letters are added or dropped),
/// no digit changed, and a word long enough for the kind of edit (see [`crate::REACH_NEAR`]).
pub(crate) fn typo(cand: &str, target: &str, rank: usize) -> Option<Technique> {
    let (c, t) = differing_word(cand, target)?;
    let (c, t) = (c.as_bytes(), t.as_bytes());
    // Typos keep the word's first letter (checked with the other anchors below): most targets
    // fail this before any distance is computed.
    if c.first() != t.first() {
        return None;
    }
    let near = rank <= REACH_NEAR;
    let max = if near && t.len() >= GENERIC_D2_MIN {
        2
    } else {
        1
    };
    let d = osa_distance(c, t, max).filter(|&d| d > 0)?;
    let technique = classify(c, t, d);
    let long_enough = match technique {
        // Single-character homoglyphs are found on the whole list by the visual skeleton.
        Technique::Homoglyph => return None,
        Technique::Transposition => t.len() >= 4,
        Technique::DoubledLetter | Technique::DroppedLetter | Technique::KeyboardNeighbour => {
            t.len() >= 6 || (near && t.len() >= 5)
        }
        Technique::EditDistance(1) => near && t.len() >= GENERIC_D1_MIN,
        _ => near && t.len() >= GENERIC_D2_MIN,
    };
    if !long_enough {
        return None;
    }
    // Readers anchor on a word's first and last letters, and adding or removing one at an edge
    // usually makes another real word (`toml`/`tomli`, `attrs`/`cattrs`): typos keep them.
    if c[0] != t[0] || (c.len() != t.len() && c.last() != t.last()) {
        return None;
    }
    // Digits carry versions and variants (`psycopg`/`psycopg2`, `cu12`/`cu13`), not typos;
    // `requests2` is the affix check's business.
    if !digits(c).eq(digits(t)) {
        return None;
    }
    Some(technique)
}

/// Names the edit that turns `target` into `cand`, given their distance `d`.
pub(crate) fn classify(cand: &[u8], target: &[u8], d: usize) -> Technique {
    if d != 1 {
        return Technique::EditDistance(d as u8);
    }
    let p = cand.iter().zip(target).take_while(|(a, b)| a == b).count();
    match cand.len().cmp(&target.len()) {
        std::cmp::Ordering::Equal => {
            if p + 1 < cand.len() && cand[p] == target[p + 1] && cand[p + 1] == target[p] {
                Technique::Transposition
            } else if is_homoglyph_pair(cand[p], target[p]) {
                Technique::Homoglyph
            } else if keyboard_neighbours(cand[p], target[p]) {
                Technique::KeyboardNeighbour
            } else {
                Technique::EditDistance(1)
            }
        }
        // One extra character at p (or at a later position within a run of equal ones).
        std::cmp::Ordering::Greater => {
            let extra = cand[p];
            let doubled = (p > 0 && cand[p - 1] == extra) || cand.get(p + 1) == Some(&extra);
            if doubled {
                Technique::DoubledLetter
            } else {
                Technique::EditDistance(1)
            }
        }
        std::cmp::Ordering::Less => Technique::DroppedLetter,
    }
}

const KEYBOARD_ROWS: [&[u8]; 4] = [b"1234567890", b"qwertyuiop", b"asdfghjkl", b"zxcvbnm"];

fn key_position(c: u8) -> Option<(usize, usize)> {
    KEYBOARD_ROWS
        .iter()
        .enumerate()
        .find_map(|(r, row)| row.iter().position(|&k| k == c).map(|col| (r, col)))
}

/// Whether two keys touch on a QWERTY keyboard. Each row sits half a key right of the one
/// above, so key (r, c) touches (r-1, c) and (r-1, c+1) above and (r+1, c-1) and (r+1, c) below.
pub(crate) fn keyboard_neighbours(a: u8, b: u8) -> bool {
    let (Some((ra, ca)), Some((rb, cb))) = (key_position(a), key_position(b)) else {
        return false;
    };
    let (ra, ca, rb, cb) = (ra as isize, ca as isize, rb as isize, cb as isize);
    match rb - ra {
        0 => (ca - cb).abs() == 1,
        -1 => cb == ca || cb == ca + 1,
        1 => cb == ca || cb == ca - 1,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance() {
        assert_eq!(osa_distance(b"requests", b"reqeusts", 2), Some(1));
        assert_eq!(osa_distance(b"colorama", b"colourama", 2), Some(1));
        assert_eq!(osa_distance(b"abc", b"abc", 0), Some(0));
        assert_eq!(osa_distance(b"kitten", b"sitting", 2), None);
        assert_eq!(osa_distance(b"kitten", b"sitting", 3), Some(3));
    }

    #[test]
    fn keyboard() {
        assert!(keyboard_neighbours(b'q', b'w'));
        assert!(keyboard_neighbours(b's', b'e'));
        assert!(keyboard_neighbours(b's', b'z'));
        assert!(keyboard_neighbours(b'm', b'k'));
        assert!(!keyboard_neighbours(b'q', b'p'));
        assert!(!keyboard_neighbours(b's', b'r'));
    }

    #[test]
    fn classification() {
        assert_eq!(
            classify(b"reqeusts", b"requests", 1),
            Technique::Transposition
        );
        assert_eq!(
            classify(b"requestts", b"requests", 1),
            Technique::DoubledLetter
        );
        assert_eq!(
            classify(b"requets", b"requests", 1),
            Technique::DroppedLetter
        );
        assert_eq!(
            classify(b"reqursts", b"requests", 1),
            Technique::KeyboardNeighbour
        );
        assert_eq!(classify(b"b0to3", b"boto3", 1), Technique::Homoglyph);
        assert_eq!(
            classify(b"requxsts", b"requests", 1),
            Technique::EditDistance(1)
        );
    }

    /// The index must find every name within the distance its deletions cover: checked against
    /// brute force on pseudo-random mutations.
    #[test]
    fn index_matches_brute_force() {
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut rand = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let alphabet = b"abcdeo-";
        let names: Vec<Vec<u8>> = (0..300)
            .map(|_| {
                let len = 3 + rand(10);
                (0..len).map(|_| alphabet[rand(alphabet.len())]).collect()
            })
            .collect();
        let idx = DeletionIndex::build(
            names
                .iter()
                .enumerate()
                .map(|(i, n)| (i as u32, String::from_utf8(n.clone()).unwrap(), 2)),
        );
        for _ in 0..2000 {
            let mut cand = names[rand(names.len())].clone();
            for _ in 0..rand(3) {
                let p = rand(cand.len() + 1);
                match rand(4) {
                    0 if p < cand.len() => {
                        cand.remove(p);
                    }
                    1 if p + 1 < cand.len() => cand.swap(p, p + 1),
                    2 if p < cand.len() => cand[p] = alphabet[rand(alphabet.len())],
                    _ => cand.insert(p, alphabet[rand(alphabet.len())]),
                }
            }
            let mut found = Vec::new();
            idx.candidates(&cand, 2, |i| found.push(i));
            for (i, n) in names.iter().enumerate() {
                if osa_distance(&cand, n, 2).is_some() {
                    assert!(found.contains(&(i as u32)), "{cand:?} missed {n:?}");
                }
            }
        }
    }

    #[test]
    fn index_finds_neighbours() {
        let names = ["requests", "colorama", "numpy"];
        let idx = DeletionIndex::build(
            names
                .iter()
                .enumerate()
                .map(|(i, n)| (i as u32, n.to_string(), 2)),
        );
        let mut found = Vec::new();
        idx.candidates(b"reqeusts", 2, |i| found.push(i));
        assert!(found.contains(&0));
        found.clear();
        idx.candidates(b"colourama", 2, |i| found.push(i));
        assert!(found.contains(&1));
    }
}
