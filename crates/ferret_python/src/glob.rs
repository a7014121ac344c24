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

#[cfg(test)]
mod tests {
    use super::Glob;

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
