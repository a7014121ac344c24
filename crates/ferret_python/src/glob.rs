//! Globs over qualified names and paths: `*` matches any run of characters (dots and slashes
//! included), everything else matches itself. Enough for `requests.*`, `*.pth`, `os.exec*`.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    pattern: String,
    parts: Vec<String>,
}

impl Glob {
    pub fn new(pattern: &str) -> Self {
        // `**/` (any directory depth, including none) reads naturally in path globs.
        let normalized = pattern.replace("**/", "*").replace("**", "*");
        Self {
            pattern: pattern.to_string(),
            parts: normalized.split('*').map(str::to_string).collect(),
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
        let (first, last) = (&parts[0], &parts[parts.len() - 1]);
        if !s.starts_with(first.as_str())
            || s.len() < first.len() + last.len()
            || !s.ends_with(last.as_str())
        {
            return false;
        }
        let mut rest = &s[first.len()..s.len() - last.len()];
        for mid in &parts[1..parts.len() - 1] {
            match rest.find(mid.as_str()) {
                Some(i) => rest = &rest[i + mid.len()..],
                None => return false,
            }
        }
        true
    }
}

/// Many globs over qualified names, indexed so a name is checked only against the globs that
/// could match it (`requests.*` is never tried on `os.system`): by the first dotted segment of
/// a literal prefix (`requests.*`, `os.exec*`), else by the last dotted segment of a literal
/// suffix (`*.post`, `*.Session.send`: the name must end in that segment). Only the rest
/// (`socket*`, `*exec*`) is tried on every name.
#[derive(Debug, Clone, Default)]
pub struct GlobIndex {
    by_segment: std::collections::HashMap<String, Vec<u32>>,
    by_last_segment: std::collections::HashMap<String, Vec<u32>>,
    loose: Vec<u32>,
}

impl GlobIndex {
    pub fn new<'g>(globs: impl IntoIterator<Item = &'g Glob>) -> Self {
        let mut index = Self::default();
        for (i, g) in globs.into_iter().enumerate() {
            let prefix = g.parts[0].as_str();
            let suffix = g.parts[g.parts.len() - 1].as_str();
            if let Some(dot) = prefix.find('.') {
                index
                    .by_segment
                    .entry(prefix[..dot].to_string())
                    .or_default()
                    .push(i as u32);
            } else if let (true, Some(dot)) = (g.parts.len() > 1, suffix.rfind('.')) {
                index
                    .by_last_segment
                    .entry(suffix[dot + 1..].to_string())
                    .or_default()
                    .push(i as u32);
            } else {
                index.loose.push(i as u32);
            }
        }
        index
    }

    /// Indices (into the slice given to [`GlobIndex::new`]) of the globs that may match
    /// `name`; the caller still checks each.
    pub fn candidates<'s>(&'s self, name: &str) -> impl Iterator<Item = usize> + 's {
        let first = name.split('.').next().unwrap_or(name);
        let last = name.rsplit('.').next().unwrap_or(name);
        let by_first = self.by_segment.get(first).map_or(&[][..], Vec::as_slice);
        let by_last = self
            .by_last_segment
            .get(last)
            .map_or(&[][..], Vec::as_slice);
        by_first
            .iter()
            .chain(by_last)
            .chain(&self.loose)
            .map(|&i| i as usize)
    }

    /// Indices of the globs of `globs` (the slice given to [`GlobIndex::new`]) matching `name`.
    pub fn for_each_match(&self, globs: &[Glob], name: &str, mut f: impl FnMut(usize)) {
        for i in self.candidates(name) {
            if globs[i].matches(name) {
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
