//! Declared metadata (PKG-INFO / METADATA, entry points) and the anomalies that malicious
//! packages show in it: placeholder descriptions, versions built to win dependency confusion,
//! authors that are not anyone, links to someone else's famous repository (starjacking),
//! commands that shadow system tools, dependencies on look-alike names.
//!
//! Everything here reads text; nothing is executed.

use crate::{normalize, parse_repo_url, repo_matches_package, PopularList, Technique};

/// The core-metadata fields ferret looks at (PEP 566 / 643 names).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    pub name: Option<String>,
    pub version: Option<String>,
    pub summary: Option<String>,
    /// The `Description` header or the message body.
    pub description: Option<String>,
    pub author: Option<String>,
    pub author_email: Option<String>,
    pub maintainer: Option<String>,
    pub maintainer_email: Option<String>,
    pub home_page: Option<String>,
    pub download_url: Option<String>,
    /// `Project-URL: label, url`.
    pub project_urls: Vec<(String, String)>,
    pub requires_dist: Vec<String>,
}

/// An identity or metadata finding: `code` is what rules match (`[match] issue = [...]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signal {
    pub code: &'static str,
    pub detail: String,
}

impl Signal {
    fn new(code: &'static str, detail: String) -> Self {
        Self { code, detail }
    }
}

/// At most this much of a metadata file is read: real ones are far smaller (bodies included).
const MAX_METADATA: usize = 4 << 20;

