//! The literals a regex's every match contains, for the string prefilter (see
//! [`crate::StringPrefilter`]); for the built-in rules worked out ahead of time into
//! `builtin-literals.txt`, since parsing and extracting ~100 regexes was the larger half of
//! start-up. A test keeps the file equal to what the code works out; a regex that is not in
//! it (a user's, or a built-in one changed since) is worked out when the prefilter is built.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The regex's required literals (lowercased), or None when it has none worth searching for.
pub(crate) fn required_literals_of(src: &str) -> Option<Vec<Vec<u8>>> {
    // Literals are searched ignoring ASCII case, so a leading `(?i)` adds nothing but
    // cost: parsed, it turns each letter into a class that `fold_case_pairs` undoes.
    let src = strip_leading_case_flag(src);
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(&src)
        .ok()?;
    let hir = if has_case_insensitive_flag(&src) {
        fold_case_pairs(hir)
    } else {
        hir
    };
    required_literals(&hir)
}

/// [`required_literals_of`], from the built-in table when `src` is in it.
pub(crate) fn literals_for(src: &str) -> Option<Vec<Vec<u8>>> {
    match BuiltinTable::get().lookup(src) {
        Some(known) => known,
        None => required_literals_of(src),
    }
}

/// The secret-path set of these patterns, with the literals one of which every match of one
/// of them holds (none when some pattern has none).
pub(crate) fn secret_paths(patterns: Vec<String>) -> ferret_python::SecretPaths {
    let mut all = Vec::new();
    for src in &patterns {
        match literals_for(src) {
            Some(l) => all.extend(l),
            None => return ferret_python::SecretPaths::new(patterns, None),
        }
    }
    all.sort_unstable();
    all.dedup();
    ferret_python::SecretPaths::new(patterns, Some(all))
}

const TABLE_TEXT: &str = include_str!("../builtin-literals.txt");

/// `builtin-literals.txt`, indexed: a regex source in hex to its literals' field. Only the
/// fields of the regexes asked about are decoded (decoding all of them up front was ~1.6 M
/// instructions, a tenth of a small scan's start-up).
pub(crate) struct BuiltinTable<'t>(HashMap<&'t str, &'t str>);

impl BuiltinTable<'static> {
    pub(crate) fn get() -> &'static BuiltinTable<'static> {
        static T: OnceLock<BuiltinTable<'static>> = OnceLock::new();
        T.get_or_init(|| BuiltinTable::parse(TABLE_TEXT))
    }
}

impl<'t> BuiltinTable<'t> {
    /// Lines `<source in hex> <literal in hex>,<literal in hex>...` (or `-` for none); `#`
    /// starts a comment. A line that does not decode is passed over when asked about (its
    /// regex is then worked out at run time), so a damaged file can cost time, never a match.
    fn parse(text: &'t str) -> BuiltinTable<'t> {
        let map = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once(' '))
            .collect();
        BuiltinTable(map)
    }

    /// `Some(literals)` when `src` is in the table, None when it must be worked out.
    pub(crate) fn lookup(&self, src: &str) -> Option<Option<Vec<Vec<u8>>>> {
        let lits = *self.0.get(hex(src.as_bytes()).as_str())?;
        if lits == "-" {
            return Some(None);
        }
        lits.split(',')
            .map(unhex)
            .collect::<Option<Vec<_>>>()
            .map(Some)
    }
}

