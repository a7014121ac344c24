//! Repository URLs in package metadata, for starjacking checks: a package that points its home
//! page at someone else's popular repository borrows that repository's stars and trust.

use crate::normalize;

/// GitHub paths whose first segment is a site section, not an owner.
const GITHUB_RESERVED: &[&str] = &[
    "about",
    "apps",
    "collections",
    "enterprise",
    "explore",
    "features",
    "login",
    "marketplace",
    "notifications",
    "orgs",
    "pricing",
    "search",
    "settings",
    "sponsors",
    "topics",
    "users",
];

/// GitLab paths without the `/-/` marker can still end in one of these sections.
const GITLAB_SECTIONS: &[&str] = &[
    "blob",
    "commits",
    "issues",
    "merge_requests",
    "pipelines",
    "raw",
    "releases",
    "tags",
    "tree",
    "wikis",
];

/// Owner and repository named by a GitHub, GitLab or Bitbucket URL, as written in it.
///
/// Accepts `https://`, `http://`, `git+https://`, `ssh://git@`, `git://` and scp-like
/// `git@host:owner/repo` forms, with or without `www.`, a `.git` suffix, trailing paths
/// (`/tree/main`, `/issues`), a query or a fragment. For GitLab subgroups the owner is the
/// top-level group and the repository the last path segment before `/-/`.
pub fn parse_repo_url(url: &str) -> Option<(String, String)> {
    let mut rest = url.trim();
    rest = rest.strip_prefix("git+").unwrap_or(rest);
    let mut scp_like = true;
    for scheme in ["https://", "http://", "ssh://", "git://"] {
        if let Some(r) = strip_prefix_ignore_case(rest, scheme) {
            rest = r;
            scp_like = false;
            break;
        }
    }
    // Drop the query and fragment, then any user info (`git@`).
    rest = rest.split(['?', '#']).next().unwrap_or("");
    let host_end = rest.find(['/', ':']).unwrap_or(rest.len());
    if let Some(at) = rest[..host_end].rfind('@') {
        rest = &rest[at + 1..];
    }
    let host_end = rest.find(['/', ':']).unwrap_or(rest.len());
    let host = rest[..host_end].to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let mut path = &rest[host_end..];
    if let Some(p) = path.strip_prefix(':') {
        // `host:port/path`, or scp-like `host:owner/repo`.
        let port_len = p.bytes().take_while(u8::is_ascii_digit).count();
        path = if port_len > 0 && p[port_len..].starts_with('/') {
            &p[port_len..]
        } else if scp_like || !p.starts_with('/') {
            p
        } else {
            return None;
        };
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();

    let (owner, repo) = match host {
        "github.com" => {
            let owner = *segments.first()?;
            if GITHUB_RESERVED.contains(&owner.to_ascii_lowercase().as_str()) {
                return None;
            }
            (owner, *segments.get(1)?)
        }
        "bitbucket.org" => (*segments.first()?, *segments.get(1)?),
        "gitlab.com" => {
            let end = segments
                .iter()
                .position(|s| *s == "-" || GITLAB_SECTIONS.contains(s))
                .unwrap_or(segments.len());
            if end < 2 {
                return None;
            }
            (segments[0], segments[end - 1])
        }
        _ => return None,
    };
    let repo = repo
        .strip_suffix(".git")
        .or_else(|| repo.strip_suffix(".GIT"))
        .unwrap_or(repo);
    let valid = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    };
    (valid(owner) && valid(repo)).then(|| (owner.to_string(), repo.to_string()))
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Forms a name goes by: normalised, separators removed, and without a `python`/`py` prefix or
/// suffix (`python-dateutil` and `dateutil`, `jmespath.py` and `jmespath`).
fn name_forms(name: &str) -> Vec<String> {
    let n = normalize(name.strip_suffix(".git").unwrap_or(name));
    let mut forms = vec![n.replace('-', "")];
    for affix in ["python", "py"] {
        let stems = [n.strip_prefix(affix), n.strip_suffix(affix)];
        for stem in stems.into_iter().flatten() {
            let stem = stem.trim_matches('-');
            // Short stems are too generic to identify anything: `numpy` is not `num`.
            if stem.len() >= 4 {
                forms.push(stem.replace('-', ""));
            }
        }
    }
    forms
}

/// Whether a repository plausibly belongs to `package`: the repository or owner is the package
/// under its normalised name (tolerating `python-`/`py` prefixes and `-python`/`-py` suffixes),
/// or the owner is the package's namespace (`azure/azure-sdk-for-python` for `azure-storage`).
pub fn repo_matches_package(owner: &str, repo: &str, package: &str) -> bool {
    let package_forms = name_forms(package);
    let shares_form = |name: &str| name_forms(name).iter().any(|f| package_forms.contains(f));
    if shares_form(repo) || shares_form(owner) {
        return true;
    }
    let package = normalize(package);
    let owner = normalize(owner).replace('-', "");
    match package.split_once('-') {
        Some((namespace, _)) => owner.len() >= 4 && namespace == owner,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(url: &str) -> Option<(String, String)> {
        parse_repo_url(url)
    }

    fn pair(owner: &str, repo: &str) -> Option<(String, String)> {
        Some((owner.to_string(), repo.to_string()))
    }

    #[test]
    fn parses_common_forms() {
        let want = pair("psf", "requests");
        for url in [
            "https://github.com/psf/requests",
            "http://github.com/psf/requests/",
            "https://www.github.com/psf/requests",
            "https://github.com/psf/requests.git",
            "git+https://github.com/psf/requests.git",
            "git@github.com:psf/requests.git",
            "ssh://git@github.com/psf/requests",
            "git://github.com/psf/requests.git",
            "https://github.com/psf/requests/tree/main/src",
            "https://github.com/psf/requests/issues?q=is%3Aopen",
            "https://github.com/psf/requests#readme",
            "HTTPS://GitHub.com/psf/requests",
            "github.com/psf/requests",
            "  https://github.com/psf/requests  ",
        ] {
            assert_eq!(parsed(url), want, "{url}");
        }
    }

    #[test]
    fn parses_gitlab_and_bitbucket() {
        assert_eq!(
            parsed("https://gitlab.com/pycqa/flake8"),
            pair("pycqa", "flake8")
        );
        assert_eq!(
            parsed("https://gitlab.com/group/sub/project/-/tree/main"),
            pair("group", "project")
        );
        assert_eq!(
            parsed("https://gitlab.com/owner/project/issues"),
            pair("owner", "project")
        );
        assert_eq!(
            parsed("git@gitlab.com:owner/project.git"),
            pair("owner", "project")
        );
        assert_eq!(
            parsed("https://bitbucket.org/owner/repo/src/master/"),
            pair("owner", "repo")
        );
        assert_eq!(
            parsed("https://www.bitbucket.org/owner/repo.git"),
            pair("owner", "repo")
        );
    }

    #[test]
    fn rejects_other_urls() {
        for url in [
            "https://github.com/psf",
            "https://github.com/sponsors/someone",
            "https://example.com/psf/requests",
            "https://pypi.org/project/requests/",
            "https://github.com.evil.example/psf/requests",
            "https://gitlab.com/owner",
            "",
            "not a url",
        ] {
            assert_eq!(parsed(url), None, "{url}");
        }
    }

    #[test]
    fn matches_packages() {
        assert!(repo_matches_package("psf", "requests", "requests"));
        assert!(repo_matches_package("yaml", "pyyaml", "PyYAML"));
        assert!(repo_matches_package(
            "dateutil",
            "dateutil",
            "python-dateutil"
        ));
        assert!(repo_matches_package("jmespath", "jmespath.py", "jmespath"));
        assert!(repo_matches_package("pallets", "flask.git", "Flask"));
        assert!(repo_matches_package("tartley", "colorama", "colorama"));
        assert!(repo_matches_package("pytest-dev", "pytest", "pytest"));
        assert!(repo_matches_package("boto", "boto3", "boto3"));
        assert!(repo_matches_package("numpy", "numpy", "numpy"));
        assert!(repo_matches_package("python-attrs", "attrs", "attrs"));
        assert!(repo_matches_package("scrapy", "some-monorepo", "scrapy"));
        assert!(repo_matches_package(
            "Azure",
            "azure-sdk-for-python",
            "azure-storage-blob"
        ));
        assert!(repo_matches_package("owner", "requests-py", "requests"));
        assert!(repo_matches_package("owner", "requests_python", "requests"));
    }

    #[test]
    fn rejects_borrowed_repos() {
        assert!(!repo_matches_package("psf", "requests", "requests2"));
        assert!(!repo_matches_package("psf", "requests", "reqeusts"));
        assert!(!repo_matches_package("tartley", "colorama", "colourama"));
        assert!(!repo_matches_package("numpy", "numpy", "num"));
        assert!(!repo_matches_package("pallets", "flask", "evil-package"));
        assert!(!repo_matches_package("aws", "aws-cli", "aws-tools"));
    }
}
