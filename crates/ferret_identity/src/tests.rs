use super::*;

const POPULAR: &str = include_str!("../../../rules/identity/popular.txt");
const ALLOWLIST: &str = include_str!("../../../rules/identity/allowlist.txt");

fn list() -> &'static PopularList {
    PopularList::builtin()
}

#[track_caller]
fn assert_hit(name: &str, imitates: &str, technique: Technique) {
    let hit = list()
        .check_typosquat(name)
        .unwrap_or_else(|| panic!("{name} not flagged"));
    assert_eq!(hit.imitates, imitates, "{name}: {hit:?}");
    assert_eq!(hit.technique, technique, "{name}: {hit:?}");
    assert_eq!(list().rank(imitates), Some(hit.rank));
}

/// The shipped list is used in place (no normalising, no repeat check): it must be exactly what
/// the general parser makes of it, name for name, with the same letter counts and look-ups.
#[test]
fn shipped_list_used_in_place_equals_parsed() {
    let shipped = PopularList::parse_shipped(POPULAR);
    let parsed = PopularList::parse(POPULAR);
    assert!(shipped.len() > 10_000, "{}", shipped.len());
    assert_eq!(shipped.len(), parsed.len());
    for i in 0..parsed.len() as u32 {
        assert_eq!(shipped.name(i), parsed.name(i));
        assert_eq!(
            shipped.spans[i as usize].letters,
            parsed.spans[i as usize].letters
        );
        assert_eq!(shipped.index_of(parsed.name(i)), Some(i));
    }
    assert_eq!(shipped.index_of("not-a-popular-name-at-all"), None);
}

#[test]
fn normalizes_per_pep_503() {
    assert_eq!(normalize("Python_Dateutil"), "python-dateutil");
    assert_eq!(normalize("zope.interface"), "zope-interface");
    assert_eq!(normalize("a-_.-b"), "a-b");
    assert_eq!(normalize("PyYAML"), "pyyaml");
}

#[test]
fn parses_list_with_ranks() {
    let l = PopularList::parse("# comment\nRequests\n\nnumpy\nrequests\nPython_Dateutil\n");
    assert_eq!(l.len(), 3);
    assert_eq!(l.rank("requests"), Some(1));
    assert_eq!(l.rank("python.dateutil"), Some(3));
    assert_eq!(l.name_at(2), Some("numpy"));
    assert_eq!(l.name_at(0), None);
    assert_eq!(l.rank("flask"), None);
}

#[test]
fn real_list_is_ranked() {
    assert!(list().len() > 14_000);
    assert_eq!(list().name_at(1), Some("boto3"));
    assert_eq!(list().rank("requests"), Some(6));
}

#[test]
fn fuzzy_techniques() {
    assert_hit("colourama", "colorama", Technique::EditDistance(1));
    assert_hit("reqeusts", "requests", Technique::Transposition);
    assert_hit("requets", "requests", Technique::DroppedLetter);
    assert_hit("requestss", "requests", Technique::DoubledLetter);
    assert_hit("reqursts", "requests", Technique::KeyboardNeighbour);
    assert_hit("cryptogrpahy", "cryptography", Technique::Transposition);
    assert_hit("beautifulsuop4", "beautifulsoup4", Technique::Transposition);
    assert_hit("matplotlbi", "matplotlib", Technique::Transposition);
}

#[test]
fn homoglyphs() {
    assert_hit("rnatplotlib", "matplotlib", Technique::Homoglyph);
    assert_hit("nump\u{0443}", "numpy", Technique::Homoglyph);
    assert_hit(
        "\u{0440}\u{0430}nd\u{0430}s",
        "pandas",
        Technique::Homoglyph,
    );
    assert_hit("b0to3", "boto3", Technique::Homoglyph);
    assert_hit("ur11ib3", "urllib3", Technique::Homoglyph);
    assert_hit("vvheel", "wheel", Technique::Homoglyph);
    // A capital I reads as l before normalisation lowercases it.
    assert_hit("jeIlyfish", "jellyfish", Technique::Homoglyph);
    // Homoglyphs reach short names too, where fuzzy edits are off.
    assert_hit("\u{0455}ix", "six", Technique::Homoglyph);
}

