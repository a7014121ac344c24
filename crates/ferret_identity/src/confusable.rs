//! Look-alike characters folded to what a reader would take them for.
//!
//! PyPI itself only accepts ASCII names, but names also reach ferret from package metadata,
//! requirement lines and import statements, where a Cyrillic `а` passes for a Latin `a`.

/// Maps Unicode look-alikes of ASCII letters, digits and separators to ASCII; drops invisible
/// characters. Input is expected to be lowercased already (as [`crate::normalize`] does), so only
/// lowercase forms are listed, including those of capitals that look Latin (`В` → `в` → `b`).
pub(crate) fn fold_unicode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c);
        } else if let Some(a) = fold_char(c) {
            out.push(a);
        } else if !is_invisible(c) {
            out.push(c);
        }
    }
    out
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}' | '\u{034f}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}'
    )
}

fn fold_char(c: char) -> Option<char> {
    let cp = c as u32;
    // Fullwidth forms and mathematical alphanumerics are whole alphabets: map by offset.
    match cp {
        0xff10..=0xff19 => return char::from_u32(cp - 0xff10 + u32::from(b'0')),
        0xff21..=0xff3a => return char::from_u32(cp - 0xff21 + u32::from(b'a')),
        0xff41..=0xff5a => return char::from_u32(cp - 0xff41 + u32::from(b'a')),
        // 13 styled alphabets of 52 letters (A-Z then a-z); reserved holes fold harmlessly.
        0x1d400..=0x1d6a3 => return char::from_u32((cp - 0x1d400) % 52 % 26 + u32::from(b'a')),
        0x1d7ce..=0x1d7ff => return char::from_u32((cp - 0x1d7ce) % 10 + u32::from(b'0')),
        _ => {}
    }
    let a = match c {
        // Separators that look like '-', '.' or '_'.
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe58}' | '\u{fe63}' | '\u{ff0d}' => '-',
        '\u{00b7}' | '\u{2024}' | '\u{2027}' | '\u{ff0e}' => '.',
        '\u{ff3f}' => '_',
        // Cyrillic.
        'а' | 'ӓ' | 'ӑ' => 'a',
        'в' | 'ь' => 'b',
        'с' | 'ҫ' => 'c',
        'ԁ' => 'd',
        'е' | 'ё' | 'ѐ' | 'є' => 'e',
        'һ' | 'н' => 'h',
        'і' | 'ї' | 'ӏ' => 'i',
        'ј' => 'j',
        'к' | 'қ' => 'k',
        'м' => 'm',
        'п' => 'n',
        'о' | 'ө' | 'ӧ' => 'o',
        'р' => 'p',
        'ԛ' => 'q',
        'г' => 'r',
        'ѕ' => 's',
        'т' => 't',
        'у' | 'ү' | 'ў' => 'y',
        'ѡ' | 'ԝ' | 'ш' => 'w',
        'х' | 'ҳ' => 'x',
        // Greek.
        'α' | 'ά' => 'a',
        'β' => 'b',
        'ε' | 'έ' => 'e',
        'η' => 'n',
        'ι' | 'ί' | 'ϊ' => 'i',
        'κ' => 'k',
        'μ' => 'u',
        'ν' => 'v',
        'ο' | 'ό' | 'σ' => 'o',
        'ρ' => 'p',
        'τ' => 't',
        'υ' | 'ύ' => 'u',
        'χ' => 'x',
        'ω' => 'w',
        'ζ' => 'z',
        // Armenian and Latin letters outside ASCII that pass for ASCII ones.
        'օ' => 'o',
        'ո' => 'n',
        'ս' => 'u',
        'ց' => 'g',
        'ɡ' | 'ğ' | 'ģ' | 'ĝ' | 'ġ' => 'g',
        'ı' | 'ɩ' | 'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' => 'i',
        'ł' | 'ŀ' | 'ľ' | 'ĺ' | 'ļ' | 'ℓ' => 'l',
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ɑ' => 'a',
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => 'e',
        'ĥ' | 'ħ' => 'h',
        'ĵ' => 'j',
        'ķ' => 'k',
        'ñ' | 'ń' | 'ņ' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => 'o',
        'ŕ' | 'ŗ' | 'ř' => 'r',
        'ś' | 'ŝ' | 'ş' | 'š' => 's',
        'ţ' | 'ť' | 'ŧ' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => 'u',
        'ŵ' => 'w',
        'ý' | 'ÿ' | 'ŷ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        _ => return None,
    };
    Some(a)
}

/// ASCII sequences that read as other ASCII sequences in common fonts. Both the candidate and
/// every popular name go through this, so `rnatplotlib` and `matplotlib` meet at one key.
pub(crate) fn visual_skeleton(s: &str) -> String {
    skeleton_chars(s).collect()
}

/// The characters of [`visual_skeleton`] one by one, so a scan can compare a name's skeleton
/// with a key and stop at the first difference without building it.
pub(crate) fn skeleton_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        let c = s[i..].chars().next()?;
        let (out, used) = match s.as_bytes().get(i..i + 2) {
            Some(b"rn") => ('m', 2),
            Some(b"vv") => ('w', 2),
            _ => match c {
                '0' => ('o', 1),
                '1' => ('l', 1),
                _ => (c, c.len_utf8()),
            },
        };
        i += used;
        Some(out)
    })
}

/// Whether a name starting with byte `name` can have a skeleton starting with byte `key`: a cheap
/// necessary test before comparing whole skeletons. A skeleton starts with the name's first
/// byte or with what that byte (alone or starting `rn`/`vv`) reads as.
pub(crate) fn skeleton_may_start(name: u8, key: u8) -> bool {
    let reads_as = match name {
        b'r' => b'm',
        b'v' => b'w',
        b'0' => b'o',
        b'1' => b'l',
        _ => name,
    };
    key == name || key == reads_as
}

/// Single-character substitutions that are homoglyphs rather than typos (the ones
/// [`visual_skeleton`] merges).
pub(crate) fn is_homoglyph_pair(a: u8, b: u8) -> bool {
    let (a, b) = if a < b { (a, b) } else { (b, a) };
    matches!((a, b), (b'0', b'o') | (b'1', b'l'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_cyrillic_and_fullwidth() {
        assert_eq!(fold_unicode("nump\u{0443}"), "numpy");
        assert_eq!(fold_unicode("ре\u{200b}quests"), "pequests");
        assert_eq!(fold_unicode("ｄｊａｎｇｏ"), "django");
        assert_eq!(fold_unicode("𝐟𝐥𝐚𝐬𝐤"), "flask");
    }

    #[test]
    fn visual_skeleton_merges_lookalikes() {
        assert_eq!(visual_skeleton("rnatplotlib"), "matplotlib");
        assert_eq!(visual_skeleton("vvheel"), "wheel");
        assert_eq!(visual_skeleton("b0t03"), "boto3");
        assert_eq!(visual_skeleton("ur11ib3"), "urllib3");
    }
}