/// The table's text for these regex sources (sorted, each once).
#[cfg(test)]
fn table_text(sources: &[String]) -> String {
    let mut sources: Vec<&String> = sources.iter().collect();
    sources.sort();
    sources.dedup();
    let mut out = String::from(
        "# Required literals of the built-in rules' string regexes (see src/literals.rs), one\n\
         # regex per line: source, then literals (`-`: none), hex. Generated; after changing a\n\
         # rule regex: FERRET_BLESS=1 cargo test -p ferret_rules builtin_literal_table\n",
    );
    for src in sources {
        out.push_str(&hex(src.as_bytes()));
        out.push(' ');
        match required_literals_of(src) {
            None => out.push('-'),
            Some(lits) => {
                let lits: Vec<String> = lits.iter().map(|l| hex(l)).collect();
                out.push_str(&lits.join(","));
            }
        }
        out.push('\n');
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(2 * bytes.len());
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// `(?i)` makes each letter a class of its two cases, and literal extraction multiplies them
/// out (`(?i)webhook` alone is 128 literals): folding each such class back to its lowercase
/// letter first loses nothing, as literals are lowercased and searched case-insensitively.
fn fold_case_pairs(h: regex_syntax::hir::Hir) -> regex_syntax::hir::Hir {
    use regex_syntax::hir::{Class, Hir, HirKind};
    match h.into_kind() {
        HirKind::Class(Class::Bytes(c)) => match c.ranges() {
            [upper, lower]
                if upper.start() == upper.end()
                    && lower.start() == lower.end()
                    && upper.start().is_ascii_uppercase()
                    && lower.start() == upper.start().to_ascii_lowercase() =>
            {
                Hir::literal([lower.start()])
            }
            _ => Hir::class(Class::Bytes(c)),
        },
        HirKind::Class(c) => Hir::class(c),
        HirKind::Concat(hs) => Hir::concat(hs.into_iter().map(fold_case_pairs).collect()),
        HirKind::Alternation(hs) => Hir::alternation(hs.into_iter().map(fold_case_pairs).collect()),
        HirKind::Repetition(mut r) => {
            r.sub = Box::new(fold_case_pairs(*r.sub));
            Hir::repetition(r)
        }
        HirKind::Capture(mut c) => {
            c.sub = Box::new(fold_case_pairs(*c.sub));
            Hir::capture(c)
        }
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(l) => Hir::literal(l.0),
        HirKind::Look(l) => Hir::look(l),
    }
}

/// `src` without the `i` of a leading flag group (`(?i)x` -> `x`, `(?is)x` -> `(?s)x`).
fn strip_leading_case_flag(src: &str) -> std::borrow::Cow<'_, str> {
    let Some(rest) = src.strip_prefix("(?") else {
        return src.into();
    };
    let Some(end) = rest.find(')') else {
        return src.into();
    };
    let flags = &rest[..end];
    if flags.contains(['-', ':']) || !flags.contains('i') {
        return src.into();
    }
    let kept: String = flags.chars().filter(|&c| c != 'i').collect();
    let tail = &rest[end + 1..];
    if kept.is_empty() {
        tail.into()
    } else {
        format!("(?{kept}){tail}").into()
    }
}

/// Whether a flag group in `src` turns case-insensitive matching on (`(?i)`, `(?si:`):
/// only then can the parsed regex hold letter-case classes worth folding.
fn has_case_insensitive_flag(src: &str) -> bool {
    src.match_indices("(?").any(|(at, _)| {
        src[at + 2..]
            .chars()
            .take_while(|c| !matches!(c, ':' | ')' | '-'))
            .any(|c| c == 'i')
    })
}

/// Literals one of which every match of `hir` contains, lowercased: the best such set found
/// (see [`better_literals`]), when there is one whose literals are all at least three bytes
/// long (shorter ones would be everywhere).
pub(crate) fn required_literals(hir: &regex_syntax::hir::Hir) -> Option<Vec<Vec<u8>>> {
    let mut found = required_literals_at(hir, 0)?;
    // A long list (digits multiplied out: `https?://\d{1,3}\.`) is cut to four-byte heads:
    // any piece of a required literal is required too.
    if found.len() > 64 {
        found.iter_mut().for_each(|l| l.truncate(4));
    }
    found.sort_unstable();
    found.dedup();
    Some(found)
}

/// Whether literal set `a` filters better than `b`: sets without a URL's opening first (every
/// link in a package's strings holds `http://`, so a URL regex filtered on it was compiled and
/// run on each; its host or path filters), then literals of at least four bytes (three-byte
/// ones occur by chance far more often), then fewer literals.
fn better_literals(a: &[Vec<u8>], b: &[Vec<u8>]) -> bool {
    let key = |s: &[Vec<u8>]| {
        let shortest = s.iter().map(Vec::len).min().unwrap_or(0).min(4);
        (has_url_opening(s), std::cmp::Reverse(shortest), s.len())
    };
    key(a) < key(b)
}

/// Whether some literal of the set is, or starts with, `http:`, `https:`, `://` or `www.` (or
/// a piece of one).
fn has_url_opening(set: &[Vec<u8>]) -> bool {
    set.iter().any(|l| {
        [&b"https:"[..], b"http:", b"://", b"www."]
            .iter()
            .any(|o| l.starts_with(o) || o.starts_with(l))
    })
}

fn required_literals_at(hir: &regex_syntax::hir::Hir, depth: u32) -> Option<Vec<Vec<u8>>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    use regex_syntax::hir::HirKind;
    let usable = |kind: ExtractKind| -> Option<Vec<Vec<u8>>> {
        // Eight bytes tell enough apart; longer ones, large classes multiplied out (`\d`: ten
        // literals) and long lists only cost time and searcher size.
        let seq = Extractor::new()
            .kind(kind)
            .limit_class(8)
            .limit_total(256)
            .limit_literal_len(8)
            .extract(hir);
        let found = seq.literals()?;
        (!found.is_empty() && found.iter().all(|x| x.as_bytes().len() >= 3)).then(|| {
            found
                .iter()
                .map(|x| x.as_bytes().to_ascii_lowercase())
                .collect()
        })
    };
    let mut best: Option<Vec<Vec<u8>>> = None;
    let offer = |best: &mut Option<Vec<Vec<u8>>>, candidate: Option<Vec<Vec<u8>>>| {
        if let Some(c) = candidate {
            if best.as_ref().is_none_or(|b| better_literals(&c, b)) {
                *best = Some(c);
            }
        }
    };
    // Every match starts with one of the prefixes and ends with one of the suffixes.
    offer(&mut best, usable(ExtractKind::Prefix));
    offer(&mut best, usable(ExtractKind::Suffix));
    // Good enough already: looking inside costs more than it could save.
    let good =
        |b: &[Vec<u8>]| b.len() <= 16 && b.iter().all(|l| l.len() >= 4) && !has_url_opening(b);
    // Rule regexes nest a few levels; the bound only keeps a pathological one cheap.
    if depth < 16 && !best.as_deref().is_some_and(good) {
        match hir.kind() {
            HirKind::Capture(c) => offer(&mut best, required_literals_at(&c.sub, depth + 1)),
            // A match of a sequence holds a match of each part (`(^|\s)(curl|wget)\s`).
            HirKind::Concat(parts) => {
                for p in parts {
                    offer(&mut best, required_literals_at(p, depth + 1));
                }
            }
            // A match of an alternation is a match of one branch: every branch must have some.
            HirKind::Alternation(branches) => {
                let mut all = Some(Vec::new());
                for b in branches {
                    match (required_literals_at(b, depth + 1), all.as_mut()) {
                        (Some(found), Some(all)) => all.extend(found),
                        _ => {
                            all = None;
                            break;
                        }
                    }
                }
                offer(&mut best, all);
            }
            _ => {}
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::{has_url_opening, hex, required_literals_of, table_text, BuiltinTable, TABLE_TEXT};

    /// The shipped table is what the code works out for the built-in rules' regexes now.
    #[test]
    fn builtin_literal_table_is_current() {
        let set = crate::load_builtin().expect("built-in rules load");
        let sources = builtin_sources(&set);
        let text = table_text(&sources);
        if std::env::var_os("FERRET_BLESS").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/builtin-literals.txt");
            std::fs::write(path, &text).expect("write builtin-literals.txt");
            return;
        }
        assert!(
            text == TABLE_TEXT,
            "builtin-literals.txt is stale (a built-in regex changed): regenerate it with \
             FERRET_BLESS=1 cargo test -p ferret_rules builtin_literal_table"
        );
        // And it reads back to the same literals, regex for regex.
        let table = BuiltinTable::parse(&text);
        assert_eq!(
            table.0.len(),
            sources
                .iter()
                .collect::<std::collections::BTreeSet<_>>()
                .len()
        );
        for src in &sources {
            assert_eq!(table.lookup(src), Some(required_literals_of(src)), "{src}");
        }
    }

    /// The regexes whose literals the table holds: `string` and `arg-string` conditions, and
    /// the secret paths of `flow.toml`.
    fn builtin_sources(set: &crate::RuleSet) -> Vec<String> {
        let mut sources = set.string_prefilter.sources.clone();
        sources.extend(set.flows.secret_paths.patterns().iter().cloned());
        sources
    }

    /// A URL regex is filtered on what sets its URLs apart, not on the opening every link has.
    #[test]
    fn url_openings_are_chosen_last() {
        let lits = |src: &str| required_literals_of(src).expect(src);
        for src in [
            r"(?i)https?://((ptb|canary)\.)?discord(app)?\.com/api/webhooks/\d+",
            r"(?i)^https?://\S+\.(exe|msi)(\?\S*)?$",
        ] {
            assert!(!has_url_opening(&lits(src)), "{src}: {:?}", lits(src));
        }
        // With nothing else to go on, the opening is still better than no filter.
        assert_eq!(lits(r"(?i)^https?://\S+$"), [b"http".to_vec()]);
    }

    /// Undecodable lines are left out (their regexes are worked out), never misread.
    #[test]
    fn damaged_lines_are_skipped() {
        let t = BuiltinTable::parse("# c\n616263 616263\n6465 zz\n6667 -\n68\n");
        assert_eq!(t.lookup("abc"), Some(Some(vec![b"abc".to_vec()])));
        assert_eq!(t.lookup("de"), None);
        assert_eq!(t.lookup("fg"), Some(None));
        assert_eq!(t.lookup("h"), None);
        assert_eq!(hex(b"\x00a\xff"), "0061ff");
    }
}
