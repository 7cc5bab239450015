//! The optional de-duplication window: ids seen recently, bounded in time and in count.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// What to do with a message id that arrives.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Seen {
    /// Not seen within the window: handle it.
    New,
    /// Being handled now: drop this copy (the running handler confirms or fails the id).
    Running,
    /// Handled and confirmed within the window: confirm it again, without the handler (TOP
    /// redelivered it because it had not yet seen the confirmation).
    Confirmed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Running,
    Confirmed,
}

/// Ids seen within the last `window`, at most `capacity` of them (the oldest go first).
pub(crate) struct Dedup {
    window: Duration,
    capacity: usize,
    states: HashMap<i64, State>,
    /// Each id's last sighting, oldest first; an id seen again gets a new entry and its older
    /// entries are skipped when they come up (their instant no longer matches).
    order: VecDeque<(Instant, i64)>,
    last: HashMap<i64, Instant>,
}

impl Dedup {
    pub(crate) fn new(window: Duration, capacity: usize) -> Dedup {
        Dedup {
            window,
            capacity: capacity.max(1),
            states: HashMap::new(),
            order: VecDeque::new(),
            last: HashMap::new(),
        }
    }

    /// Records `id` arriving at `now`, and says what to do with it.
    pub(crate) fn arrive(&mut self, id: i64, now: Instant) -> Seen {
        self.expire(now);
        let seen = match self.states.get(&id) {
            None => Seen::New,
            Some(State::Running) => Seen::Running,
            Some(State::Confirmed) => Seen::Confirmed,
        };
        if seen == Seen::New {
            self.states.insert(id, State::Running);
            self.touch(id, now);
        }
        seen
    }

    /// The handler of `id` finished: confirmed (kept for the window), or failed (forgotten, so
    /// that TOP's redelivery is handled again).
    pub(crate) fn finish(&mut self, id: i64, confirmed: bool, now: Instant) {
        if confirmed {
            self.states.insert(id, State::Confirmed);
            self.touch(id, now);
        } else {
            self.states.remove(&id);
            self.last.remove(&id);
        }
    }

    fn touch(&mut self, id: i64, now: Instant) {
        self.last.insert(id, now);
        self.order.push_back((now, id));
        while self.states.len() > self.capacity || self.order.len() > 2 * self.capacity + 16 {
            if !self.pop_oldest() {
                break;
            }
        }
    }

    fn expire(&mut self, now: Instant) {
        while let Some(&(at, _)) = self.order.front() {
            if now.saturating_duration_since(at) < self.window {
                break;
            }
            self.pop_oldest();
        }
    }

    /// Drops the oldest entry; forgets its id if that entry was its last sighting. Running ids
    /// are never forgotten while running unless over capacity.
    fn pop_oldest(&mut self) -> bool {
        let Some((at, id)) = self.order.pop_front() else {
            return false;
        };
        if self.last.get(&id) == Some(&at) {
            self.last.remove(&id);
            self.states.remove(&id);
        }
        true
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.states.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_redelivered_id_is_dropped_while_running_and_confirmed_again_after() {
        let t0 = Instant::now();
        let mut d = Dedup::new(Duration::from_secs(60), 100);
        assert_eq!(d.arrive(1, t0), Seen::New);
        assert_eq!(d.arrive(1, t0), Seen::Running);
        d.finish(1, true, t0);
        assert_eq!(d.arrive(1, t0 + Duration::from_secs(59)), Seen::Confirmed);
        // Past the window (counted from the confirmation), it is new again.
        assert_eq!(d.arrive(1, t0 + Duration::from_secs(61)), Seen::New);
    }

    #[test]
    fn a_failed_id_is_handled_again() {
        let t0 = Instant::now();
        let mut d = Dedup::new(Duration::from_secs(60), 100);
        assert_eq!(d.arrive(5, t0), Seen::New);
        d.finish(5, false, t0);
        assert_eq!(d.arrive(5, t0), Seen::New);
    }

    #[test]
    fn the_window_is_bounded_in_count() {
        let t0 = Instant::now();
        let mut d = Dedup::new(Duration::from_secs(3600), 1_000);
        for id in 0..100_000 {
            assert_eq!(d.arrive(id, t0), Seen::New);
            d.finish(id, true, t0);
        }
        assert!(d.len() <= 1_000, "{}", d.len());
        assert!(d.order.len() <= 2 * 1_000 + 16);
        // The newest are remembered, the oldest forgotten.
        assert_eq!(d.arrive(99_999, t0), Seen::Confirmed);
        assert_eq!(d.arrive(0, t0), Seen::New);
    }
}
