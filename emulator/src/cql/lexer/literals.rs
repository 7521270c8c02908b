//! Scanners for the literals that share their first characters with words and numbers
//! (UUIDs, durations, hex blobs), kept apart from the token loop in `lexer.rs`.

use super::is_ident_char;

/// Pairs hex digits into bytes, as `Hex.hexToBytes` does; `None` for an odd count (which
/// Cassandra refuses with `cannot parse '...' as hex bytes`).
pub(crate) fn hex_bytes(digits: &str) -> Option<Vec<u8>> {
    if digits.len() % 2 == 1 {
        return None;
    }
    // Digit by digit, as `Hex.hexToBytes`: `from_str_radix` would take a sign ("+f").
    let digit = |b: u8| char::from(b).to_digit(16);
    digits
        .as_bytes()
        .chunks_exact(2)
        .map(|pair| match pair {
            [hi, lo] => u8::try_from(digit(*hi)? * 16 + digit(*lo)?).ok(),
            _ => None,
        })
        .collect()
}

pub(super) fn match_uuid(rest: &[char]) -> Option<uuid::Uuid> {
    const GROUPS: [usize; 5] = [8, 4, 4, 4, 12];
    let mut i = 0;
    for (g, len) in GROUPS.iter().enumerate() {
        if g > 0 {
            if rest.get(i) != Some(&'-') {
                return None;
            }
            i += 1;
        }
        for _ in 0..*len {
            if !rest.get(i)?.is_ascii_hexdigit() {
                return None;
            }
            i += 1;
        }
    }
    if rest.get(i).is_some_and(|c| is_ident_char(*c)) {
        return None;
    }
    let text: String = rest.iter().take(i).collect();
    uuid::Uuid::parse_str(&text).ok()
}

/// Length of a duration literal at the start of `rest` (without sign), if the whole word is one.
pub(super) fn match_duration(rest: &[char]) -> Option<usize> {
    let n = if rest.first().is_some_and(|c| c.is_ascii_digit()) {
        match_unit_duration(rest)?
    } else if matches!(rest.first(), Some('p' | 'P')) {
        match_iso_duration(rest)?
    } else {
        return None;
    };
    if rest.get(n).is_some_and(|c| is_ident_char(*c)) {
        None
    } else {
        Some(n)
    }
}

fn count_digits(rest: &[char], from: usize) -> usize {
    rest.iter()
        .skip(from)
        .take_while(|c| c.is_ascii_digit())
        .count()
}

fn lower(rest: &[char], i: usize) -> Option<char> {
    rest.get(i).map(char::to_ascii_lowercase)
}

/// `(DIGIT+ UNIT)+` with units y, mo, w, d, h, m, s, ms, us, µs, ns.
fn match_unit_duration(rest: &[char]) -> Option<usize> {
    let mut i = 0;
    let mut groups = 0;
    loop {
        let d = count_digits(rest, i);
        if d == 0 {
            break;
        }
        let u = i + d;
        let unit_len = match (lower(rest, u), lower(rest, u + 1)) {
            (Some('m'), Some('o' | 's')) | (Some('u' | 'µ' | 'n'), Some('s')) => 2,
            (Some('y' | 'w' | 'd' | 'h' | 'm' | 's'), _) => 1,
            _ => break,
        };
        i = u + unit_len;
        groups += 1;
    }
    (groups > 0).then_some(i)
}

/// `P[nY][nM][nD][T[nH][nM][nS]]`, `PnW`, or `PYYYY-MM-DDThh:mm:ss`.
fn match_iso_duration(rest: &[char]) -> Option<usize> {
    let mut i = 1;
    // Alternative format: P0001-02-03T04:05:06.
    let alt = "dddd-dd-ddTdd:dd:dd";
    if alt
        .chars()
        .enumerate()
        .all(|(k, p)| match (p, rest.get(1 + k)) {
            ('d', Some(c)) => c.is_ascii_digit(),
            ('T', Some(c)) => c.eq_ignore_ascii_case(&'t'),
            (p, Some(c)) => p == *c,
            _ => false,
        })
    {
        return Some(1 + alt.len());
    }
    let d = count_digits(rest, i);
    if d > 0 && lower(rest, i + d) == Some('w') {
        return Some(i + d + 1);
    }
    let mut parts = 0;
    for unit in ['y', 'm', 'd'] {
        let d = count_digits(rest, i);
        if d > 0 && lower(rest, i + d) == Some(unit) {
            i += d + 1;
            parts += 1;
        }
    }
    if lower(rest, i) == Some('t') {
        let mut j = i + 1;
        let mut time_parts = 0;
        for unit in ['h', 'm', 's'] {
            let d = count_digits(rest, j);
            if d > 0 && lower(rest, j + d) == Some(unit) {
                j += d + 1;
                time_parts += 1;
            }
        }
        if time_parts > 0 {
            i = j;
            parts += time_parts;
        }
    }
    (parts > 0).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::hex_bytes;

    #[test]
    fn hex_digits_pair_into_bytes() {
        assert_eq!(hex_bytes("00ff7A"), Some(vec![0x00, 0xff, 0x7a]));
        assert_eq!(hex_bytes(""), Some(vec![]));
    }

    #[test]
    fn signs_and_odd_counts_are_no_hex() {
        assert_eq!(hex_bytes("+f"), None);
        assert_eq!(hex_bytes("-1"), None);
        assert_eq!(hex_bytes("abc"), None);
        assert_eq!(hex_bytes("zz"), None);
    }
}
