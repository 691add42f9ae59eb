//! Published times as pages write them, normalized: RFC 3339 in UTC when the time and its
//! zone are known, else the date alone.
//!
//! Shapes understood: ISO 8601 and its common variants (`2021-08-17T14:05:09+02:00`, a space
//! instead of `T`, no seconds, fractions, `+0200`, `+02`, `Z`, ` UTC`, `GMT`, the compact
//! `20210817`), RFC 2822 (`Tue, 17 Aug 2021 14:05:09 GMT`, as feeds and HTTP write it), a
//! written date with a 24-hour time and zone (`Sat, Dec 27 2014 21:44:39 +0000`), Unix
//! time in seconds or milliseconds, and every date form of `detect::dates` (`August 17, 2021`,
//! `17. August 2021`, `2021年8月17日`…), which gives the date alone. A local time without a
//! zone gives its date: the instant is unknown.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};

/// Longer strings are prose, not a date.
const MAX_DATE_LEN: usize = 120;

/// The normalized form of a date or time string, or `None` when it is not one.
pub(super) fn normalize(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() || s.len() > MAX_DATE_LEN {
        return None;
    }
    if let Some(v) = iso(s) {
        return Some(v);
    }
    if let Some(v) = unix(s) {
        return Some(v);
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(s) {
        return Some(utc(t));
    }
    if let Some(v) = written_with_time(s) {
        return Some(v);
    }
    crate::detect::dates::parse_date(s).map(|d| d.format("%Y-%m-%d").to_string())
}

fn utc(t: DateTime<FixedOffset>) -> String {
    t.with_timezone(&Utc)
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Unix time: 10 digits of seconds or 13 of milliseconds, between 2000 and 2100.
fn unix(s: &str) -> Option<String> {
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = s.parse().ok()?;
    let secs = match s.len() {
        10 => n,
        13 => n / 1000,
        _ => return None,
    };
    // 2000-01-01 to 2100-01-01.
    if !(946_684_800..4_102_444_800).contains(&secs) {
        return None;
    }
    let t = Utc.timestamp_opt(secs, 0).single()?;
    Some(t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// A small cursor over ASCII digits and separators.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, n: usize) -> Option<u32> {
        let d = self.b.get(self.i..self.i + n)?;
        if !d.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.i += n;
        Some(d.iter().fold(0, |acc, b| acc * 10 + u32::from(b - b'0')))
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn rest(&self) -> &[u8] {
        &self.b[self.i.min(self.b.len())..]
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
    }
}

/// ISO 8601 and its variants; `None` for anything else, so other parsers may try.
fn iso(s: &str) -> Option<String> {
    let mut c = Cursor {
        b: s.as_bytes(),
        i: 0,
    };
    let year = c.digits(4)?;
    let (month, day) = if c.eat(b'-') {
        let m = c.digits(2)?;
        c.eat(b'-').then_some(())?;
        (m, c.digits(2)?)
    } else {
        // Compact `20210817`, only as the whole string.
        let m = c.digits(2)?;
        let d = c.digits(2)?;
        if c.peek().is_some() {
            return None;
        }
        (m, d)
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    if !(1990..=2100).contains(&year) {
        return None;
    }
    if c.peek().is_none() {
        return Some(date.format("%Y-%m-%d").to_string());
    }
    if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
        return None;
    }
    at_time(date, &mut c)
}

/// The time and zone after a date (the cursor at the time), as an instant when the zone is
/// given: the date alone when it is not; `None` when what follows is not a time and zone.
fn at_time(date: NaiveDate, c: &mut Cursor<'_>) -> Option<String> {
    let hour = c.digits(2).or_else(|| c.digits(1))?;
    c.eat(b':').then_some(())?;
    let minute = c.digits(2)?;
    let second = if c.eat(b':') { c.digits(2)? } else { 0 };
    if c.eat(b'.') || c.eat(b',') {
        let start = c.i;
        while c.peek().is_some_and(|b| b.is_ascii_digit()) {
            c.i += 1;
        }
        if c.i == start {
            return None;
        }
    }
    let time = NaiveTime::from_hms_opt(hour, minute, second)?;
    c.skip_spaces();
    let offset = match c.rest() {
        [] => return Some(date.format("%Y-%m-%d").to_string()),
        [b'Z' | b'z'] => 0,
        r if r.eq_ignore_ascii_case(b"utc") || r.eq_ignore_ascii_case(b"gmt") => 0,
        _ => {
            // `GMT+0100`, `UTC-05:00`.
            if c.rest().len() > 3
                && (c.rest()[..3].eq_ignore_ascii_case(b"utc")
                    || c.rest()[..3].eq_ignore_ascii_case(b"gmt"))
            {
                c.i += 3;
            }
            let sign: i32 = if c.eat(b'+') {
                1
            } else if c.eat(b'-') {
                -1
            } else {
                return None;
            };
            let h = c.digits(2)?;
            let m = if c.eat(b':') {
                c.digits(2)?
            } else {
                c.digits(2).unwrap_or(0)
            };
            if c.peek().is_some() || h > 23 || m > 59 {
                return None;
            }
            sign * i32::try_from(h * 3600 + m * 60).ok()?
        }
    };
    let zone = FixedOffset::east_opt(offset)?;
    let t = zone.from_local_datetime(&date.and_time(time)).single()?;
    Some(utc(t))
}

/// A written date followed by a 24-hour time and a zone (`Sat, Dec 27 2014 21:44:39 +0000`,
/// `17. August 2021, 14:05 UTC`), which neither RFC 2822 nor the date parser reads whole.
fn written_with_time(s: &str) -> Option<String> {
    let (range, date) = crate::detect::dates::date_at_start(s)?;
    let rest = s[range.end..].trim_start_matches([' ', ',']);
    let rest = ["at ", "um ", "à ", "a las ", "às ", "alle "]
        .iter()
        .find_map(|w| rest.strip_prefix(w))
        .unwrap_or(rest)
        .trim_start();
    if rest.is_empty() {
        return None;
    }
    let mut c = Cursor {
        b: rest.as_bytes(),
        i: 0,
    };
    at_time(date, &mut c)
}

#[cfg(test)]
mod tests {
    use super::normalize;

    fn n(s: &str) -> Option<String> {
        normalize(s)
    }

    #[test]
    fn iso_times_with_a_zone_become_utc() {
        assert_eq!(
            n("2021-08-17T14:05:09+02:00").as_deref(),
            Some("2021-08-17T12:05:09Z")
        );
        assert_eq!(
            n("2021-08-17T14:05:09.123Z").as_deref(),
            Some("2021-08-17T14:05:09Z")
        );
        assert_eq!(
            n("2021-08-17 14:05 +0200").as_deref(),
            Some("2021-08-17T12:05:00Z")
        );
        assert_eq!(
            n("2021-08-17T23:30:00-05").as_deref(),
            Some("2021-08-18T04:30:00Z")
        );
        assert_eq!(
            n("2021-08-17 14:05:09 UTC").as_deref(),
            Some("2021-08-17T14:05:09Z")
        );
    }

    #[test]
    fn dates_and_local_times_give_the_date() {
        assert_eq!(n("2021-08-17").as_deref(), Some("2021-08-17"));
        assert_eq!(n("20210817").as_deref(), Some("2021-08-17"));
        assert_eq!(n("2021-08-17T14:05:09").as_deref(), Some("2021-08-17"));
        assert_eq!(n("August 17, 2021").as_deref(), Some("2021-08-17"));
        assert_eq!(n("17. August 2021").as_deref(), Some("2021-08-17"));
        assert_eq!(n("2021/08/17").as_deref(), Some("2021-08-17"));
    }

    #[test]
    fn rfc_2822_and_unix_time() {
        assert_eq!(
            n("Tue, 17 Aug 2021 14:05:09 GMT").as_deref(),
            Some("2021-08-17T14:05:09Z")
        );
        assert_eq!(
            n("Tue, 17 Aug 2021 14:05:09 +0200").as_deref(),
            Some("2021-08-17T12:05:09Z")
        );
        assert_eq!(
            n("Sat, Dec 27 2014 21:44:39 +0000").as_deref(),
            Some("2014-12-27T21:44:39Z")
        );
        assert_eq!(
            n("17. August 2021, 14:05 UTC").as_deref(),
            Some("2021-08-17T14:05:00Z")
        );
        assert_eq!(
            n("August 17, 2021 at 9:05 GMT+0200").as_deref(),
            Some("2021-08-17T07:05:00Z")
        );
        // A local time without its zone gives the date.
        assert_eq!(n("August 17, 2021 14:05").as_deref(), Some("2021-08-17"));
        assert_eq!(n("1629209109").as_deref(), Some("2021-08-17T14:05:09Z"));
        assert_eq!(n("1629209109000").as_deref(), Some("2021-08-17T14:05:09Z"));
    }

    #[test]
    fn non_dates_are_none() {
        for s in [
            "",
            "yesterday",
            "2021-02-30",
            "2021-08-17T25:00:00Z",
            "2021-08-17T14:05:09+02:00 and more",
            "123",
            "{{ date }}",
            "1700-01-01",
        ] {
            assert_eq!(n(s), None, "{s:?}");
        }
    }
}
