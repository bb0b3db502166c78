//! Civil time from a Unix timestamp, so plugins need no date library for the common cases.

/// A wall-clock date and time (no time zone attached: the host already applied the offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalTime {
    pub year: i64,
    /// 1–12
    pub month: u32,
    /// 1–31
    pub day: u32,
    /// 0–23
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// 0 = Monday … 6 = Sunday
    pub weekday: u32,
}

impl LocalTime {
    pub fn from_unix_ms(ms: i64) -> Self {
        let secs = ms.div_euclid(1000);
        let days = secs.div_euclid(86_400);
        let of_day = secs.rem_euclid(86_400);
        // Howard Hinnant's days-to-civil algorithm.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        LocalTime {
            year,
            month,
            day,
            hour: (of_day / 3600) as u32,
            minute: (of_day % 3600 / 60) as u32,
            second: (of_day % 60) as u32,
            // 1970-01-01 was a Thursday.
            weekday: (days + 3).rem_euclid(7) as u32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::LocalTime;

    #[test]
    fn civil_time_matches_known_dates() {
        // 2026-11-24T09:30:15Z, a Tuesday.
        let t = LocalTime::from_unix_ms(1_795_512_615_000);
        assert_eq!((t.year, t.month, t.day), (2026, 11, 24));
        assert_eq!((t.hour, t.minute, t.second, t.weekday), (9, 30, 15, 1));
        let epoch = LocalTime::from_unix_ms(0);
        assert_eq!(
            (epoch.year, epoch.month, epoch.day, epoch.weekday),
            (1970, 1, 1, 3)
        );
        let before = LocalTime::from_unix_ms(-1000);
        assert_eq!(
            (before.year, before.month, before.day, before.hour),
            (1969, 12, 31, 23)
        );
        let leap = LocalTime::from_unix_ms(951_782_400_000);
        assert_eq!((leap.year, leap.month, leap.day), (2000, 2, 29));
    }
}