#[test]
fn separator_games() {
    assert_hit("dateutil-python", "python-dateutil", Technique::Separator);
    assert_hit("pythondateutil", "python-dateutil", Technique::Separator);
    assert_hit("python-date-util", "python-dateutil", Technique::Separator);
    assert_hit(
        "python_dateutil2",
        "python-dateutil",
        Technique::Affix {
            affix: "2",
            added: true,
        },
    );
    assert_hit(
        "pythondateutil3",
        "python-dateutil",
        Technique::Affix {
            affix: "3",
            added: true,
        },
    );
}

#[test]
fn affixes() {
    let added = |affix| Technique::Affix { affix, added: true };
    let removed = |affix| Technique::Affix {
        affix,
        added: false,
    };
    assert_hit("requests2", "requests", added("2"));
    assert_hit("python-requests", "requests", added("python"));
    assert_hit("pyrequests", "requests", added("py"));
    assert_hit("requests-lib", "requests", added("lib"));
    assert_hit("colorama-api", "colorama", added("api"));
    assert_hit("cryptography-sdk", "cryptography", added("sdk"));
    assert_hit("python-requests-3", "requests", added("3"));
    assert_hit("dateutil", "python-dateutil", removed("python"));
}

#[test]
fn plurals() {
    assert_hit("request", "requests", Technique::Plural);
    assert_hit("setuptool", "setuptools", Technique::Plural);
}

#[test]
fn prefers_the_more_popular_target() {
    // `request` is both `re-quest` with its separator dropped and the singular of `requests`.
    let hit = |text: &str| {
        let h = PopularList::parse(text).check_typosquat("request").unwrap();
        (h.imitates, h.rank, h.technique)
    };
    assert_eq!(
        hit("requests\nre-quest\n"),
        ("requests".to_string(), 1, Technique::Plural)
    );
    assert_eq!(
        hit("re-quest\nrequests\n"),
        ("re-quest".to_string(), 1, Technique::Separator)
    );
}

#[test]
fn popular_names_are_never_typosquats() {
    for name in [
        "requests",
        "Requests",
        "python_dateutil",
        "Python.DateUtil",
        "colorama",
        "numpy",
        "six",
        "boto3",
        "botocore",
        "urllib3",
        "PyYAML",
    ] {
        assert_eq!(list().check_typosquat(name), None, "{name}");
    }
    // Every popular name, in any spelling PEP 503 equates.
    for (i, name) in POPULAR
        .lines()
        .filter(|l| !l.starts_with('#'))
        .take(2000)
        .enumerate()
    {
        let spelled = if i % 2 == 0 {
            name.replace('-', "_").to_uppercase()
        } else {
            name.replace('-', ".")
        };
        assert_eq!(list().check_typosquat(&spelled), None, "{spelled}");
    }
}

#[test]
fn unrelated_names_are_quiet() {
    for name in [
        "ferret",
        "my-company-internal-tool",
        "zzyzx-parser",
        "a",
        "ab",
        "xyz",
        "",
        "---",
        "totally-unrelated-package-name",
        "hyperdrive-orchestrator",
        "quux",
    ] {
        assert_eq!(list().check_typosquat(name), None, "{name}");
    }
}

#[test]
fn short_names_get_no_fuzzy_match() {
    let l = PopularList::parse("six\nboto\nattrs\n");
    assert_eq!(l.check_typosquat("sux"), None);
    assert_eq!(l.check_typosquat("bodo"), None);
    // A transposition of a four-letter name still counts.
    assert_eq!(
        l.check_typosquat("btoo").map(|h| h.technique),
        Some(Technique::Transposition)
    );
    assert_eq!(
        l.check_typosquat("atrts").map(|h| h.technique),
        Some(Technique::Transposition)
    );
}

#[test]
fn fuzzy_only_targets_the_top_names() {
    let text: String = (0..REACH_TYPO)
        .map(|i| format!("filler{i:05}x\n"))
        .chain(["colorama\n".to_string()])
        .collect();
    let l = PopularList::parse(&text);
    assert_eq!(l.rank("colorama"), Some(REACH_TYPO + 1));
    assert_eq!(l.check_typosquat("colourama"), None);
    assert_eq!(l.check_typosquat("colorama2"), None);
    // Homoglyphs reach the whole list.
    assert!(l.check_typosquat("c0lorama").is_some());
}

#[test]
fn allowlist_suppresses_pairs() {
    let l = PopularList::parse("requests\n")
        .with_allowlist("# why\nrequest requests  # both real\n")
        .unwrap();
    assert_eq!(l.check_typosquat("request"), None);
    assert!(l.check_typosquat("reqeusts").is_some());
    assert!(PopularList::parse("")
        .with_allowlist("just-one-name\n")
        .is_err());
}

