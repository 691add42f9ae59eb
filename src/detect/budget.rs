//! The time budget of one input's detection: the last line of defence behind the linear-time
//! rules, so that no single input can stall a run of millions.
//!
//! Detection of one input runs on one thread from start to end, so the deadline is kept per
//! thread: [`Budget::start`] sets it for the detection in progress and clears it when dropped.
//! The loops that may run long (per element, per fragment, per phase) ask [`spent`]; once the
//! deadline has passed they stop early and the driver reports the input as over time, so it is
//! skipped by name instead of half-read.

use std::cell::Cell;
use std::time::{Duration, Instant};

thread_local! {
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    static SPENT: Cell<bool> = const { Cell::new(false) };
    static CALLS: Cell<u32> = const { Cell::new(0) };
}

/// How many [`spent`] calls share one reading of the clock: the calls are cheap, the clock
/// less so.
const CALLS_PER_CLOCK: u32 = 64;

/// The deadline of the detection running on this thread; cleared when dropped.
pub(crate) struct Budget {
    previous: Option<Instant>,
    previous_spent: bool,
}

impl Budget {
    /// Starts a budget of `limit` from now (`None`: no limit). Budgets nest: an inner one ends
    /// no later than the outer one, and dropping it restores the outer.
    pub fn start(limit: Option<Duration>) -> Budget {
        let previous = DEADLINE.get();
        let previous_spent = SPENT.get();
        let mine = limit.and_then(|l| Instant::now().checked_add(l));
        let deadline = match (previous, mine) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        DEADLINE.set(deadline);
        SPENT.set(previous_spent);
        CALLS.set(0);
        Budget {
            previous,
            previous_spent,
        }
    }

    /// Whether this budget ran out.
    pub fn ran_out(&self) -> bool {
        SPENT.get()
    }
}

impl Drop for Budget {
    fn drop(&mut self) {
        DEADLINE.set(self.previous);
        SPENT.set(self.previous_spent);
    }
}

/// Whether the detection on this thread is past its deadline. Once true it stays true until the
/// budget ends.
pub(crate) fn spent() -> bool {
    if SPENT.get() {
        return true;
    }
    let Some(deadline) = DEADLINE.get() else {
        return false;
    };
    let calls = CALLS.get().wrapping_add(1);
    CALLS.set(calls);
    if !calls.is_multiple_of(CALLS_PER_CLOCK) {
        return false;
    }
    let over = Instant::now() >= deadline;
    SPENT.set(over);
    over
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_budget_is_never_spent_and_a_zero_budget_is_spent_at_the_first_clock_reading() {
        {
            let _b = Budget::start(None);
            assert!((0..1000).all(|_| !spent()));
        }
        let b = Budget::start(Some(Duration::ZERO));
        assert!((0..CALLS_PER_CLOCK).any(|_| spent()));
        assert!(spent() && b.ran_out());
        drop(b);
        assert!(!spent(), "the budget ends with its guard");
    }

    #[test]
    fn an_inner_budget_ends_no_later_than_the_outer_one() {
        let outer = Budget::start(Some(Duration::ZERO));
        {
            let _inner = Budget::start(Some(Duration::from_secs(3600)));
            assert!((0..CALLS_PER_CLOCK).any(|_| spent()));
        }
        drop(outer);
        let _outer = Budget::start(Some(Duration::from_secs(3600)));
        {
            let _inner = Budget::start(None);
            assert!((0..1000).all(|_| !spent()));
        }
    }
}