impl Metadata {
    /// Parses an RFC 822-style metadata file: headers (with indented continuation lines) up to
    /// the first blank line, then the body, which is the description when no header gives one.
    pub fn parse(text: &str) -> Metadata {
        let text = &text[..floor_char_boundary(text, MAX_METADATA)];
        let mut m = Metadata::default();
        let mut body_start = text.len();
        let mut last: Option<(String, String)> = None;
        let mut offset = 0;
        let flush = |field: Option<(String, String)>, m: &mut Metadata| {
            if let Some((k, v)) = field {
                m.set(&k, v.trim());
            }
        };
        for line in text.split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            let l = line.trim_end_matches(['\r', '\n']);
            if l.is_empty() {
                body_start = offset;
                break;
            }
            if l.starts_with([' ', '\t']) {
                if let Some((_, v)) = last.as_mut() {
                    v.push('\n');
                    v.push_str(l.trim_start_matches(['\t', ' ', '|']));
                }
                continue;
            }
            flush(last.take(), &mut m);
            if let Some((k, v)) = l.split_once(':') {
                last = Some((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            } else {
                // Not a header: the body started without a blank line (sloppy but seen).
                body_start = start;
                break;
            }
        }
        flush(last.take(), &mut m);
        if m.description.is_none() {
            let body = text[body_start.min(text.len())..].trim();
            if !body.is_empty() {
                m.description = Some(body.to_string());
            }
        }
        m
    }

    fn set(&mut self, key: &str, value: &str) {
        if value.is_empty() {
            return;
        }
        let v = || Some(value.to_string());
        match key {
            "name" => self.name = v(),
            "version" => self.version = v(),
            "summary" => self.summary = v(),
            "description" => self.description = v(),
            "author" => self.author = v(),
            "author-email" => self.author_email = v(),
            "maintainer" => self.maintainer = v(),
            "maintainer-email" => self.maintainer_email = v(),
            "home-page" => self.home_page = v(),
            "download-url" => self.download_url = v(),
            "project-url" => {
                let (label, url) = value.split_once(',').unwrap_or(("", value));
                self.project_urls
                    .push((label.trim().to_string(), url.trim().to_string()));
            }
            "requires-dist" => self.requires_dist.push(value.to_string()),
            _ => {}
        }
    }

    /// Every URL the metadata links to, with the field it came from.
    pub fn urls(&self) -> Vec<(String, &str)> {
        let mut out = Vec::new();
        if let Some(u) = &self.home_page {
            out.push(("Home-page".to_string(), u.as_str()));
        }
        if let Some(u) = &self.download_url {
            out.push(("Download-URL".to_string(), u.as_str()));
        }
        for (label, u) in &self.project_urls {
            out.push((format!("Project-URL ({label})"), u.as_str()));
        }
        out
    }
}

fn floor_char_boundary(s: &str, max: usize) -> usize {
    if max >= s.len() {
        return s.len();
    }
    let mut i = max;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn is_placeholder(text: Option<&str>) -> bool {
    let Some(t) = text else { return true };
    let t = t.trim().trim_matches(['.', '"', '\'']).to_ascii_lowercase();
    const PLACEHOLDERS: &[&str] = &[
        "",
        "unknown",
        "none",
        "null",
        "todo",
        "tbd",
        "test",
        "testing",
        "description",
        "summary",
        "a package",
        "a python package",
        "my package",
        "a small example package",
        "a short description",
        "short description",
        "long description",
        "package description",
        "add a description here",
        "x",
        "-",
    ];
    PLACEHOLDERS.contains(&t.as_str())
}

/// Checks of the declared metadata alone. `list` supplies popular names (starjacking targets,
/// look-alike dependencies).
pub fn check_metadata(meta: &Metadata, list: &PopularList) -> Vec<Signal> {
    let mut out = Vec::new();
    let name = meta.name.as_deref().map(normalize).unwrap_or_default();
    if let Some(s) = starjacking(meta, &name, list) {
        out.push(s);
    }
    if is_placeholder(meta.summary.as_deref()) && is_placeholder(meta.description.as_deref()) {
        out.push(Signal::new(
            "metadata-placeholder",
            format!(
                "summary {:?} and no real description",
                meta.summary.as_deref().unwrap_or("")
            ),
        ));
    }
    if let Some(v) = meta.version.as_deref().filter(|v| version_is_anomalous(v)) {
        out.push(Signal::new(
            "version-anomaly",
            format!("version `{v}` is built to outrank real releases, not to number one"),
        ));
    }
    if let Some(detail) = author_anomaly(meta) {
        out.push(Signal::new("author-anomaly", detail));
    }
    for req in &meta.requires_dist {
        // `name [extra] (>=1.0) ; marker`
        let dep: String = req
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        if dep.is_empty() || req.contains("extra ==") || req.contains("extra==") {
            continue;
        }
        // Only slips of the hand: affixes, plurals and separator games are how related
        // projects are legitimately named (`httpx2`, `types-requests`).
        let slip = |t: &Technique| {
            !matches!(
                t,
                Technique::Affix { .. } | Technique::Plural | Technique::Separator
            )
        };
        if let Some(hit) = list.check_typosquat(&dep).filter(|h| slip(&h.technique)) {
            out.push(Signal::new(
                "typosquat-dependency",
                format!(
                    "depends on `{dep}`, which looks like `{}` (rank {} on PyPI) by {}",
                    hit.imitates, hit.rank, hit.technique
                ),
            ));
        }
    }
    if let Some(s) = official_claim(meta, &name, list) {
        out.push(s);
    }
    out
}

/// A link to the repository of a popular project that the package is not.
fn starjacking(meta: &Metadata, name: &str, list: &PopularList) -> Option<Signal> {
    if name.is_empty() {
        return None;
    }
    for (field, url) in meta.urls() {
        // The links PyPI shows as the project's own; documentation and tracker links often
        // point at an umbrella project's repository.
        let lower = field.to_ascii_lowercase();
        let own_link = ![
            "doc",
            "track",
            "issue",
            "bug",
            "changelog",
            "change",
            "release",
            "fund",
            "sponsor",
            "donat",
            "chat",
            "discuss",
            "forum",
            "blog",
            "upstream",
        ]
        .iter()
        .any(|w| lower.contains(w));
        if !own_link {
            continue;
        }
        let Some((owner, repo)) = parse_repo_url(url) else {
            continue;
        };
        if repo_matches_package(&owner, &repo, name) {
            continue;
        }
        let repo_name = normalize(repo.trim_end_matches(".git"));
        let Some(rank) = list.rank(&repo_name) else {
            continue;
        };
        // A plugin or fork linking its upstream shares the project's name as a word
        // (`flask-login` → pallets/flask is not this check's business).
        // (`hatchling` built from `pypa/hatch` is the same way.)
        if name.split('-').any(|w| w == repo_name)
            || repo_name.split('-').any(|w| w == name)
            || (name.starts_with(&repo_name) && name.len() >= repo_name.len() + 3)
        {
            continue;
        }
        return Some(Signal::new(
            "starjacking",
            format!(
                "{field} links to {owner}/{repo}, the repository of `{repo_name}` (rank {rank} on PyPI), but the package is `{name}`"
            ),
        ));
    }
    None
}

/// `0.0.0`, or a major version of 99+ (`999.0.0`, `9999`): numbers picked to win
/// dependency-confusion resolution against an internal package.
pub fn version_is_anomalous(v: &str) -> bool {
    let v = v.trim();
    let major: String = v.chars().take_while(|c| c.is_ascii_digit()).collect();
    if major.len() >= 2 && major.chars().all(|c| c == '9') {
        return true;
    }
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() >= 2 && parts.iter().all(|p| *p == "0")
}

fn author_anomaly(meta: &Metadata) -> Option<String> {
    let fields = [
        meta.author.as_deref(),
        meta.author_email.as_deref(),
        meta.maintainer.as_deref(),
        meta.maintainer_email.as_deref(),
    ];
    let present: Vec<&str> = fields
        .iter()
        .flatten()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("unknown"))
        .collect();
    // No author at all is common in modern metadata (pyproject `authors` with only a name
    // goes to Author-email, some projects give none): not evidence.
    if present.is_empty() {
        return None;
    }
    let author = meta.author.as_deref()?.trim();
    looks_random(author).then(|| format!("author `{author}` looks generated, not like a name"))
}

/// A single token of 8+ letters and digits with no vowel run or mostly digits: `xkqzjvbw`,
/// `a8f3k2l9d0`. Names, handles and organisations have vowels and few digits.
fn looks_random(s: &str) -> bool {
    if s.len() < 8 || s.contains([' ', '@', '.', '-', '_']) {
        return false;
    }
    if !s.chars().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let vowels = s.chars().filter(|c| "aeiouyAEIOUY".contains(*c)).count();
    let letters = s.len() - digits;
    // Mixed letters and many digits, or letters with almost no vowels.
    (digits * 4 >= s.len() && letters >= 3) || (letters >= 8 && vowels * 8 < letters)
}

/// A summary saying "official" about a popular project whose name the package borrows.
fn official_claim(meta: &Metadata, name: &str, list: &PopularList) -> Option<Signal> {
    let summary = meta.summary.as_deref()?;
    let lower = summary.to_ascii_lowercase();
    if !lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| w == "official")
    {
        return None;
    }
    for word in lower.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')) {
        let word = normalize(word);
        if word.len() < 4 || word == name || word == "official" {
            continue;
        }
        let Some(rank) = list.rank(&word) else {
            continue;
        };
        // Borrowing: the package's name contains the project's (`requests-official`) or
        // imitates it.
        let borrows = name.contains(&word)
            || list
                .check_typosquat(name)
                .is_some_and(|hit| hit.imitates == word);
        if borrows && rank <= 5_000 {
            return Some(Signal::new(
                "official-claim",
                format!(
                    "summary claims to be official for `{word}` (rank {rank} on PyPI), but the package is `{name}`"
                ),
            ));
        }
    }
    None
}

