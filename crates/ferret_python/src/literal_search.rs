//! A search for many short literals, ignoring ASCII case, that is quick to build for a small
//! scan and fast to run for a long one.
//!
//! It starts as an NFA (the built-in rules' ~700 literals build in ~0.5 ms) and becomes a DFA
//! (~2.5 times faster per text, ~2 ms to build) once the thread asking has searched ten texts
//! per byte of literals (see [`DFA_AFTER_PER_BYTE`]): built up front, the DFA was a third of a
//! one-file scan's start-up, and built on a spare core it still slowed that scan by a
//! millisecond. Both hold the same literals in the same order, so pattern ids, and answers,
//! are the same whichever runs.
//!
//! Texts are searched in an ASCII-lowercased copy against lowercased literals: an automaton
//! that folds case itself has twice the transitions and took twice as long to build. The copy
//! is made [`CHUNK`] bytes at a time, so it stays small however long the text.

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use std::sync::OnceLock;

/// Texts a thread searches before the DFA is built, per byte of literals: the DFA takes
/// ~0.5 µs a byte to build (2 ms for the built-in rules' 4.6 KB) and saves ~75 ns a text, so
/// a scan this long has repaid the build several times over.
const DFA_AFTER_PER_BYTE: usize = 10;

/// Bytes of a text lowercased and searched at a time (plus the longest literal's length less
/// one, so that a literal across the boundary is found in the first piece): a string can be
/// tens of MiB, and a copy of it per thread would be as large.
const CHUNK: usize = 64 * 1024;

thread_local! {
    /// The lowercased piece of the text being searched (kept for the next text), and how
    /// many texts this thread has searched.
    static LOWERED: std::cell::RefCell<(Vec<u8>, u32)> =
        const { std::cell::RefCell::new((Vec::new(), 0)) };
}

#[derive(Debug, Clone, Default)]
pub struct LiteralSearch {
    literals: Vec<Vec<u8>>,
    /// The longest literal's length.
    longest: usize,
    /// Texts searched on a thread before it builds the DFA.
    dfa_after: u32,
    nfa: OnceLock<Option<AhoCorasick>>,
    dfa: OnceLock<Option<AhoCorasick>>,
}

impl LiteralSearch {
    /// Nothing is built until the first search (or [`LiteralSearch::warm_up`]).
    pub fn new(literals: impl IntoIterator<Item = Vec<u8>>) -> Self {
        let literals: Vec<Vec<u8>> = literals
            .into_iter()
            .map(|l| l.to_ascii_lowercase())
            .collect();
        let bytes: usize = literals.iter().map(Vec::len).sum();
        Self {
            longest: literals.iter().map(Vec::len).max().unwrap_or(0),
            dfa_after: u32::try_from(bytes.saturating_mul(DFA_AFTER_PER_BYTE).max(1_000))
                .unwrap_or(u32::MAX),
            literals,
            ..Self::default()
        }
    }

    /// The shortest literal's length (0 without literals).
    pub fn shortest(&self) -> usize {
        self.literals.iter().map(Vec::len).min().unwrap_or(0)
    }

    /// Builds the NFA now (for a caller with a spare core). False when it cannot be built, in
    /// which case every search says so too.
    pub fn warm_up(&self) -> bool {
        self.nfa().is_some()
    }

    fn nfa(&self) -> Option<&AhoCorasick> {
        self.nfa
            .get_or_init(|| build(&self.literals, AhoCorasickKind::ContiguousNFA))
            .as_ref()
    }

    /// Calls `found` with the index of every literal occurring in `text` (overlaps included,
    /// in no set order; one near a piece's end may be reported twice). Returns false, having
    /// called nothing, when the searcher could not be built (cannot happen for a few hundred
    /// short literals): the caller must then assume that any literal may occur.
    pub fn for_each_match(&self, text: &[u8], mut found: impl FnMut(usize)) -> bool {
        self.with_searcher(text, |searcher, lowered| {
            for m in searcher.find_overlapping_iter(lowered) {
                found(m.pattern().as_usize());
            }
            true
        })
    }

    /// Whether some literal occurs in `text`; None when the searcher could not be built.
    pub fn is_match(&self, text: &[u8]) -> Option<bool> {
        let mut hit = false;
        self.with_searcher(text, |searcher, lowered| {
            hit = searcher.is_match(lowered);
            !hit
        })
        .then_some(hit)
    }

