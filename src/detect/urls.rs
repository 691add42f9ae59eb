//! Shared URL helpers for the platforms' `parse_url`: splitting a URL (absolute, scheme-relative
//! or bare host) into a normalised host, path segments and query parameters, without failing on
//! the junk real pages hold (entity leftovers, trailing `>`, spaces).

/// The parts of a URL that identify a post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts<'a> {
    /// Lower-case host without port and without a leading `www.`, `m.`, `mobile.`.
    pub host: String,
    /// The path, without query and fragment.
    pub path: &'a str,
    /// The query string, without `?`.
    pub query: &'a str,
    /// The fragment, without `#`.
    pub fragment: &'a str,
}

impl Parts<'_> {
    /// The non-empty path segments.
    pub fn segments(&self) -> Vec<&str> {
        self.path.split('/').filter(|s| !s.is_empty()).collect()
    }

    /// A query parameter, percent-decoded.
    pub fn param(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    /// Whether the host is `domain` or a subdomain of it.
    pub fn host_is(&self, domain: &str) -> bool {
        self.host == domain
            || (self.host.len() > domain.len()
                && self.host.ends_with(domain)
                && self.host.as_bytes()[self.host.len() - domain.len() - 1] == b'.')
    }
}

/// Splits `s` into [`Parts`]. Accepts `http(s)://`, `//` and bare `host/path` forms (a bare
/// host must contain a dot); `None` for anything that is not a web URL.
pub fn parts(s: &str) -> Option<Parts<'_>> {
    let s = s.trim();
    let lower_start = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    let rest = if lower_start.starts_with("https://") {
        &s[8..]
    } else if lower_start.starts_with("http://") {
        &s[7..]
    } else if let Some(r) = s.strip_prefix("//") {
        r
    } else if s.contains("://") || s.starts_with('/') || s.starts_with('#') {
        return None;
    } else {
        s
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let raw_host = &rest[..host_end];
    if raw_host.is_empty()
        || !raw_host.contains('.')
        || raw_host.contains(|c: char| c.is_whitespace() || c == '@')
    {
        return None;
    }
    let host = raw_host
        .split(':')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let host = ["www.", "mobile.", "m."]
        .iter()
        .find_map(|p| host.strip_prefix(p))
        .map(str::to_string)
        .unwrap_or(host);
    let after = &rest[host_end..];
    let (before_frag, fragment) = match after.find('#') {
        Some(p) => (&after[..p], &after[p + 1..]),
        None => (after, ""),
    };
    let (path, query) = match before_frag.find('?') {
        Some(p) => (&before_frag[..p], &before_frag[p + 1..]),
        None => (before_frag, ""),
    };
    Some(Parts {
        host,
        path,
        query,
        fragment,
    })
}

/// The leading run of ASCII digits of `s` (page junk such as `123>` or `123&hl=en` trails some
/// IDs), or `None` when `s` does not start with one.
pub fn leading_digits(s: &str) -> Option<&str> {
    let n = s.bytes().take_while(u8::is_ascii_digit).count();
    (n > 0).then(|| &s[..n])
}

/// Whether every character of `s` is in `[A-Za-z0-9_-]` and its length is in `range`.
pub fn is_code(s: &str, range: std::ops::RangeInclusive<usize>) -> bool {
    range.contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_every_url_shape() {
        let p = parts("https://www.Example.com:8080/a/b/?x=1&y=%2F#frag").expect("parts");
        assert_eq!(p.host, "example.com");
        assert_eq!(p.segments(), ["a", "b"]);
        assert_eq!(p.param("y").as_deref(), Some("/"));
        assert_eq!(p.fragment, "frag");
        assert_eq!(
            parts("//m.youtube.com/watch?v=x").map(|p| p.host),
            Some("youtube.com".into())
        );
        assert_eq!(parts("t.me/chan/4").map(|p| p.host), Some("t.me".into()));
        assert_eq!(parts("/relative/path"), None);
        assert_eq!(parts("mailto:x@y.z"), None);
        assert_eq!(parts("not a url"), None);
        assert!(
            parts("https://embed.bsky.app/x")
                .expect("p")
                .host_is("bsky.app")
        );
        assert!(
            !parts("https://notbsky.app/x")
                .expect("p")
                .host_is("bsky.app")
        );
    }
}
