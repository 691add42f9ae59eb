//! Politeness: at most N requests at once to one host, a minimum delay between the starts of
//! two requests to it, and a global limit on requests at once.
//!
//! Every request passes [`Gates::enter`] and holds the returned [`Pass`] until its body is read.
//! The host slot is taken before the global one, so requests waiting on a busy host never hold
//! a global slot that a request to another host could use.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// One host's state: its free slots and the earliest time its next request may start.
#[derive(Debug)]
struct Host {
    slots: Arc<Semaphore>,
    next_start: Mutex<Instant>,
}

/// The gates every request passes.
#[derive(Debug)]
pub(super) struct Gates {
    hosts: Mutex<HashMap<String, Arc<Host>>>,
    global: Arc<Semaphore>,
    per_host: usize,
    delay: Duration,
}

/// Leave to send one request; dropping it frees its host and global slots.
#[derive(Debug)]
pub(super) struct Pass {
    _host: OwnedSemaphorePermit,
    _global: OwnedSemaphorePermit,
}

impl Gates {
    pub(super) fn new(per_host: usize, concurrency: usize, delay: Duration) -> Self {
        Self {
            hosts: Mutex::new(HashMap::new()),
            global: Arc::new(Semaphore::new(concurrency.max(1))),
            per_host: per_host.max(1),
            delay,
        }
    }

    /// Waits until a request to `host` may start, and returns the pass that lets it run.
    pub(super) async fn enter(&self, host: &str) -> Option<Pass> {
        let state = {
            let mut hosts = self.hosts.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(hosts.entry(host.to_ascii_lowercase()).or_insert_with(|| {
                Arc::new(Host {
                    slots: Arc::new(Semaphore::new(self.per_host)),
                    next_start: Mutex::new(Instant::now()),
                })
            }))
        };
        // The semaphores are never closed, so acquiring fails only in theory.
        let host_slot = Arc::clone(&state.slots).acquire_owned().await.ok()?;
        // Reserve a start time at least `delay` after the previous reservation, then wait for it.
        let start = {
            let mut next = state
                .next_start
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let start = (*next).max(Instant::now());
            *next = start + self.delay;
            start
        };
        tokio::time::sleep_until(start).await;
        let global_slot = Arc::clone(&self.global).acquire_owned().await.ok()?;
        Some(Pass {
            _host: host_slot,
            _global: global_slot,
        })
    }
}