/// One entry point: group (`console_scripts`), command name and target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryPoint {
    pub group: String,
    pub name: String,
    pub target: String,
}

/// Parses `entry_points.txt` (INI: `[group]` then `name = module:attr`) and the same shape in
/// `setup.cfg`'s `[options.entry_points]` (`group =` followed by indented `name = target` lines).
pub fn parse_entry_points_ini(text: &str, setup_cfg: bool) -> Vec<EntryPoint> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut group = String::new();
    for line in text.lines().take(100_000) {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        if trimmed.starts_with('[') && trimmed.ends_with(']') {
            section = trimmed[1..trimmed.len() - 1].trim().to_string();
            group = section.clone();
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        let Some((k, v)) = trimmed.split_once('=') else {
            continue;
        };
        let (k, v) = (k.trim(), v.trim());
        if setup_cfg {
            if section != "options.entry_points" {
                continue;
            }
            if !indented {
                group = k.to_string();
                if v.is_empty() {
                    continue;
                }
            }
        }
        if !v.is_empty() && !group.is_empty() {
            out.push(EntryPoint {
                group: group.clone(),
                name: k.to_string(),
                target: v.to_string(),
            });
        }
    }
    out
}

/// Commands a package must not install a script over: the shell's and the system's own tools,
/// and Python's. `(command, projects allowed to provide it)`.
const PROTECTED_COMMANDS: &[(&str, &[&str])] = &[
    ("pip", &["pip"]),
    ("pip3", &["pip"]),
    ("python", &[]),
    ("python3", &[]),
    ("sudo", &[]),
    ("su", &[]),
    ("ls", &[]),
    ("cd", &[]),
    ("cat", &[]),
    ("cp", &[]),
    ("mv", &[]),
    ("rm", &[]),
    ("sh", &[]),
    ("bash", &[]),
    ("zsh", &[]),
    ("git", &[]),
    ("ssh", &[]),
    ("scp", &[]),
    ("curl", &[]),
    ("wget", &[]),
    ("chmod", &[]),
    ("chown", &[]),
    ("kill", &[]),
    ("ps", &[]),
    ("env", &[]),
    ("id", &[]),
    ("whoami", &[]),
    ("passwd", &[]),
    ("crontab", &[]),
    ("systemctl", &[]),
    ("apt", &[]),
    ("apt-get", &[]),
    ("yum", &[]),
    ("npm", &[]),
    ("node", &["nodeenv"]),
    ("docker", &[]),
    ("kubectl", &[]),
    ("aws", &["awscli"]),
    ("gcloud", &[]),
];