#[test]
fn technique_display() {
    assert_eq!(Technique::Transposition.to_string(), "swapped letters");
    assert_eq!(
        Technique::Affix {
            affix: "py",
            added: true
        }
        .to_string(),
        "affix 'py' added"
    );
}

/// The false-positive estimate: every popular name, treated as unknown, checked against the
/// rest of the list. Must stay under 0.5 %, and does so on the rules alone.
#[test]
fn self_check_is_quiet() {
    let start = std::time::Instant::now();
    let bare = PopularList::parse(POPULAR);
    let parsed = start.elapsed();
    let start = std::time::Instant::now();
    let without_allowlist = bare.self_check();
    let checked = start.elapsed();
    let list = bare.with_allowlist(ALLOWLIST).unwrap();
    let flagged = list.self_check();

    let n = list.len();
    let rate = |k: usize| 100.0 * k as f64 / n as f64;
    println!(
        "self-check over {n} names: {} flagged by the rules alone ({:.2} %), {} with the allowlist ({:.2} %); parse {parsed:.2?}, self-check {checked:.2?}",
        without_allowlist.len(),
        rate(without_allowlist.len()),
        flagged.len(),
        rate(flagged.len()),
    );
    for (name, hit) in &flagged {
        let rank = list.rank(name).unwrap();
        println!(
            "  {name} (#{rank}) -> {} (#{}): {}",
            hit.imitates, hit.rank, hit.technique
        );
    }
    println!("allowlisted:");
    for (name, hit) in &without_allowlist {
        if !flagged.iter().any(|(f, _)| f == name) {
            println!("  {name} -> {}: {}", hit.imitates, hit.technique);
        }
    }
    assert!(
        without_allowlist.len() * 200 < n,
        "{} of {n} popular names flagged by the rules alone",
        without_allowlist.len()
    );
    assert!(flagged.len() <= without_allowlist.len());
}

/// The first look-ups in a process scan the names; later ones, and the self-check, use the
/// indexes. Both must give the same answers: checked on pseudo-random edits, affixes,
/// look-alikes and word games of popular names, and on popular names treated as unknown.
#[test]
fn scans_and_indexes_agree() {
    let list = PopularList::parse(POPULAR)
        .with_allowlist(ALLOWLIST)
        .unwrap();
    let ix = list.indexes();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut rand = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let alphabet = b"aeiorsnlmpy-0123_";
    let mut checked = 0;
    let mut hits = 0;
    let mut agree = |name: &str, exclude: u32| {
        let scanned = list.find(name, exclude, None);
        assert_eq!(scanned, list.find(name, exclude, Some(ix)), "{name}");
        checked += 1;
        hits += usize::from(scanned.is_some());
    };
    for _ in 0..400 {
        // Mostly within the fuzzy reach, where most techniques apply.
        let rank = 1 + if rand(4) == 0 {
            rand(list.len())
        } else {
            rand(REACH_TYPO + 200)
        };
        let name = list.name_at(rank).unwrap();
        let mut edited = name.as_bytes().to_vec();
        for _ in 0..1 + rand(2) {
            let p = rand(edited.len() + 1);
            match rand(4) {
                0 if p < edited.len() => {
                    edited.remove(p);
                }
                1 if p + 1 < edited.len() => edited.swap(p, p + 1),
                2 if p < edited.len() => edited[p] = alphabet[rand(alphabet.len())],
                _ => edited.insert(p, alphabet[rand(alphabet.len())]),
            }
        }
        let mut words: Vec<&str> = name.split('-').collect();
        words.reverse();
        for candidate in [
            String::from_utf8(edited).unwrap(),
            format!("python-{name}2"),
            format!("{name}-api"),
            format!("py{name}"),
            name.strip_prefix("python-").unwrap_or(name).to_string(),
            name.replace('-', ""),
            words.join("-"),
            name.replace('m', "rn").replace('o', "0"),
            name.replace('e', "\u{0435}"),
            format!("{name}s"),
        ] {
            agree(&candidate, u32::MAX);
        }
        agree(name, rank as u32 - 1);
    }
    assert!(
        checked > 4000 && hits > 500,
        "{checked} checked, {hits} hits"
    );
}
