//! Comparing header names and reading the shape of cell values.

use crate::Target;

/// The form in which header names (and `mapping` keys) are compared.
///
/// Turkish headers arrive in every spelling: `ADI SOYADI`, `Adı Soyadı`, `adi soyadi`, `Ad-Soyad`.
/// Lower-casing alone does not equate them (`I` lower-cases to `i` outside Turkish, `İ` to `i̇`), so
/// the four Turkish i's become one ASCII `i`, the other Turkish letters lose their marks, and
/// everything that is not a letter or digit (spaces, dashes, dots, underscores) is dropped.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let ascii = match c {
            'İ' | 'I' | 'ı' | 'i' | 'Î' | 'î' => 'i',
            'Ş' | 'ş' => 's',
            'Ç' | 'ç' => 'c',
            'Ğ' | 'ğ' => 'g',
            'Ü' | 'ü' | 'Û' | 'û' => 'u',
            'Ö' | 'ö' => 'o',
            'Â' | 'â' => 'a',
            c if c.is_alphanumeric() => {
                out.extend(c.to_lowercase());
                continue;
            }
            _ => continue,
        };
        out.push(ascii);
    }
    out
}

/// The field a column goes to by its header alone, Turkish or English; `None` for any other header
/// (which then becomes a custom field). Takes a [`fold`]ed header.
pub fn auto_target(folded: &str) -> Option<Target> {
    Some(match folded {
        "telefon" | "tel" | "phone" | "gsm" | "cep" | "ceptelefonu" | "ceptel" | "mobile"
        | "mobilephone" | "numara" | "number" | "telefonnumarasi" | "telefonno" | "telno"
        | "phonenumber" | "whatsapp" => Target::Phone,
        // `ad` and `isim` are the given name in a form that also has `soyad`/`soyisim`; a single
        // column holding the whole name is usually headed `ad soyad` or `name`.
        "ad" | "adi" | "isim" | "firstname" | "givenname" => Target::FirstName,
        "soyad" | "soyadi" | "soyisim" | "lastname" | "surname" | "familyname" => Target::LastName,
        "adsoyad" | "adsoyadi" | "adisoyadi" | "isimsoyisim" | "isimsoyad" | "fullname"
        | "name" | "musteri" | "musteriadi" => Target::FullName,
        "eposta" | "epostaadresi" | "email" | "emailaddress" | "mail" => Target::Email,
        "etiket" | "etiketler" | "tags" | "tag" | "grup" | "gruplar" => Target::Tags,
        _ => return None,
    })
}

/// Whether a cell holds what is most likely a phone number: at least 7 digits, little besides
/// digits and the usual separators, and not a date (`12.05.1990` also has 8 digits).
pub fn looks_like_phone(cell: &str) -> bool {
    let cell = cell.trim();
    let digits = cell.chars().filter(char::is_ascii_digit).count();
    let other = cell
        .chars()
        .filter(|c| !c.is_ascii_digit() && !matches!(c, ' ' | '+' | '-' | '(' | ')' | '.' | '/'))
        .count();
    digits >= 7 && other * 4 <= digits && !looks_like_date(cell)
}

fn looks_like_date(cell: &str) -> bool {
    let parts: Vec<&str> = cell.split(['-', '.', '/']).collect();
    let lengths: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
        && matches!(lengths.as_slice(), [4, 1..=2, 1..=2] | [1..=2, 1..=2, 4])
}

/// Splits a whole name: the last word is the surname, the words before it the given name
/// (`Mehmet Ali Kaya` → `Mehmet Ali`, `Kaya`). A single word is a given name.
pub fn split_full_name(name: &str) -> (Option<String>, Option<String>) {
    let words: Vec<&str> = name.split_whitespace().collect();
    match words.as_slice() {
        [] => (None, None),
        [only] => (Some((*only).to_owned()), None),
        [given @ .., last] => (Some(given.join(" ")), Some((*last).to_owned())),
    }
}

