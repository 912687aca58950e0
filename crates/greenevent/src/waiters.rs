//! An event's state: its outcome, and its waiters, each with the waker to
//! wake it and, once a send reached it, that send's outcome.
//!
//! The waiters are the event's own list rather than event-listener's: a
//! broadcast takes every waker out under one lock and wakes them after it,
//! and each waiter then takes its outcome with no allocation and no second
//! list to leave. Through event-listener, each waiter was a listener of its
//! own (allocated, and woken and removed one by one under the list's lock):
//! a broadcast to 1000 waiters cost 1.5x tokio's `Notify`. A woken waiter's
//! entry names its send by number rather than holding the outcome's `Arc`,
//! so a broadcast touches no reference count per waiter.

use std::sync::Arc;
use std::task::Waker;

/// What a send delivers: shared by every waiter it wakes.
pub(crate) type Outcome<T, E> = Arc<Result<T, E>>;

/// One waiter's place: its waker while it waits, its outcome once sent.
enum Entry {
    Free,
    /// Waiting since the `arrival`-th registration.
    Waiting {
        arrival: u64,
        waker: Waker,
    },
    /// Reached by the send of this number (see `State::delivered`).
    Sent(u64),
}

/// A send's outcome, kept while waiters it reached have not taken it.
struct Delivered<T, E> {
    send: u64,
    outcome: Outcome<T, E>,
    untaken: usize,
}

/// The outcome, `Some` while sent, and the waiters, by slot.
pub(crate) struct State<T, E> {
    pub(crate) outcome: Option<Outcome<T, E>>,
    entries: Vec<Entry>,
    /// Free slots of `entries`, reused before it grows.
    free: Vec<usize>,
    /// Registrations so far: a waiter's arrival, as reused slots lose it.
    arrivals: u64,
    /// Sends so far, to number them.
    sends: u64,
    /// The outcomes of sends whose waiters have not all taken them: usually
    /// one; more only after a reset and a new send came first.
    delivered: Vec<Delivered<T, E>>,
}

impl<T, E> State<T, E> {
    pub(crate) const fn new() -> Self {
        State {
            outcome: None,
            entries: Vec::new(),
            free: Vec::new(),
            arrivals: 0,
            sends: 0,
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

    /// What `read` makes of the outcome a send left in `slot`, which is
    /// then free; else the waiter waits on, to be woken through `waker`.
    pub(crate) fn take_sent<R>(
        &mut self,
        slot: usize,
        waker: &Waker,
        read: impl FnOnce(&Result<T, E>) -> R,
    ) -> Option<R> {
        match &mut self.entries[slot] {
            Entry::Sent(send) => {
                let send = *send;
                self.entries[slot] = Entry::Free;
                self.free.push(slot);
                let at = self.delivered_at(send);
                let read = read(&self.delivered[at].outcome);
                self.untake(at);
                Some(read)
            }
            Entry::Waiting { waker: kept, .. } => {
                if !kept.will_wake(waker) {
                    kept.clone_from(waker);
                }
                None
            }
            Entry::Free => unreachable!("a waiter's slot is its own until it leaves"),
        }
    }

    /// A waiter leaves, sent to or not: a broadcast reaches every waiter on
    /// its own, so nothing passes on.
    pub(crate) fn leave(&mut self, slot: usize) {
        if let Entry::Sent(send) = self.entries[slot] {
            let at = self.delivered_at(send);
            self.untake(at);
        }
        self.entries[slot] = Entry::Free;
        self.free.push(slot);
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

    /// Stores `outcome` and gives it to every waiter: the wakers to wake,
    /// once the lock is let go, in the order the waiters arrived (each with
    /// its arrival).
    pub(crate) fn send(&mut self, outcome: Outcome<T, E>) -> Vec<(u64, Waker)> {
        let send = self.sends;
        self.sends += 1;
        let mut woken = Vec::new();
        for entry in &mut self.entries {
            if matches!(entry, Entry::Waiting { .. }) {
                let Entry::Waiting { arrival, waker } = std::mem::replace(entry, Entry::Sent(send))
                else {
                    unreachable!("matched just now")
                };
                woken.push((arrival, waker));
            }
        }
        if !woken.is_empty() {
            self.delivered.push(Delivered {
                send,
                outcome: outcome.clone(),
                untaken: woken.len(),
            });
        }
        self.outcome = Some(outcome);
        // Slots are in arrival order until one is reused.
        if !woken.is_sorted_by_key(|(arrival, _)| *arrival) {
            woken.sort_unstable_by_key(|(arrival, _)| *arrival);
        }
        woken
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
        assert!(state.take_sent(b, &b_waker, Clone::clone).is_none());
        assert!(state.take_sent(c, &c_waker, Clone::clone).is_none());
        let woken = state.send(Arc::new(Ok(7)));
        assert_eq!(woken.len(), 2);
        assert!(
            woken[0].1.will_wake(&b_waker),
            "b arrived first, in a later slot than c"
        );
        assert!(woken[1].1.will_wake(&c_waker));
        assert_eq!(state.waiting(), 0);
        // A reset and a second send before they take theirs: each gets its own.
        state.outcome = None;
        let late = state.register(Waker::noop());
        assert_eq!(state.send(Arc::new(Ok(8))).len(), 1);
        assert_eq!(state.take_sent(b, Waker::noop(), Clone::clone), Some(Ok(7)));
        assert_eq!(
            state.take_sent(late, Waker::noop(), Clone::clone),
            Some(Ok(8))
        );
        assert_eq!(
            state.delivered.len(),
            1,
            "send 8 is taken, send 7 still owed to c"
        );
        state.leave(c); // leaves without taking it
        assert!(state.delivered.is_empty(), "no outcome is kept for nobody");
    }
}
