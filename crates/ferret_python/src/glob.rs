//! Globs over qualified names and paths: `*` matches any run of characters (dots and slashes
//! included), everything else matches itself. Enough for `requests.*`, `*.pth`, `os.exec*`.

use crate::fxhash::FxHashMap;

#[derive(Debug, Clone)]
pub struct Glob {
    pattern: String,
    parts: Vec<String>,
    /// A searcher for each part between the first and the last, built once: globs are
    /// matched against every member path and callee, and building one per match cost more
    /// than the search.
    middle: Vec<memchr::memmem::Finder<'static>>,
}

impl PartialEq for Glob {
    fn eq(&self, other: &Self) -> bool {
        self.pattern == other.pattern
    }
}

impl Eq for Glob {}

impl Glob {
    pub fn new(pattern: &str) -> Self {
        // `**/` (any directory depth, including none) reads naturally in path globs.
        // (Checked first: two replacements per glob were 1.3 M instructions of start-up.)
        let normalized = if pattern.contains("**") {
            std::borrow::Cow::Owned(pattern.replace("**/", "*").replace("**", "*"))
        } else {
            std::borrow::Cow::Borrowed(pattern)
        };
        let parts: Vec<String> = normalized.split('*').map(str::to_string).collect();
        let middle = if parts.len() > 2 {
            parts[1..parts.len() - 1]
                .iter()
                .map(|p| memchr::memmem::Finder::new(p.as_bytes()).into_owned())
                .collect()
        } else {
            Vec::new()
        };
        Self {
            pattern: pattern.to_string(),
            parts,
            middle,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    pub fn matches(&self, s: &str) -> bool {
        let parts = &self.parts;
        if parts.len() == 1 {
            return s == parts[0];
        }
        let (first, last) = (parts[0].as_bytes(), parts[parts.len() - 1].as_bytes());
        let s = s.as_bytes();
        if s.len() < first.len() + last.len() {
            return false;
        }
        // One byte at each end first: most names and paths a glob meets differ there, and a
        // full compare is a library call.
        if first.first().is_some_and(|b| *b != s[0])
            || last.last().is_some_and(|b| *b != s[s.len() - 1])
            || !s.starts_with(first)
            || !s.ends_with(last)
        {
            return false;
        }
        let mut rest = &s[first.len()..s.len() - last.len()];
        for finder in &self.middle {
            match finder.find(rest) {
                Some(i) => rest = &rest[i + finder.needle().len()..],
                None => return false,
            }
        }
        true
    }
}

/// Many globs over qualified names, indexed so a name is checked only against the globs that
/// could match it (`requests.*` is never tried on `os.system`): globs without a `*` by the
/// whole name; others by the first dotted segment of a literal prefix (`requests.*`,
/// `os.exec*`), else by the last dotted segment of a literal suffix (`*.post`,
/// `*.Session.send`: the name must end in that segment). The rest (`*SetWindowsHookEx*`) is
/// tried only on names containing its longest literal, found for all of them in one pass.
#[derive(Debug, Clone, Default)]
pub struct GlobIndex {
    exact: FxHashMap<String, Vec<u32>>,
    by_segment: FxHashMap<String, Vec<u32>>,
    by_last_segment: FxHashMap<String, Vec<u32>>,
    /// The loose globs' longest literals, and the glob each one belongs to.
    loose_literals: Option<(aho_corasick::AhoCorasick, Vec<u32>)>,
    /// Loose globs with no literal at all (`*`): tried on every name.
    loose: Vec<u32>,
}

impl GlobIndex {
    pub fn new<'g>(globs: impl IntoIterator<Item = &'g Glob>) -> Self {
        let mut index = Self::default();
        let mut literals: Vec<&str> = Vec::new();
        let mut literal_globs = Vec::new();
        for (i, g) in globs.into_iter().enumerate() {
            let prefix = g.parts[0].as_str();
            let suffix = g.parts[g.parts.len() - 1].as_str();
            if g.parts.len() == 1 {
                index
                    .exact
                    .entry(prefix.to_string())
                    .or_default()
                    .push(i as u32);
            } else if let Some(dot) = prefix.find('.') {
                index
                    .by_segment
                    .entry(prefix[..dot].to_string())
                    .or_default()
                    .push(i as u32);
            } else if let Some(dot) = suffix.rfind('.') {
                index
                    .by_last_segment
                    .entry(suffix[dot + 1..].to_string())
                    .or_default()
                    .push(i as u32);
            } else {
                let longest = g
                    .parts
                    .iter()
                    .max_by_key(|p| p.len())
                    .map_or("", String::as_str);
                if longest.is_empty() {
                    index.loose.push(i as u32);
                } else {
                    literals.push(longest);
                    literal_globs.push(i as u32);
                }
            }
        }
        if !literals.is_empty() {
            // An NFA: a DFA (what `new` picks for so few literals) took ~1 ms to build per
            // index, most of a small scan's rule setup, for no gain measured on short names.
            let built = aho_corasick::AhoCorasick::builder()
                .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                .build(&literals);
            match built {
                Ok(ac) => index.loose_literals = Some((ac, literal_globs)),
                // Cannot happen for a few hundred short literals; stay correct if it does.
                Err(_) => index.loose.extend(literal_globs),
            }
        }
        index
    }

    /// Indices (into the slice given to [`GlobIndex::new`]) of the globs that may match
    /// `name`; the caller still checks each. A glob may be listed twice.
    pub fn candidates<'s>(&'s self, name: &str) -> impl Iterator<Item = usize> + 's {
        let first = name.split('.').next().unwrap_or(name);
        let last = name.rsplit('.').next().unwrap_or(name);
        let get = |map: &'s FxHashMap<String, Vec<u32>>, key: &str| {
            map.get(key).map_or(&[][..], Vec::as_slice)
        };
        let mut with_literal = Vec::new();
        if let Some((ac, globs)) = &self.loose_literals {
            for m in ac.find_overlapping_iter(name) {
                with_literal.push(globs[m.pattern().as_usize()]);
            }
        }
        get(&self.exact, name)
            .iter()
            .chain(get(&self.by_segment, first))
            .chain(get(&self.by_last_segment, last))
            .chain(&self.loose)
            .copied()
            .chain(with_literal)
            .map(|i| i as usize)
    }

    /// Indices of the globs of `globs` (the slice given to [`GlobIndex::new`]) matching `name`,
    /// each once.
    pub fn for_each_match(&self, globs: &[Glob], name: &str, mut f: impl FnMut(usize)) {
        let mut seen: Vec<usize> = Vec::new();
        for i in self.candidates(name) {
            if !seen.contains(&i) && globs[i].matches(name) {
                seen.push(i);
                f(i);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Glob, GlobIndex};

    #[test]
    fn index_finds_the_same_globs_as_a_scan() {
        let globs: Vec<Glob> = [
            "requests.*",
            "os.system",
            "os.exec*",
            "*.post",
            "?.read",
            "builtins.exec",
            "*",
            "socket*",
            "subprocess.Popen",
            "",
            "*.Session.post",
            "*.",
            "*a.b*",
            "x*.y",
            "eval",
            "*SetWindowsHookEx*",
            "*Hook*Ex",
            "*aa*",
            "*ab*ab*",
            "**",
        ]
        .iter()
        .map(|g| Glob::new(g))
        .collect();
        let index = GlobIndex::new(&globs);
        for name in [
            "requests.post",
            "os.system",
            "os.execv",
            "httpx.post",
            "?.read",
            "builtins.exec",
            "socket.socket",
            "socketserver",
            "subprocess.Popen",
            "",
            "os",
            "requests",
            "x.Session.post",
            "Session.post",
            "a.",
            "za.bc",
            "xx.y",
            "x.y",
            "a.y",
            "eval",
            "b.eval",
            "post",
            "a.b.c.post",
            "user32.SetWindowsHookExA",
            "SetWindowsHookEx",
            "HookEx",
            "aaa",
            "abab",
            "aba",
        ] {
            let mut got = Vec::new();
            index.for_each_match(&globs, name, |i| got.push(i));
            got.sort_unstable();
            let want: Vec<usize> = (0..globs.len())
                .filter(|&i| globs[i].matches(name))
                .collect();
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn globs() {
        assert!(Glob::new("requests.*").matches("requests.post"));
        assert!(Glob::new("requests.*").matches("requests.Session.post"));
        assert!(!Glob::new("requests.*").matches("requestsx"));
        assert!(Glob::new("os.exec*").matches("os.execv"));
        assert!(Glob::new("builtins.exec").matches("builtins.exec"));
        assert!(!Glob::new("builtins.exec").matches("builtins.execx"));
        assert!(Glob::new("**/*.pth").matches("a.pth"));
        assert!(Glob::new("**/*.pth").matches("x/y/a.pth"));
        assert!(Glob::new("*a*a*").matches("aa"));
        assert!(!Glob::new("*ab*ab*").matches("aba"));
    }
}
