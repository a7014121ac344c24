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
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        let pair = b.get(i..i + 2);
        if pair == Some(b"rn") {
            out.push('m');
            i += 2;
            continue;
        }
        if pair == Some(b"vv") {
            out.push('w');
            i += 2;
            continue;
        }
        out.push(match b[i] {
            b'0' => 'o',
            b'1' => 'l',
            _ => {
                // Not ASCII: copy the whole character.
                let c = s[i..].chars().next().unwrap_or('\u{fffd}');
                out.push(c);
                i += c.len_utf8();
                continue;
            }
        });
        i += 1;
    }
    out
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
