//! An event's waiters, each with the waker to wake it, and the outcomes of
//! sends after a reset, kept for the waiters they reached.
//!
//! The waiters are the event's own list rather than event-listener's: a
//! broadcast takes every waker out under one lock and wakes them after it.
//! Through event-listener, each waiter was a listener of its own (allocated,
//! and woken and removed one by one under the list's lock): a broadcast to
//! 1000 waiters cost 1.5x tokio's `Notify`.
//!
//! A send frees the slots of the waiters it reaches: a reached waiter knows
//! which send reached it (the number of sends when it registered) and never
//! looks at its slot again. The first send's outcome lives in the event, set
//! once, so its waiters take it without this lock (see `event.rs`); a later
//! send's outcome is kept here, with a count of the waiters that have not
//! taken it yet.

use std::sync::Arc;
use std::task::Waker;

/// What a send after a reset delivers: shared by every waiter it reaches.
pub(crate) type Outcome<T, E> = Arc<Result<T, E>>;

/// One waiter's place.
enum Entry {
    Free,
    /// Waiting since the `arrival`-th registration.
    Waiting {
        arrival: u64,
        waker: Waker,
    },
}

/// A later send's outcome, kept while waiters it reached have not taken it.
struct Delivered<T, E> {
    send: u64,
    outcome: Outcome<T, E>,
    untaken: usize,
}

/// The current outcome if a later send made it, and the waiters, by slot.
pub(crate) struct State<T, E> {
    /// The outcome of a send after a reset, while it is current. (The first
    /// send's is the event's own.)
    pub(crate) later: Option<Outcome<T, E>>,
    entries: Vec<Entry>,
    /// Free slots of `entries`, reused before it grows.
    free: Vec<usize>,
    /// Registrations so far: a waiter's arrival, as reused slots lose it.
    arrivals: u64,
    /// The outcomes of later sends whose waiters have not all taken them:
    /// usually none; more than one only after several resets.
    delivered: Vec<Delivered<T, E>>,
}

impl<T, E> State<T, E> {
    pub(crate) const fn new() -> Self {
        State {
            later: None,
            entries: Vec::new(),
            free: Vec::new(),
            arrivals: 0,
            delivered: Vec::new(),
        }
    }

    /// A waiter begins to wait: its slot.
    pub(crate) fn register(&mut self, waker: &Waker) -> usize {
        let entry = Entry::Waiting {
            arrival: self.arrivals,
            waker: waker.clone(),
        };
        self.arrivals += 1;
        if let Some(slot) = self.free.pop() {
            self.entries[slot] = entry;
            slot
        } else {
            self.entries.push(entry);
            self.entries.len() - 1
        }
    }

    /// A waiter not reached yet is polled again: the next wake-up goes to
    /// `waker`.
    pub(crate) fn keep_waker(&mut self, slot: usize, waker: &Waker) {
        match &mut self.entries[slot] {
            Entry::Waiting { waker: kept, .. } => {
                if !kept.will_wake(waker) {
                    kept.clone_from(waker);
                }
            }
            Entry::Free => unreachable!("a waiter's slot is its own until it is reached"),
        }
    }

    /// A waiter not reached yet leaves: a broadcast reaches every waiter on
    /// its own, so nothing passes on.
    pub(crate) fn leave(&mut self, slot: usize) {
        self.entries[slot] = Entry::Free;
        self.free.push(slot);
    }

    /// Reaches every waiter for send number `send`: frees their slots, keeps
    /// `later` (a later send's outcome) for them to take, and returns the
    /// wakers to wake once the lock is let go, in the order the waiters
    /// arrived (each with its arrival).
    pub(crate) fn reach_all(
        &mut self,
        send: u64,
        later: Option<&Outcome<T, E>>,
    ) -> Vec<(u64, Waker)> {
        // Sized once: every slot not free holds a waiter. (Grown one push at
        // a time, the list was copied ten times over for 1000 waiters.)
        let mut woken = Vec::with_capacity(self.entries.len() - self.free.len());
        for (slot, entry) in self.entries.iter_mut().enumerate() {
            if let Entry::Waiting { arrival, waker } = std::mem::replace(entry, Entry::Free) {
                woken.push((arrival, waker));
                self.free.push(slot);
            }
        }
        if let Some(outcome) = later {
            if !woken.is_empty() {
                self.delivered.push(Delivered {
                    send,
                    outcome: outcome.clone(),
                    untaken: woken.len(),
                });
            }
        }
        // Slots are in arrival order until one is reused.
        if !woken.is_sorted_by_key(|(arrival, _)| *arrival) {
            woken.sort_unstable_by_key(|(arrival, _)| *arrival);
        }
        woken
    }