/// The tags in a cell: `müşteri, vip`, `müşteri;vip` and `müşteri | vip` all give two.
pub fn split_tags(cell: &str) -> Vec<String> {
    cell.split([',', ';', '|'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_turkish_spellings_together() {
        for header in [
            "Adı Soyadı",
            "ADI SOYADI",
            "adi soyadi",
            "Adı-Soyadı",
            " adı_soyadı ",
        ] {
            assert_eq!(fold(header), "adisoyadi", "{header}");
        }
        assert_eq!(fold("İSİM"), "isim");
        assert_eq!(fold("Isım"), "isim");
        assert_eq!(fold("E-Posta"), "eposta");
        assert_eq!(fold("Şehir"), "sehir");
        assert_eq!(fold("Müşteri Adı"), "musteriadi");
        assert_eq!(fold("Doğum Tarihi"), "dogumtarihi");
        // `İ` written as `I` + combining dot above
        assert_eq!(fold("I\u{307}sim"), "isim");
    }

    #[test]
    fn maps_known_headers() {
        let target = |h: &str| auto_target(&fold(h));
        assert_eq!(target("Telefon"), Some(Target::Phone));
        assert_eq!(target("Cep Telefonu"), Some(Target::Phone));
        assert_eq!(target("TELEFON NUMARASI"), Some(Target::Phone));
        assert_eq!(target("WhatsApp"), Some(Target::Phone));
        assert_eq!(target("İsim"), Some(Target::FirstName));
        assert_eq!(target("Ad"), Some(Target::FirstName));
        assert_eq!(target("First Name"), Some(Target::FirstName));
        assert_eq!(target("Soyadı"), Some(Target::LastName));
        assert_eq!(target("Soyisim"), Some(Target::LastName));
        assert_eq!(target("Surname"), Some(Target::LastName));
        assert_eq!(target("Ad Soyad"), Some(Target::FullName));
        assert_eq!(target("Ad-Soyad"), Some(Target::FullName));
        assert_eq!(target("İsim Soyisim"), Some(Target::FullName));
        assert_eq!(target("Name"), Some(Target::FullName));
        assert_eq!(target("Müşteri"), Some(Target::FullName));
        assert_eq!(target("E-posta"), Some(Target::Email));
        assert_eq!(target("e-mail"), Some(Target::Email));
        assert_eq!(target("Etiketler"), Some(Target::Tags));
        assert_eq!(target("Grup"), Some(Target::Tags));
        assert_eq!(target("Şehir"), None);
        assert_eq!(target(""), None);
    }

    #[test]
    fn recognises_phones() {
        for phone in [
            "0532 123 45 67",
            "+90 (533) 765 43 21",
            "905321234567",
            "532-123-4567",
        ] {
            assert!(looks_like_phone(phone), "{phone}");
        }
        for other in [
            "12",
            "Ayşe Yılmaz",
            "12.05.1990",
            "1990-05-12",
            "ayse@example.com",
            "",
        ] {
            assert!(!looks_like_phone(other), "{other}");
        }
    }

    #[test]
    fn splits_names() {
        let some = |s: &str| Some(s.to_owned());
        assert_eq!(
            split_full_name("Ayşe Yılmaz"),
            (some("Ayşe"), some("Yılmaz"))
        );
        assert_eq!(
            split_full_name(" Mehmet  Ali Kaya "),
            (some("Mehmet Ali"), some("Kaya"))
        );
        assert_eq!(split_full_name("Ayşe"), (some("Ayşe"), None));
        assert_eq!(split_full_name("  "), (None, None));
    }

    #[test]
    fn splits_tags() {
        assert_eq!(split_tags("müşteri, vip"), ["müşteri", "vip"]);
        assert_eq!(split_tags("a;b|c,,"), ["a", "b", "c"]);
        assert!(split_tags(" ").is_empty());
    }
}