    /// Runs `search` on each lowercased piece of `text` while it returns true.
    fn with_searcher(
        &self,
        text: &[u8],
        mut search: impl FnMut(&AhoCorasick, &[u8]) -> bool,
    ) -> bool {
        let Some(nfa) = self.nfa() else {
            return false;
        };
        // The buffer is taken out while in use: a search started from `search` (none is
        // today) gets a fresh one instead of a second borrow, which would panic.
        let (mut lowered, searched) = LOWERED.with_borrow_mut(|(buffer, searched)| {
            *searched = searched.saturating_add(1);
            (std::mem::take(buffer), *searched)
        });
        let dfa = match self.dfa.get() {
            Some(dfa) => dfa.as_ref(),
            None if searched >= self.dfa_after => self
                .dfa
                .get_or_init(|| build(&self.literals, AhoCorasickKind::DFA))
                .as_ref(),
            None => None,
        };
        let searcher = dfa.unwrap_or(nfa);
        let overlap = self.longest.saturating_sub(1);
        let mut start = 0;
        loop {
            let end = text.len().min(start + CHUNK + overlap);
            lowered.clear();
            lowered.extend(text[start..end].iter().map(u8::to_ascii_lowercase));
            if !search(searcher, &lowered) || end == text.len() {
                break;
            }
            start += CHUNK;
        }
        LOWERED.with_borrow_mut(|(buffer, _)| *buffer = lowered);
        true
    }

    /// Builds the DFA now, as a long scan would (for tests).
    #[doc(hidden)]
    pub fn force_dfa(&self) -> bool {
        self.dfa
            .get_or_init(|| build(&self.literals, AhoCorasickKind::DFA))
            .is_some()
    }
}

fn build(literals: &[Vec<u8>], kind: AhoCorasickKind) -> Option<AhoCorasick> {
    // Dense transitions only at the root: deeper dense states cost more to build (a
    // 256-entry table each) than they saved in searching here.
    AhoCorasick::builder()
        .kind(Some(kind))
        .dense_depth(1)
        .build(literals)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::{LiteralSearch, CHUNK};

    #[test]
    fn nfa_and_dfa_find_the_same_literals_ignoring_case() {
        let search = LiteralSearch::new([b"Webhook".to_vec(), b"hook".to_vec(), b"ssh/".to_vec()]);
        let texts: [&[u8]; 5] = [
            b"https://x/WEBHOOKS/1",
            b"~/.SSH/id_rsa",
            b"nothing",
            b"",
            b"hoo\xffk hook",
        ];
        let found = |s: &LiteralSearch| -> Vec<(Vec<usize>, Option<bool>)> {
            texts
                .iter()
                .map(|t| {
                    let mut ids = Vec::new();
                    assert!(s.for_each_match(t, |i| ids.push(i)));
                    ids.sort_unstable();
                    (ids, s.is_match(t))
                })
                .collect()
        };
        let by_nfa = found(&search);
        assert_eq!(
            by_nfa,
            [
                (vec![0, 1], Some(true)),
                (vec![2], Some(true)),
                (vec![], Some(false)),
                (vec![], Some(false)),
                (vec![1], Some(true)),
            ]
        );
        assert!(search.force_dfa());
        assert_eq!(found(&search), by_nfa);
    }

    #[test]
    fn a_search_inside_a_search_does_not_panic() {
        let outer = LiteralSearch::new([b"abc".to_vec()]);
        let inner = LiteralSearch::new([b"xyz".to_vec()]);
        let mut inner_hits = Vec::new();
        assert!(outer.for_each_match(b"ABC", |_| {
            inner_hits.push(inner.is_match(b"..XyZ.."));
        }));
        assert_eq!(inner_hits, [Some(true)]);
    }

    #[test]
    fn literals_across_a_piece_boundary_are_found() {
        let search = LiteralSearch::new([b"webhook".to_vec(), b"ssh/".to_vec()]);
        for at in [CHUNK - 7, CHUNK - 3, CHUNK - 1, CHUNK, 2 * CHUNK - 2] {
            let mut text = vec![b'x'; 2 * CHUNK + 100];
            text[at..at + 7].copy_from_slice(b"WebHook");
            let mut ids = Vec::new();
            assert!(search.for_each_match(&text, |i| ids.push(i)));
            assert!(ids.contains(&0), "at {at}");
            assert!(!ids.contains(&1), "at {at}");
            assert_eq!(search.is_match(&text), Some(true), "at {at}");
        }
        assert_eq!(search.is_match(&vec![b'x'; 3 * CHUNK]), Some(false));
    }
}
