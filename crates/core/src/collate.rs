//! How names sort in every list, the window's and `mbadmin`'s alike: German dictionary order
//! (DIN 5007-1: Ä with A, ö with o, ß as ss, case ignored) with numbers compared by value, so
//! "Anna Bauer 415" comes before "Anna Bauer 2815". The store registers [`compare`] as the
//! SQLite collation [`NAME`]; nothing else sorts names.

use std::cmp::Ordering;

/// The collation's name in SQL (`ORDER BY name COLLATE natural_de`).
pub const NAME: &str = "natural_de";

/// The order of two names: letters by their base letter (accents, umlauts and case ignored,
/// ß as ss, æ as ae), runs of digits by their value; on a tie, the unaccented and then the
/// lower-case name first, and at last the bytes, so that only equal strings compare equal.
pub fn compare(a: &str, b: &str) -> Ordering {
    primary(a, b)
        .then_with(|| secondary(a, b))
        .then_with(|| a.cmp(b))
}

/// One unit of the primary comparison: a base letter (or any other character), or a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit<'a> {
    Char(char),
    /// The digits of a number without its leading zeros ("" for zero).
    Num(&'a str),
}

impl Unit<'_> {
    /// A number sorts where its first digit would: after spaces and punctuation, before letters.
    fn rank(&self) -> char {
        match self {
            Unit::Char(c) => *c,
            Unit::Num(_) => '0',
        }
    }

    fn cmp(&self, other: &Unit) -> Ordering {
        match (self, other) {
            (Unit::Num(x), Unit::Num(y)) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

/// The units of a name, with characters folded to their base letters.
struct Units<'a> {
    rest: &'a str,
    /// The second letter of an expansion (ß → s s) still to come.
    pending: Option<char>,
}

impl<'a> Units<'a> {
    fn new(s: &'a str) -> Self {
        Units {
            rest: s,
            pending: None,
        }
    }
}

impl<'a> Iterator for Units<'a> {
    type Item = Unit<'a>;

    fn next(&mut self) -> Option<Unit<'a>> {
        if let Some(c) = self.pending.take() {
            return Some(Unit::Char(c));
        }
        let c = self.rest.chars().next()?;
        if c.is_ascii_digit() {
            let end = self
                .rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(self.rest.len());
            let digits = &self.rest[..end];
            self.rest = &self.rest[end..];
            return Some(Unit::Num(digits.trim_start_matches('0')));
        }
        self.rest = &self.rest[c.len_utf8()..];
        let (first, second) = fold(c);
        self.pending = second;
        Some(Unit::Char(first))
    }
}

/// A character's base letter in lower case (and the second letter of ß, æ, œ).
fn fold(c: char) -> (char, Option<char>) {
    let lower = if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        // A character whose lower case is several (İ) keeps the first of them.
        c.to_lowercase().next().unwrap_or(c)
    };
    let base = match lower {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'ĉ' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
        'ğ' => 'g',
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' => 'i',
        'ł' | 'ľ' | 'ĺ' => 'l',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ŕ' | 'ř' => 'r',
        'ś' | 'š' | 'ş' => 's',
        'ť' | 'ţ' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        'ß' => return ('s', Some('s')),
        'æ' => return ('a', Some('e')),
        'œ' => return ('o', Some('e')),
        other => other,
    };
    (base, None)
}

fn primary(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (Units::new(a), Units::new(b));
    loop {
        match (x.next(), y.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) => match p.cmp(&q) {
                Ordering::Equal => {}
                other => return other,
            },
        }
    }
}

/// Among names equal but for accents and case: "Muller" before "Müller", "anna" before "Anna".
fn secondary(a: &str, b: &str) -> Ordering {
    let accents = |s: &str| -> Vec<bool> {
        s.chars()
            .map(|c| {
                let l = c.to_lowercase().next().unwrap_or(c);
                fold(l).0 != l
            })
            .collect()
    };
    let upper = |s: &str| -> Vec<bool> { s.chars().map(char::is_uppercase).collect() };
    accents(a)
        .cmp(&accents(b))
        .then_with(|| upper(a).cmp(&upper(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(names: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        v.sort_by(|a, b| compare(a, b));
        v
    }

    #[test]
    fn numbers_sort_by_value() {
        assert_eq!(
            sorted(&[
                "Anna Bauer 2815",
                "Anna Bauer 415",
                "Anna Bauer 42",
                "Anna Bauer 5"
            ]),
            [
                "Anna Bauer 5",
                "Anna Bauer 42",
                "Anna Bauer 415",
                "Anna Bauer 2815"
            ]
        );
        assert_eq!(compare("Server 9", "Server 10"), Ordering::Less);
        assert_ne!(compare("a007", "a7"), Ordering::Equal);
        assert_eq!(compare("x2y", "x10a"), Ordering::Less);
        // A number longer than any integer type still compares by value.
        assert_eq!(
            compare("n 99999999999999999999999", "n 100000000000000000000000"),
            Ordering::Less
        );
    }

    #[test]
    fn umlauts_sort_with_their_base_letter_and_case_is_ignored() {
        assert_eq!(
            sorted(&["Zander", "Özil", "Otto", "Ärger", "Bauer", "apfel", "Oz"]),
            ["apfel", "Ärger", "Bauer", "Otto", "Oz", "Özil", "Zander"]
        );
        assert_eq!(compare("Übel", "Uhr"), Ordering::Less);
        assert_eq!(compare("über", "Uber"), Ordering::Greater); // tie: unaccented first
        assert_eq!(compare("zeta", "Alpha"), Ordering::Greater);
        assert_eq!(compare("Émile", "Eva"), Ordering::Less);
    }

    #[test]
    fn sharp_s_sorts_as_ss() {
        assert_eq!(
            sorted(&["Strauss", "Straße", "Strasse", "Strauß", "Strase", "Strat"]),
            ["Strase", "Strasse", "Straße", "Strat", "Strauss", "Strauß"]
        );
        assert_eq!(primary("Maßnahme", "Massnahme"), Ordering::Equal);
    }

    #[test]
    fn only_equal_strings_compare_equal() {
        for (a, b) in [
            ("Anna", "anna"),
            ("Müller", "Muller"),
            ("a01", "a1"),
            ("ß", "ss"),
        ] {
            assert_ne!(compare(a, b), Ordering::Equal, "{a} / {b}");
            assert_eq!(compare(a, b), compare(b, a).reverse(), "{a} / {b}");
        }
        assert_eq!(compare("Anna", "Anna"), Ordering::Equal);
    }

    #[test]
    fn punctuation_and_spaces_come_before_digits_and_letters() {
        assert_eq!(
            sorted(&["ab", "a b", "a1", "a-b", "a"]),
            ["a", "a b", "a-b", "a1", "ab"]
        );
    }
}
