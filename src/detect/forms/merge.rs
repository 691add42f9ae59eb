//! Merging the copies of one post that a page holds into one record: nested spans (a wrapper or
//! an AMP component around a fallback), adjacent placeholder + fallback pairs (a lazy
//! placeholder beside its `noscript` copy), and script copies of markup found in the HTML. The
//! copy with more fields leads; the other fills its gaps ([`Post::merge_from`], the same merge
//! the archive uses). Two full embeds of one post in different places stay two records.

use std::collections::HashMap;

use crate::post::{Form, Kind, Post};

/// How far apart (in bytes) a placeholder and its fallback may be and still be one embed.
const NEAR: usize = 400;

/// Forms that show the post in full; two of these with one ID are two embeds of it.
fn is_full(f: Form) -> bool {
    matches!(f, Form::Blockquote | Form::Text | Form::Card)
}

/// Merges copies of one post (see the module docs). Each post is compared only with the
/// earlier posts of its own identity that can still hold it or lie near it, so the work stays
/// linear in the number of posts, copies of one post included.
pub(crate) fn merge_copies(mut posts: Vec<Post>) -> Vec<Post> {
    posts.sort_by_key(|p| (p.span.start, std::cmp::Reverse(p.span.end)));
    let mut out: Vec<Post> = Vec::with_capacity(posts.len());
    // Identity → indexes in `out` of the embeds with an ID, in order.
    let mut by_identity: HashMap<String, Vec<usize>> = HashMap::new();
    'next: for p in posts {
        if p.kind != Kind::Embed || p.post_id.is_none() {
            out.push(p);
            continue;
        }
        let id = p.identity();
        let earlier = by_identity.entry(id).or_default();
        let mut found = None;
        let mut dead = 0;
        for &i in earlier.iter().rev() {
            let q = &out[i];
            let nested = q.span.start <= p.span.start && p.span.end <= q.span.end;
            let near = p.span.start.saturating_sub(q.span.end) <= NEAR
                && !(is_full(p.form) && is_full(q.form));
            // Page state holds copies of what the page shows, and sometimes of the whole story
            // twice: every copy in script data is the same embed as the one shown.
            let script = p.form == Form::Script || q.form == Form::Script;
            if nested || near || script {
                found = Some((i, nested));
                break;
            }
            if is_dead(q, p.span.start) {
                dead += 1;
            }
        }
        if dead > 0 {
            // Posts come in order of start, so a copy that is dead now stays dead; only the
            // latest copy is kept whatever it is, as a script copy merges into it.
            let last = earlier.last().copied();
            earlier.retain(|&i| Some(i) == last || !is_dead(&out[i], p.span.start));
        }
        if let Some((i, nested)) = found {
            merge_into(&mut out[i], p, nested);
            continue 'next;
        }
        earlier.push(out.len());
        out.push(p);
    }
    out
}

/// Whether an earlier copy `q` can merge with no post starting at or after `start` except
/// through a script copy merging into the latest one: it is not script data (a copy that is
/// never becomes one), and it ends too far before `start` to hold it or be near it. Many full
/// copies of one post (two embeds of one post stay two records) would otherwise make every
/// copy look at every earlier one.
fn is_dead(q: &Post, start: usize) -> bool {
    q.form != Form::Script && q.span.end + NEAR < start
}

fn merge_into(q: &mut Post, p: Post, nested: bool) {
    // A copy held in script data (page state, a second copy of the story) is another place
    // that holds the post, kept as such; merged markup copies (a wrapper, a placeholder and
    // its fallback) are one embed whose span covers them all.
    let apart = !nested
        && (p.form == Form::Script || q.form == Form::Script)
        && (p.span.start >= q.span.end || q.span.start >= p.span.end);
    let copies: Vec<std::ops::Range<usize>> = q
        .copy_spans
        .iter()
        .chain(&p.copy_spans)
        .cloned()
        .chain(apart.then(|| p.span.clone()))
        .chain(apart.then(|| q.span.clone()))
        .collect();
    // The HTML copy keeps its place over a script copy; otherwise the richer copy's fields lead.
    let p_leads = if (p.form == Form::Script) != (q.form == Form::Script) {
        q.form == Form::Script
    } else {
        p.richness() > q.richness()
    };
    let outer_span = q.span.start.min(p.span.start)..q.span.end.max(p.span.end);
    let outer_amp = nested && q.form == Form::Amp;
    let (mut lead, other) = if p_leads {
        (p, q.clone())
    } else {
        (q.clone(), p)
    };
    lead.merge_from(&other);
    if lead.form == Form::Script && other.form != Form::Script {
        lead.form = other.form;
        lead.detector = other.detector.clone();
        lead.span = other.span.clone();
    } else if other.form != Form::Script {
        lead.span = outer_span;
    }
    if outer_amp {
        lead.form = Form::Amp;
    }
    let mut copies: Vec<std::ops::Range<usize>> =
        copies.into_iter().filter(|c| *c != lead.span).collect();
    copies.sort_by_key(|c| c.start);
    copies.dedup();
    lead.copy_spans = copies;
    *q = lead;
}