    /// What `read` makes of the outcome of later send `send`, for a waiter
    /// it reached, which has then taken it.
    pub(crate) fn take_delivered<R>(
        &mut self,
        send: u64,
        read: impl FnOnce(&Result<T, E>) -> R,
    ) -> R {
        let at = self.delivered_at(send);
        let read = read(&self.delivered[at].outcome);
        self.untake(at);
        read
    }

    /// A waiter that later send `send` reached leaves without taking it.
    pub(crate) fn forgo_delivered(&mut self, send: u64) {
        let at = self.delivered_at(send);
        self.untake(at);
    }

    fn delivered_at(&self, send: u64) -> usize {
        self.delivered
            .iter()
            .position(|delivered| delivered.send == send)
            .expect("a send is kept while a waiter it reached has not taken it")
    }

    /// One fewer waiter to take the outcome at `at`; the last lets it go.
    fn untake(&mut self, at: usize) {
        self.delivered[at].untaken -= 1;
        if self.delivered[at].untaken == 0 {
            self.delivered.swap_remove(at);
        }
    }

    /// How many wait for a send.
    pub(crate) fn waiting(&self) -> usize {
        self.entries
            .iter()
            .filter(|entry| matches!(entry, Entry::Waiting { .. }))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Wake;

    struct Named(#[allow(dead_code)] u8);
    impl Wake for Named {
        fn wake(self: Arc<Self>) {}
    }

    fn waker_of(name: u8) -> Waker {
        Waker::from(Arc::new(Named(name)))
    }

    #[test]
    fn slots_are_reused_and_a_send_reaches_exactly_the_waiters() {
        let mut state = State::<u8, ()>::new();
        let (a, b) = (state.register(Waker::noop()), state.register(Waker::noop()));
        state.leave(a);
        let c = state.register(Waker::noop());
        assert_eq!(c, a, "the freed slot is taken again");
        assert_eq!(state.waiting(), 2);
        let (b_waker, c_waker) = (waker_of(1), waker_of(2));
        state.keep_waker(b, &b_waker);
        state.keep_waker(c, &c_waker);
        let woken = state.reach_all(0, None);
        assert_eq!(woken.len(), 2);
        assert!(
            woken[0].1.will_wake(&b_waker),
            "b arrived first, in a later slot than c"
        );
        assert!(woken[1].1.will_wake(&c_waker));
        assert_eq!(state.waiting(), 0);
        assert!(
            state.delivered.is_empty(),
            "the first send's outcome is not kept here"
        );
        // Their slots are free for later waiters, reached by a later send.
        state.register(Waker::noop());
        state.register(Waker::noop());
        assert_eq!(state.entries.len(), 2, "no slot added");
        let eight = Arc::new(Ok(8));
        assert_eq!(state.reach_all(1, Some(&eight)).len(), 2);
        // A reset and a third send before they take theirs: each gets its own.
        state.register(Waker::noop());
        let nine = Arc::new(Ok(9));
        assert_eq!(state.reach_all(2, Some(&nine)).len(), 1);
        assert_eq!(state.take_delivered(1, Clone::clone), Ok(8));
        assert_eq!(state.take_delivered(2, Clone::clone), Ok(9));
        assert_eq!(
            state.delivered.len(),
            1,
            "send 2 is taken, send 1 still owed to one"
        );
        state.forgo_delivered(1); // the other leaves without taking it
        assert!(state.delivered.is_empty(), "no outcome is kept for nobody");
    }
}