/// Console or GUI scripts that would replace a system or Python command on the user's PATH.
pub fn check_entry_points(entry_points: &[EntryPoint], package: &str) -> Vec<Signal> {
    let package = normalize(package);
    let mut out = Vec::new();
    for ep in entry_points {
        if ep.group != "console_scripts" && ep.group != "gui_scripts" {
            continue;
        }
        let cmd = ep.name.trim().to_ascii_lowercase();
        let Some((_, owners)) = PROTECTED_COMMANDS.iter().find(|(c, _)| *c == cmd) else {
            continue;
        };
        if owners.contains(&package.as_str()) {
            continue;
        }
        out.push(Signal::new(
            "entry-point-shadowing",
            format!(
                "{} `{}` = `{}` would replace the system's `{cmd}` command",
                ep.group, ep.name, ep.target
            ),
        ));
    }
    out
}

/// `[project.scripts]` / `[project.gui-scripts]` / `[project.entry-points.*]` of a
/// pyproject.toml, and its `[project] name`.
pub fn parse_pyproject(text: &str) -> (Option<String>, Vec<EntryPoint>) {
    let Ok(doc) = text.parse::<toml::Table>() else {
        return (None, Vec::new());
    };
    let Some(project) = doc.get("project").and_then(|p| p.as_table()) else {
        return (None, Vec::new());
    };
    let name = project
        .get("name")
        .and_then(|n| n.as_str())
        .map(str::to_string);
    let mut out = Vec::new();
    let mut add = |group: &str, table: Option<&toml::Value>| {
        for (k, v) in table.and_then(|t| t.as_table()).into_iter().flatten() {
            if let Some(target) = v.as_str() {
                out.push(EntryPoint {
                    group: group.to_string(),
                    name: k.clone(),
                    target: target.to_string(),
                });
            }
        }
    };
    add("console_scripts", project.get("scripts"));
    add("gui_scripts", project.get("gui-scripts"));
    if let Some(eps) = project.get("entry-points").and_then(|e| e.as_table()) {
        for (group, table) in eps {
            add(group, Some(table));
        }
    }
    (name, out)
}

