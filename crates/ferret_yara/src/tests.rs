use super::*;
// These tests are of the built-in subset, whatever the features (see `yx.rs` for yara-x's).
#[cfg(feature = "yara-x")]
use super::{compile_subset as compile, SubsetScanner as Scanner};

/// Names of the public rules of `src` that match `data`.
fn hits(src: &str, data: &[u8]) -> Vec<String> {
    let rules = compile(src).unwrap_or_else(|e| panic!("{e}"));
    let public: Vec<_> = rules.into_iter().filter(|r| !r.private).collect();
    let sc = Scanner::new(public);
    sc.scan(data)
        .into_iter()
        .map(|m| sc.rules()[m.rule].name.clone())
        .collect()
}

/// Whether a one-rule source matches.
fn is_match(src: &str, data: &[u8]) -> bool {
    !hits(src, data).is_empty()
}

fn cond(strings: &str, condition: &str, data: &[u8]) -> bool {
    let src = if strings.is_empty() {
        format!("rule t {{ condition: {condition} }}")
    } else {
        format!("rule t {{ strings: {strings} condition: {condition} }}")
    };
    is_match(&src, data)
}

/// (code, line, column, message) of the compile error of `src`.
fn error_at(src: &str) -> (&'static str, usize, usize, String) {
    located(src, compile(src).expect_err("must not compile"))
}

/// An error as (code, line, column, message) in `src`; shared with the yara-x engine's tests.
pub(crate) fn located(src: &str, e: Error) -> (&'static str, usize, usize, String) {
    let before = &src[..e.span.start];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (e.code, line, col, e.message)
}

// ---- parser ----

#[test]
fn parses_a_full_rule() {
    let src = r#"
// a comment
/* and a
   block comment */
rule evil_host : net exfil {
    meta:
        description = "talks to evil"
        severity = "high"
        score = -5
        active = true
    strings:
        $a = "evil.example"
        $b = { 4D 5A }
        $c = /ev[i1]l/i
    condition:
        any of them
}
"#;
    let rules = compile(src).unwrap();
    assert_eq!(rules.len(), 1);
    let r = &rules[0];
    assert_eq!(r.name, "evil_host");
    assert_eq!(r.tags, ["net", "exfil"]);
    assert_eq!(
        r.meta("description").unwrap().value,
        MetaValue::Str("talks to evil".into())
    );
    assert_eq!(r.meta("score").unwrap().value, MetaValue::Int(-5));
    assert_eq!(r.meta("active").unwrap().value, MetaValue::Bool(true));
    assert_eq!(&src[r.meta("severity").unwrap().span.clone()], "\"high\"");
    assert_eq!(&src[r.name_span.clone()], "evil_host");
    assert_eq!(r.strings.len(), 3);
    assert_eq!(r.strings[1].ident, "$b");
    assert!(is_match(src, b"xx EVIL yy"));
    assert!(!is_match(src, b"nothing here"));
}

#[test]
fn several_rules_private_rules_and_references() {
    let src = r#"
private rule is_mz { condition: uint16(0) == 0x5A4D }
rule mz_with_url { strings: $u = "http://" condition: is_mz and $u }
rule any_url { strings: $u = "http://" condition: $u }
"#;
    assert_eq!(hits(src, b"MZ...http://x"), ["mz_with_url", "any_url"]);
    assert_eq!(hits(src, b"..http://x"), ["any_url"]);
    let rules = compile(src).unwrap();
    assert!(rules[0].private && !rules[1].private);
}

#[test]
fn a_file_without_rules_is_empty() {
    assert!(compile("// nothing\n").unwrap().is_empty());
}

// ---- strings ----

