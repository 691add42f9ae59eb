//! The report's charts, drawn here as inline SVG and HTML: the timeline of posts per month by
//! platform, and ranked bar lists. Every label is escaped; colours come from the platforms'
//! descriptions.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::detect;
use crate::post::Platform;

/// Escapes text for HTML element content and attribute values.
pub(super) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Posts per month by platform as stacked bars. `months` maps `YYYY-MM` to counts per
/// platform. Spans longer than 20 years are drawn per year instead, so bars stay readable.
pub(super) fn timeline(months: &BTreeMap<String, BTreeMap<Platform, usize>>) -> String {
    let (Some(first), Some(last)) = (months.keys().next(), months.keys().next_back()) else {
        return "<p class=\"none\">No post has a date.</p>".into();
    };
    let ym = |s: &str| -> Option<(i32, u32)> {
        let (y, m) = s.split_once('-')?;
        Some((y.parse().ok()?, m.parse().ok()?))
    };
    let (Some((y0, m0)), Some((y1, m1))) = (ym(first), ym(last)) else {
        return String::new();
    };
    let span = (y1 - y0) * 12 + m1 as i32 - m0 as i32 + 1;
    let yearly = span > 240;
    // The buckets, in order, with their counts.
    let mut buckets: Vec<(String, BTreeMap<Platform, usize>)> = Vec::new();
    if yearly {
        for y in y0..=y1 {
            let mut counts = BTreeMap::new();
            for (k, per) in months.range(format!("{y}-")..format!("{}-", y + 1)) {
                let _ = k;
                for (p, n) in per {
                    *counts.entry(*p).or_insert(0) += n;
                }
            }
            buckets.push((y.to_string(), counts));
        }
    } else {
        let (mut y, mut m) = (y0, m0);
        for _ in 0..span {
            let key = format!("{y:04}-{m:02}");
            buckets.push((key.clone(), months.get(&key).cloned().unwrap_or_default()));
            m += 1;
            if m > 12 {
                m = 1;
                y += 1;
            }
        }
    }
    let max = buckets
        .iter()
        .map(|(_, c)| c.values().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let (w, h, left, bottom, top) = (960.0f64, 240.0f64, 40.0f64, 28.0f64, 10.0f64);
    let plot_w = w - left - 8.0;
    let plot_h = h - bottom - top;
    let step = plot_w / buckets.len() as f64;
    let bar = (step * 0.8).max(0.5);
    let mut svg = String::new();
    let total: usize = buckets.iter().map(|(_, c)| c.values().sum::<usize>()).sum();
    let _ = write!(
        svg,
        "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"tl-title\" \
         preserveAspectRatio=\"xMidYMid meet\"><title id=\"tl-title\">Posts per {} by platform, \
         {} to {}: {total} dated posts</title>",
        if yearly { "year" } else { "month" },
        esc(&buckets[0].0),
        esc(&buckets[buckets.len() - 1].0),
    );
    // Grid lines and counts on the left.
    for i in 0..=4 {
        let v = max as f64 * i as f64 / 4.0;
        let y = top + plot_h - plot_h * i as f64 / 4.0;
        let _ = write!(
            svg,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#d0d7de\" \
             stroke-width=\"1\"/><text x=\"{}\" y=\"{:.1}\" font-size=\"11\" fill=\"#57606a\" \
             text-anchor=\"end\">{}</text>",
            w - 8.0,
            left - 4.0,
            y + 4.0,
            v.round() as usize
        );
    }
    let label_every = (buckets.len() / 12).max(1);
    for (i, (key, counts)) in buckets.iter().enumerate() {
        let x = left + step * i as f64 + (step - bar) / 2.0;
        let mut y = top + plot_h;
        for (p, n) in counts {
            let bh = plot_h * *n as f64 / max as f64;
            y -= bh;
            let look = detect::look(*p);
            let _ = write!(
                svg,
                "<rect x=\"{x:.2}\" y=\"{y:.2}\" width=\"{bar:.2}\" height=\"{bh:.2}\" \
                 fill=\"{}\"><title>{} · {}: {n}</title></rect>",
                look.colour,
                esc(key),
                esc(look.label)
            );
        }
        // Years (or every few buckets) along the bottom.
        let is_label = if yearly {
            i % label_every == 0
        } else {
            key.ends_with("-01") && (i / 12) % (label_every / 12).max(1) == 0 || i == 0
        };
        if is_label {
            let text = if yearly { key.as_str() } else { &key[..4] };
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" fill=\"#57606a\">{}</text>",
                left + step * i as f64,
                h - 10.0,
                esc(text)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A legend of the platforms present, with their colours and counts.
pub(super) fn legend(counts: &BTreeMap<Platform, usize>) -> String {
    let mut out = String::from("<ul class=\"legend\">");
    for (p, n) in counts {
        let look = detect::look(*p);
        let _ = write!(
            out,
            "<li><i style=\"background:{}\"></i>{} <span class=\"n\">{n}</span></li>",
            look.colour,
            esc(look.label)
        );
    }
    out.push_str("</ul>");
    out
}

/// A ranked list of `(label, count)` as bars, at most `top` of them, with a note of the rest.
pub(super) fn bars(items: &[(String, usize)], top: usize, label: &str) -> String {
    if items.is_empty() {
        return "<p class=\"none\">None.</p>".into();
    }
    let max = items.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
    let mut out = format!("<ol class=\"bars\" aria-label=\"{}\">", esc(label));
    for (key, n) in items.iter().take(top) {
        let pct = 100.0 * *n as f64 / max as f64;
        let _ = write!(
            out,
            "<li><span class=\"bar\" style=\"--w:{pct:.1}%\"><span>{}</span></span>\
             <span class=\"n\">{n}</span></li>",
            esc(key)
        );
    }
    out.push_str("</ol>");
    if items.len() > top {
        let _ = write!(out, "<p class=\"none\">and {} more</p>", items.len() - top);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_control_characters_replaced() {
        assert_eq!(
            esc("<b a=\"1\">&'\u{1b}"),
            "&lt;b a=&quot;1&quot;&gt;&amp;&#39;\u{fffd}"
        );
        let html = bars(&[("<script>".into(), 2), ("b".into(), 1)], 1, "x");
        assert!(html.contains("&lt;script&gt;") && !html.contains("<script>"));
        assert!(html.contains("and 1 more"));
    }

    #[test]
    fn the_timeline_fills_empty_months_and_draws_one_bar_segment_per_platform_and_month() {
        let mut months = BTreeMap::new();
        months.insert(
            "2021-11".to_string(),
            BTreeMap::from([(Platform::Twitter, 2), (Platform::Instagram, 1)]),
        );
        months.insert(
            "2022-02".to_string(),
            BTreeMap::from([(Platform::Twitter, 1)]),
        );
        let svg = timeline(&months);
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains("2021-11 to 2022-02: 4 dated posts"));
        // Four months from November to February, two of them empty.
        assert!(svg.contains("2021-12") || svg.matches("<text").count() >= 5);
        assert!(timeline(&BTreeMap::new()).contains("No post has a date"));
    }

    #[test]
    fn spans_over_twenty_years_are_drawn_per_year() {
        let mut months = BTreeMap::new();
        months.insert(
            "1990-01".to_string(),
            BTreeMap::from([(Platform::Twitter, 1)]),
        );
        months.insert(
            "2020-06".to_string(),
            BTreeMap::from([(Platform::Twitter, 2)]),
        );
        let svg = timeline(&months);
        assert!(svg.contains("Posts per year"));
        assert_eq!(svg.matches("<rect").count(), 2);
    }
}