/// Console scripts written in a `setup()` call's `entry_points=` argument, as folded or source
/// text (`{'console_scripts': ['ls = pkg.cli:main']}`).
pub fn entry_points_from_setup_kwarg(text: &str) -> Vec<EntryPoint> {
    let mut out = Vec::new();
    for group in ["console_scripts", "gui_scripts"] {
        let Some(at) = text.find(group) else { continue };
        // The group's list runs to the next `]`.
        let rest = &text[at + group.len()..];
        let list = rest.split(']').next().unwrap_or(rest);
        for item in list.split([',', '[', '\n']) {
            let item = item.trim().trim_matches(['\'', '"', ' ', ':']);
            let Some((name, target)) = item.split_once('=') else {
                continue;
            };
            let name = name.trim().trim_matches(['\'', '"']);
            if !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            {
                out.push(EntryPoint {
                    group: group.to_string(),
                    name: name.to_string(),
                    target: target.trim().trim_matches(['\'', '"']).to_string(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PKG_INFO: &str = "Metadata-Version: 2.1\nName: colourama\nVersion: 999.0.0\nSummary: UNKNOWN\nHome-page: https://github.com/tartley/colorama\nAuthor: xkqzjvbwtr\nProject-URL: Source, https://github.com/tartley/colorama\nRequires-Dist: reqeusts (>=2.0)\nRequires-Dist: pytest ; extra == 'test'\nDescription: line one\n        line two\n\nbody ignored when the header is there\n";

    #[test]
    fn parses_headers_continuations_and_body() {
        let m = Metadata::parse(PKG_INFO);
        assert_eq!(m.name.as_deref(), Some("colourama"));
        assert_eq!(m.version.as_deref(), Some("999.0.0"));
        assert_eq!(m.description.as_deref(), Some("line one\nline two"));
        assert_eq!(m.project_urls.len(), 1);
        assert_eq!(m.requires_dist.len(), 2);
        let body = Metadata::parse("Name: x\nVersion: 1\n\nThe long description.\n");
        assert_eq!(body.description.as_deref(), Some("The long description."));
    }

    #[test]
    fn flags_each_anomaly() {
        let m = Metadata::parse(PKG_INFO);
        let codes: Vec<&str> = check_metadata(&m, PopularList::builtin())
            .iter()
            .map(|s| s.code)
            .collect();
        assert_eq!(
            codes,
            [
                "starjacking",
                "version-anomaly",
                "author-anomaly",
                "typosquat-dependency"
            ]
        );
    }

    #[test]
    fn quiet_on_ordinary_metadata() {
        let m = Metadata::parse(
            "Metadata-Version: 2.1\nName: colorama\nVersion: 0.4.6\nSummary: Cross-platform colored terminal text.\nHome-page: https://github.com/tartley/colorama\nAuthor-email: Jonathan Hartley <tartley@tartley.com>\nRequires-Dist: requests (>=2.0)\n",
        );
        assert_eq!(check_metadata(&m, PopularList::builtin()), []);
        // A plugin linking its upstream project is not starjacking.
        let m = Metadata::parse(
            "Name: flask-login\nVersion: 0.6\nSummary: User session management for Flask\nAuthor: Matthew Frazier\nProject-URL: Source, https://github.com/pallets/flask\n",
        );
        assert_eq!(check_metadata(&m, PopularList::builtin()), []);
        // Built from a sibling's repository, or documented in an umbrella project's.
        let m = Metadata::parse(
            "Name: hatchling\nVersion: 1.0\nSummary: Build backend\nAuthor: Ofek\nProject-URL: Source, https://github.com/pypa/hatch\nProject-URL: Documentation, https://github.com/pypa/setuptools\n",
        );
        assert_eq!(check_metadata(&m, PopularList::builtin()), []);
    }

    #[test]
    fn placeholder_metadata() {
        let m = Metadata::parse("Name: foo-bar-baz\nVersion: 1.0\nSummary: UNKNOWN\nAuthor: Jane Doe\nDescription: UNKNOWN\n");
        let s = check_metadata(&m, PopularList::builtin());
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].code, "metadata-placeholder");
    }

    #[test]
    fn versions() {
        for v in ["999.0.0", "9999", "99.1", "0.0.0", "0.0"] {
            assert!(version_is_anomalous(v), "{v}");
        }
        for v in ["0.0.1", "1.0", "2024.1.1", "9.0", "0.1.0", "19.3"] {
            assert!(!version_is_anomalous(v), "{v}");
        }
    }

    #[test]
    fn random_authors() {
        for a in ["xkqzjvbwtr", "a8f3k2l9d0", "Qw3rTz9Xk2"] {
            assert!(looks_random(a), "{a}");
        }
        for a in [
            "Jonathan Hartley",
            "kennethreitz",
            "pallets",
            "microsoft",
            "sigmavirus24",
        ] {
            assert!(!looks_random(a), "{a}");
        }
    }

    #[test]
    fn official_claims() {
        let m = Metadata::parse(
            "Name: requests-official\nVersion: 1.0\nSummary: The official requests package\nAuthor: someone\n",
        );
        let s = check_metadata(&m, PopularList::builtin());
        assert!(s.iter().any(|s| s.code == "official-claim"), "{s:?}");
        // Affixes in dependencies are how related projects are named; slips are not.
        let m = Metadata::parse("Name: a-b-c\nVersion: 1.0\nSummary: Thing\nAuthor: Jane\nRequires-Dist: httpx2\nRequires-Dist: types-requests\n");
        assert_eq!(check_metadata(&m, PopularList::builtin()), []);
        let m = Metadata::parse(
            "Name: stripe\nVersion: 1.0\nSummary: The official Stripe Python library, works with requests\nAuthor: Stripe\n",
        );
        assert_eq!(check_metadata(&m, PopularList::builtin()), []);
    }

    #[test]
    fn entry_points() {
        let ini = "[console_scripts]\nls = evil.cli:main\nmytool = pkg:main\n\n[gui_scripts]\npip = x:y\n";
        let eps = parse_entry_points_ini(ini, false);
        assert_eq!(eps.len(), 3);
        let s = check_entry_points(&eps, "evil");
        assert_eq!(s.len(), 2, "{s:?}");
        assert!(check_entry_points(&eps[2..], "pip").is_empty());

        let cfg = "[metadata]\nname = x\n[options.entry_points]\nconsole_scripts =\n    sudo = x.cli:main\n    fine = x:main\n";
        let eps = parse_entry_points_ini(cfg, true);
        assert_eq!(eps.len(), 2, "{eps:?}");
        assert_eq!(check_entry_points(&eps, "x").len(), 1);

        let (name, eps) = parse_pyproject(
            "[project]\nname = \"x\"\n[project.scripts]\ngit = \"x:main\"\n[project.entry-points.console_scripts]\nok = \"x:ok\"\n",
        );
        assert_eq!(name.as_deref(), Some("x"));
        assert_eq!(eps.len(), 2);
        assert_eq!(check_entry_points(&eps, "x").len(), 1);

        let eps = entry_points_from_setup_kwarg(
            "{'console_scripts': ['python = x.cli:main', 'tool=x:run']}",
        );
        assert_eq!(eps.len(), 2, "{eps:?}");
        assert_eq!(eps[0].name, "python");
        assert_eq!(check_entry_points(&eps, "x").len(), 1);
    }
}