#[test]
fn text_strings_and_escapes() {
    assert!(cond(r#"$a = "a\"b\\c\x41\t""#, "$a", b"a\"b\\cA\t"));
    assert!(!cond(r#"$a = "abc""#, "$a", b"ABC"));
    assert!(cond(r#"$a = "a.c""#, "$a", b"a.c"));
    assert!(!cond(r#"$a = "a.c""#, "$a", b"abc"), "text is literal");
    assert!(cond(r#"$a = "(x)[y]""#, "$a", b"(x)[y]"));
}

#[test]
fn nocase() {
    assert!(cond(
        r#"$a = "PowerShell" nocase"#,
        "$a",
        b"powershell -enc"
    ));
}

#[test]
fn wide_and_ascii() {
    let wide = b"c\0m\0d\0";
    assert!(cond(r#"$a = "cmd" wide"#, "$a", wide));
    assert!(!cond(r#"$a = "cmd" wide"#, "$a", b"cmd"));
    assert!(cond(r#"$a = "cmd" wide ascii"#, "$a", b"cmd"));
    assert!(cond(r#"$a = "cmd" wide ascii"#, "$a", wide));
    assert!(cond(r#"$a = "CMD" wide nocase"#, "$a", wide));
}

#[test]
fn fullword() {
    let s = r#"$a = "exec" fullword"#;
    assert!(cond(s, "$a", b"x = exec(y)"));
    assert!(cond(s, "$a", b"exec"));
    assert!(!cond(s, "$a", b"execute"));
    assert!(!cond(s, "$a", b"myexec"));
    assert!(
        cond(s, "$a", b"myexec and exec"),
        "a later whole word counts"
    );
    assert!(cond(s, "#a == 1", b"myexec and exec"));
    assert!(cond(s, "@a[1] == 11", b"myexec and exec"));
    assert!(!cond(
        r#"$a = "exec" fullword wide"#,
        "$a",
        b"e\0x\0e\0c\0u\0"
    ));
    assert!(cond(
        r#"$a = "exec" fullword wide"#,
        "$a",
        b" \0e\0x\0e\0c\0(\0"
    ));
}

#[test]
fn xor() {
    let enc: Vec<u8> = b"http://".iter().map(|b| b ^ 0x5a).collect();
    assert!(cond(r#"$a = "http://" xor"#, "$a", &enc));
    assert!(cond(r#"$a = "http://" xor(0x5a)"#, "$a", &enc));
    assert!(cond(r#"$a = "http://" xor(0x50-0x60)"#, "$a", &enc));
    assert!(!cond(r#"$a = "http://" xor(1-0x20)"#, "$a", &enc));
    assert!(
        cond(r#"$a = "http://" xor"#, "$a", b"http://"),
        "key 0 is included"
    );
}

#[test]
fn base64() {
    // "exec(" inside a base64 blob, at each of the three alignments.
    for blob in ["ZXhlYygp", "eGV4ZWMoKQ==", "eHhleGVjKCk="] {
        assert!(
            cond(r#"$a = "exec(" base64"#, "$a", blob.as_bytes()),
            "{blob}"
        );
    }
    assert!(!cond(r#"$a = "exec(" base64"#, "$a", b"exec("));
    let wide: Vec<u8> = "ZXhlYygp".bytes().flat_map(|b| [b, 0]).collect();
    assert!(cond(r#"$a = "exec(" base64wide"#, "$a", &wide));
    assert!(!cond(r#"$a = "exec(" base64wide"#, "$a", b"ZXhlYygp"));
    // A custom alphabet: the standard one reversed.
    let alpha: String = strings::STD_ALPHABET
        .iter()
        .rev()
        .map(|&b| b as char)
        .collect();
    let std_enc = "ZXhlYygp";
    let custom: String = std_enc
        .bytes()
        .map(|c| {
            let i = strings::STD_ALPHABET.iter().position(|&x| x == c).unwrap();
            alpha.as_bytes()[i] as char
        })
        .collect();
    assert!(cond(
        &format!(r#"$a = "exec(" base64("{alpha}")"#),
        "$a",
        custom.as_bytes()
    ));
}

#[test]
fn hex_strings() {
    let mz = b"MZ\x90\x00\x03\x00";
    assert!(cond("$a = { 4D 5A 90 00 }", "$a", mz));
    assert!(cond("$a = { 4d 5a ?? 00 }", "$a", mz));
    assert!(cond("$a = { 4D 5A 9? 00 }", "$a", mz));
    assert!(cond("$a = { 4D 5A ?0 00 }", "$a", mz));
    assert!(!cond("$a = { 4D 5A ?1 00 }", "$a", mz));
    assert!(cond("$a = { 4D 5A ~91 00 }", "$a", mz));
    assert!(!cond("$a = { 4D 5A ~90 00 }", "$a", mz));
    assert!(cond("$a = { 4D [1] 90 }", "$a", mz));
    assert!(cond("$a = { 4D [0-3] 03 }", "$a", mz));
    assert!(!cond("$a = { 4D [0-1] 03 }", "$a", mz));
    assert!(cond("$a = { 4D [2-] 03 }", "$a", mz));
    assert!(cond("$a = { 4D [-] 03 }", "$a", mz));
    assert!(cond("$a = { 4D ( 11 22 | 5A ) 90 }", "$a", mz));
    assert!(cond("$a = { 4D ( 11 | 5A ( 90 | 91 ) ) 00 }", "$a", mz));
    assert!(!cond("$a = { 4D ( 11 | 22 ) 90 }", "$a", mz));
    assert!(cond("$a = { 4D 5A // comment\n /* block */ 90 }", "$a", mz));
}

#[test]
fn regex_strings() {
    assert!(cond(r"$a = /ev[i1]l\.example/", "$a", b"ev1l.example"));
    assert!(!cond(r"$a = /ev[i1]l\.example/", "$a", b"EVIL.example"));
    assert!(cond(r"$a = /ev[i1]l\.example/i", "$a", b"EVIL.example"));
    assert!(cond(
        r"$a = /ev[i1]l\.example/ nocase",
        "$a",
        b"EVIL.example"
    ));
    assert!(!cond(r"$a = /a.b/", "$a", b"a\nb"));
    assert!(cond(r"$a = /a.b/s", "$a", b"a\nb"));
    assert!(cond(
        r"$a = /https?:\/\/\d{1,3}(\.\d{1,3}){3}/",
        "$a",
        b"http://10.0.0.1/x"
    ));
    assert!(cond(r"$a = /x{,2}y/", "$a", b"xxy"));
    assert!(
        cond(r"$a = /a{b/", "$a", b"a{b"),
        "a brace that is no repetition is literal"
    );
    assert!(cond(r"$a = /[\]x]+!/", "$a", b"]x]!"));
    assert!(cond(r"$a = /[]a]b/", "$a", b"]b"));
    assert!(cond(r"$a = /\x41\x00/", "$a", b"A\x00"));
    assert!(cond(r"$a = /é/", "$a", "café".as_bytes()));
    assert!(cond(r"$a = /\bexec\b/", "$a", b"(exec)"));
    assert!(!cond(r"$a = /\bexec\b/", "$a", b"execute"));
    assert!(cond(r"$a = /^#!/", "$a", b"#!/bin/sh"));
    assert!(!cond(r"$a = /^#!/", "$a", b" #!/bin/sh"));
    assert!(cond(r"$a = /exec/ fullword", "$a", b"(exec)"));
    assert!(!cond(r"$a = /exec/ fullword", "$a", b"execute"));
}

#[test]
fn anonymous_and_private_strings() {
    let src =
        r#"rule t { strings: $ = "aaa" $ = "bbb" $p = "ppp" private condition: all of them }"#;
    let rules = compile(src).unwrap();
    assert_eq!(rules[0].strings[0].ident, "$");
    assert!(rules[0].strings[2].private);
    let sc = Scanner::new(rules);
    let m = sc.scan(b"ppp aaa bbb");
    assert_eq!(m.len(), 1);
    // The reported location prefers a public string.
    assert_eq!(
        m[0].hit,
        Some(StringHit {
            ident: "$".into(),
            start: 4,
            end: 7
        })
    );
}

// ---- conditions ----

#[test]
fn boolean_operators_and_precedence() {
    let s = r#"$a = "aa" $b = "bb" $c = "cc""#;
    assert!(cond(s, "$a and $b or $c", b"cc"));
    assert!(!cond(s, "$a and ($b or $c)", b"cc"));
    assert!(cond(s, "not $a and $c", b"cc"));
    assert!(!cond(s, "not ($a or $c)", b"cc"));
    assert!(cond("", "true", b""));
    assert!(!cond("", "false", b""));
    assert!(cond("", "not false and (true or false)", b""));
}

#[test]
fn counts_offsets_and_lengths() {
    let s = r#"$a = "ab" $r = /x+/"#;
    let data = b"ab..ab..ab xxx";
    assert!(cond(s, "#a == 3", data));
    assert!(cond(s, "#a > 2 and #a < 4", data));
    assert!(cond(s, "#a in (1..8) == 2", data));
    assert!(cond(s, "#a in (0..3) == 1", data));
    assert!(cond(
        s,
        "@a == 0 and @a[1] == 0 and @a[2] == 4 and @a[3] == 8",
        data
    ));
    assert!(!cond(s, "@a[4] == 0", data), "a missing match is undefined");
    assert!(
        !cond(s, "not (@a[4] == 0)", data),
        "undefined stays false under not"
    );
    assert!(cond(s, "!a == 2 and !r == 3 and !r[2] == 2", data));
    // Overlapping occurrences count, as in YARA.
    assert!(cond(r#"$a = "aa""#, "#a == 3", b"aaaa"));
    assert!(cond(r#"$a = "aa""#, "#a == 0", b"bbbb"));
}

#[test]
fn at_and_in() {
    let s = r#"$a = "ab""#;
    let data = b"..ab....ab";
    assert!(cond(s, "$a at 2", data));
    assert!(cond(s, "$a at 8", data));
    assert!(!cond(s, "$a at 3", data));
    assert!(cond(s, "$a in (0..2)", data));
    assert!(!cond(s, "$a in (3..7)", data));
    assert!(cond(s, "$a in (3..filesize)", data));
    assert!(cond(r"$mz = { 4D 5A }", "$mz at 0", b"MZ.."));
}

#[test]
fn of_them_and_sets() {
    let s = r#"$s1 = "one" $s2 = "two" $t = "three""#;
    let data = b"one two";
    assert!(cond(s, "any of them", data));
    assert!(!cond(s, "all of them", data));
    assert!(cond(s, "2 of them", data));
    assert!(!cond(s, "3 of them", data));
    assert!(cond(s, "all of ($s*)", data));
    assert!(cond(s, "all of ($s1, $s2)", data));
    assert!(!cond(s, "any of ($t)", data));
    assert!(cond(s, "none of ($t)", data));
    assert!(cond(s, "1 of ($s*, $t)", data));
    assert!(cond(s, "50% of them", data));
    assert!(!cond(s, "70% of them", data));
    assert!(cond(s, "(1 + 1) of them", data));
    assert!(cond(s, "any of them at 4", data));
    assert!(!cond(s, "any of them at 5", data));
    assert!(cond(s, "all of ($s*) in (0..10)", data));
    assert!(cond(s, "any of ($*)", data));
}

#[test]
fn for_of() {
    let s = r#"$a = "aa" $b = "bb""#;
    assert!(cond(s, "for all of them : ( # > 1 )", b"aa aa bb bb"));
    assert!(!cond(s, "for all of them : ( # > 1 )", b"aa aa bb"));
    assert!(cond(s, "for any of them : ( $ at 0 )", b"bb aa"));
    assert!(cond(
        s,
        "for 2 of ($a, $b) : ( @ < 10 and ! == 2 )",
        b"bb aa"
    ));
    assert!(cond(s, "for none of them : ( $ in (5..9) )", b"bb aa"));
}

#[test]
fn filesize_and_units() {
    assert!(cond("", "filesize < 1KB", &[0; 1023]));
    assert!(!cond("", "filesize < 1KB", &[0; 1024]));
    assert!(cond("", "filesize == 0x10", &[0; 16]));
    assert!(cond("", "filesize > 1MB - 1", &vec![0; 1 << 20]));
}

#[test]
fn integer_reads_and_arithmetic() {
    let elf = b"\x7fELF\x02\x01\x01\x00";
    assert!(cond("", "uint32(0) == 0x464C457F", elf));
    assert!(cond("", "uint32be(0) == 0x7F454C46", elf));
    assert!(cond(
        "",
        "uint16(0) == 0x457f and uint16be(0) == 0x7f45",
        elf
    ));
    assert!(cond("", "uint8(4) == 2 and int8(0) == 127", elf));
    assert!(cond("", "int8(0) - 128 == -1", elf));
    assert!(cond("", "int16be(0) == 0x7f45", elf));
    assert!(cond("", "int8(0) + 1 == 128", elf));
    assert!(cond("", "int32(0) & 0xff == 0x7f", elf));
    assert!(cond("", "int8(0) == 127", b"\x7f"));
    assert!(cond("", "int8(0) == -1", b"\xff"));
    assert!(
        !cond("", "uint32(6) == 0", elf),
        "a read past the end is undefined"
    );
    assert!(cond(
        "",
        "(1 << 4) | 1 == 17 and 7 \\ 2 == 3 and 7 % 4 == 3 and 6 ^ 3 == 5",
        b""
    ));
    assert!(cond("", "~0 == -1 and -(2 * 3) == -6", b""));
    assert!(
        !cond("", "1 \\ 0 == 0", b""),
        "division by zero is undefined"
    );
}

// ---- errors and their positions ----

#[test]
fn errors_point_at_the_offending_text() {
    let (code, line, col, msg) =
        error_at("rule a {\n  strings:\n    $a = \"x\"\n  condition:\n    $b\n}\n");
    assert_eq!((code, line, col), ("Y004", 5, 5), "{msg}");
    assert!(msg.contains("undefined string `$b`"), "{msg}");

    let (code, line, col, msg) =
        error_at("rule a {\n  strings:\n    $a = { 4D 5Z }\n  condition: $a\n}");
    assert_eq!((code, line, col), ("Y003", 3, 15), "{msg}");

    let (code, line, col, msg) = error_at("import \"pe\"\nrule a { condition: true }");
    assert_eq!((code, line, col), ("Y002", 1, 1), "{msg}");
    assert!(msg.contains("modules are not supported"), "{msg}");

    let (code, line, col, _) = error_at("rule a {\n  condition:\n    pe.is_dll()\n}");
    assert_eq!((code, line, col), ("Y002", 3, 5));

    let (code, line, col, msg) = error_at("rule a {\n strings:\n  $a = \"abc\n condition: $a }");
    assert_eq!((code, line, col), ("Y001", 3, 8), "{msg}");

    let (code, line, col, msg) = error_at("rule a { strings: $a = /a\\pL/ condition: $a }");
    assert_eq!((code, line, col), ("Y003", 1, 26), "{msg}");
    assert!(msg.contains("`\\p` is not supported"), "{msg}");

    let (code, _, col, msg) = error_at("rule a { strings: $a = /(?i)a/ condition: $a }");
    assert_eq!((code, col), ("Y003", 25), "{msg}");

    let (code, _, col, _) = error_at("rule a { strings: $a = /ab/ wide condition: $a }");
    assert_eq!((code, col), ("Y002", 29));

    let (code, _, col, msg) = error_at("rule a { strings: $a = /a)/ condition: $a }");
    assert_eq!((code, col), ("Y003", 24), "{msg}");

    let (code, _, col, msg) = error_at("rule a { strings: $a = \"x\" condition: $a + 1 }");
    assert_eq!((code, col), ("Y005", 39), "{msg}");

    let (code, _, col, _) = error_at("rule a { condition: true }\nrule a { condition: true }");
    assert_eq!((code, col), ("Y006", 6));

    let (code, line, col, _) = error_at("rule a {\n condition:\n  $a and\n}");
    assert_eq!((code, line, col), ("Y004", 3, 3));

    let (code, line, col, msg) = error_at("rule a {\n condition:\n  true and\n}");
    assert_eq!((code, line, col), ("Y001", 4, 1), "{msg}");
    assert!(msg.contains("expected an expression, found `}`"), "{msg}");

    let (code, _, col, _) = error_at("global rule a { condition: true }");
    assert_eq!((code, col), ("Y002", 1));

    let (code, _, col, _) = error_at("rule a { condition: for any i in (1..3) : ( true ) }");
    assert_eq!((code, col), ("Y002", 29));

    let (code, _, col, _) = error_at("rule a { strings: $a = \"x\" nocase xor condition: $a }");
    assert_eq!((code, col), ("Y003", 19));

    let (code, _, col, _) = error_at("rule a { strings: $a = { 4D } nocase condition: $a }");
    assert_eq!((code, col), ("Y003", 31));

    let (code, _, col, _) = error_at("rule a { condition: unknown_rule }");
    assert_eq!((code, col), ("Y004", 21));

    let (code, _, col, _) = error_at("rule a { condition: 1.5 > 1 }");
    assert_eq!((code, col), ("Y001", 21));

    let (code, _, col, _) = error_at("rule a { strings: $a = \"\" condition: $a }");
    assert_eq!((code, col), ("Y003", 24));
}

#[test]
fn greedy_regexes_stay_bounded() {
    // Every start offset of `a.*b` matches to the last `b`: without a bound, counting the
    // matches would search quadratically.
    let data = vec![b'a'; 2 << 20];
    let mut data = data;
    data.push(b'b');
    let start = std::time::Instant::now();
    assert!(cond(r"$a = /a.*b/s", "#a > 10", &data));
    assert!(
        start.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn atoms_prefilter_and_lazy_regexes() {
    let src = r#"rule t {
        strings:
            $text = "evil.example"
            $hex = { ?? ?? 4D 5A 90 }
            $re = /[a-z]+[0-9]/
            $short = "x"
            $alt = { 4D 5A ( 11 22 | 33 44 ) }
        condition: any of them
    }"#;
    let rules = compile(src).unwrap();
    let atoms: Vec<Option<Vec<Vec<u8>>>> = rules[0]
        .strings
        .iter()
        .map(|s| s.atoms().map(|a| a.literals.clone()))
        .collect();
    assert_eq!(atoms[0], Some(vec![b"evil.example".to_vec()]));
    assert_eq!(
        atoms[1],
        Some(vec![b"MZ\x90".to_vec()]),
        "a suffix when the prefix is a wildcard"
    );
    assert_eq!(atoms[2], None, "no literal: the regex runs on every buffer");
    assert_eq!(atoms[3], None, "one byte narrows nothing");
    assert_eq!(
        atoms[4],
        Some(vec![b"MZ\x11\x22".to_vec(), b"MZ\x33\x44".to_vec()])
    );
    let sc = Scanner::new(rules);
    assert_eq!(sc.scan(b"..MZ\x33\x44").len(), 1);
    assert_eq!(sc.scan(b"EVIL.EXAMPLE evil.example").len(), 1);
    assert_eq!(sc.scan(b"AB MZ").len(), 0);
    assert_eq!(sc.scan(b"x").len(), 1);
    assert_eq!(sc.scan(b"ab1").len(), 1);
}

#[test]
fn huge_strings_are_rejected_at_load() {
    let (code, _, col, msg) =
        error_at("rule a { strings: $a = /(a{1000}){1000}[0-9]{2000}/ condition: $a }");
    assert_eq!((code, col), ("Y003", 24), "{msg}");
    assert!(msg.contains("too large"), "{msg}");
    // Large but within bounds: a long hex jump.
    assert!(cond("$a = { 4D 5A [0-100000] 50 45 }", "$a", b"MZ....PE"));
}

#[test]
fn nocase_atoms_are_searched_ignoring_case() {
    let src = r#"rule t { strings: $a = "PowerShell -Enc" nocase $b = /iex\s*\(/i $c = "Mixed" condition: any of them }"#;
    let rules = compile(src).unwrap();
    let a = rules[0].strings[0].atoms().unwrap();
    assert_eq!(
        (a.literals.clone(), a.nocase),
        (vec![b"powershell -enc".to_vec()], true)
    );
    let b = rules[0].strings[1].atoms().unwrap();
    assert!(
        b.nocase && b.literals.iter().all(|l| l.starts_with(b"iex")),
        "{b:?}"
    );
    assert!(!rules[0].strings[2].atoms().unwrap().nocase);
    let sc = Scanner::new(rules);
    assert_eq!(sc.scan(b"POWERSHELL -enc AAA").len(), 1);
    assert_eq!(sc.scan(b"x = IEX (y)").len(), 1);
    assert_eq!(sc.scan(b"Mixed").len(), 1);
    assert_eq!(sc.scan(b"mixed powershell").len(), 0);
}
