//! A greenthread's end and who waits for it: one lock over the outcome, the
//! wakers of its waiters, the task's own waker (for `kill`) and the links.
//!
//! It is its own small waiter list rather than an event-listener `Event`:
//! a greenthread ends once, its waiters are few, and spawn + wait is the
//! hub's hottest path. An `Event` here cost an allocation for its inner
//! list and one per listener, and the kill switch another `Event`; this
//! costs none (the first waiter's waker lives inline).

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Instant;

use crate::WaitError;
use crate::greenthread::Link;

/// Everything about a greenthread that changes once it runs, under one lock.
pub(crate) struct Life<T> {
    state: Mutex<LifeState<T>>,
}

pub(crate) struct LifeState<T> {
    /// `None` while it has not ended; `Ok(None)` once a `join` took the output.
    pub(crate) outcome: Option<Result<Option<T>, WaitError>>,
    /// Waiters' wakers by slot: slot 0 inline, the rest in `more`; a slot
    /// is `None` when free.
    first: Option<Waker>,
    more: Vec<Option<Waker>>,
    /// Where the task waits, so that `kill` can wake it.
    pub(crate) task: Option<Waker>,
    /// Callbacks to run once it ends; `links_ran` once they did.
    pub(crate) links: Links<T>,
    pub(crate) links_ran: bool,
}

/// A waiter's place in the list, kept by its future between polls.
pub(crate) type Slot = Option<usize>;

impl<T> Life<T> {
    pub(crate) fn new() -> Self {
        Life {
            state: Mutex::new(LifeState {
                outcome: None,
                first: None,
                more: Vec::new(),
                task: None,
                links: Links::default(),
                links_ran: false,
            }),
        }
    }

    /// The state, through poisoning: no user code runs under this lock.
    pub(crate) fn lock(&self) -> MutexGuard<'_, LifeState<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records the outcome and wakes every waiter, once: `None` if it had
    /// ended already (the first end wins), else the links to run.
    pub(crate) fn end(&self, outcome: Result<T, WaitError>) -> Option<Links<T>> {
        let (first, more, links) = {
            let mut state = self.lock();
            if state.outcome.is_some() {
                return None;
            }
            state.outcome = Some(outcome.map(Some));
            state.task = None;
            let links = std::mem::take(&mut state.links);
            state.links_ran = links.is_empty();
            (state.first.take(), std::mem::take(&mut state.more), links)
        };
        // Woken outside the lock: a waker may run its task inline.
        first
            .into_iter()
            .chain(more.into_iter().flatten())
            .for_each(Waker::wake);
        Some(links)
    }

    /// Reads the outcome with `read` if the greenthread ended; else leaves
    /// `cx`'s waker in the waiter's `slot` (taking one the first time).
    pub(crate) fn poll_read<R>(
        &self,
        slot: &mut Slot,
        cx: &mut Context<'_>,
        read: &mut impl FnMut(&mut Outcome<T>) -> R,
    ) -> Poll<R> {
        let mut state = self.lock();
        if let Some(outcome) = state.outcome.as_mut() {
            *slot = None; // `end` took the slots
            return Poll::Ready(read(outcome));
        }
        state.register(slot, cx.waker());
        Poll::Pending
    }

    /// Forgets a waiter that stops waiting: a dropped or finished wait.
    pub(crate) fn unregister(&self, slot: &mut Slot) {
        if let Some(index) = slot.take() {
            let mut state = self.lock();
            // Once it ended, `end` took every slot: nothing to free.
            if state.outcome.is_none() {
                *state.slot(index) = None;
            }
        }
    }
}

impl<T> LifeState<T> {
    fn slot(&mut self, index: usize) -> &mut Option<Waker> {
        match index {
            0 => &mut self.first,
            _ => &mut self.more[index - 1],
        }
    }

    /// Puts a waiter's waker in its slot, taking a free slot the first time.
    pub(crate) fn register(&mut self, slot: &mut Slot, waker: &Waker) {
        let index = *slot.get_or_insert_with(|| {
            if self.first.is_none() {
                0
            } else if let Some(free) = self.more.iter().position(Option::is_none) {
                free + 1
            } else {
                self.more.push(None);
                self.more.len()
            }
        });
        let place = self.slot(index);
        if !place.as_ref().is_some_and(|old| old.will_wake(waker)) {
            *place = Some(waker.clone());
        }
    }
}

/// Callbacks to run once the greenthread ends, in link order. The first is
/// kept inline: a pool links one to every greenthread it starts, and a
/// list of one should cost no allocation of its own.
pub(crate) struct Links<T> {
    first: Option<Link<T>>,
    more: Vec<Link<T>>,
}

impl<T> Default for Links<T> {
    fn default() -> Self {
        Links {
            first: None,
            more: Vec::new(),
        }
    }
}

impl<T> Links<T> {
    pub(crate) fn push(&mut self, link: Link<T>) {
        if self.first.is_none() && self.more.is_empty() {
            self.first = Some(link);
        } else {
            self.more.push(link);
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.first.is_none() && self.more.is_empty()
    }
}

impl<T> IntoIterator for Links<T> {
    type Item = Link<T>;
    type IntoIter = std::iter::Chain<std::option::IntoIter<Link<T>>, std::vec::IntoIter<Link<T>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.first.into_iter().chain(self.more)
    }
}

/// How a greenthread ended, as its waiters read it: `Ok(None)` once a
/// consuming `join` took the output.
pub(crate) type Outcome<T> = Result<Option<T>, WaitError>;

/// A clone of the output: the shared, repeatable wait.
pub(crate) fn cloned<T: Clone>(outcome: &mut Outcome<T>) -> Result<T, WaitError> {
    match outcome {
        Ok(output) => output.clone().ok_or(WaitError::Taken),
        Err(error) => Err(error.clone()),
    }
}

/// The output itself: the consuming wait.
pub(crate) fn taken<T>(outcome: &mut Outcome<T>) -> Result<T, WaitError> {
    match outcome {
        Ok(output) => output.take().ok_or(WaitError::Taken),
        Err(error) => Err(error.clone()),
    }
}

/// One waiter of a greenthread's end, for every face of `wait`: it holds a
/// slot while it waits and frees it when dropped, so a cancelled wait
/// leaves nothing behind.
pub(crate) struct Waiting<'a, T> {
    life: &'a Life<T>,
    slot: Slot,
}

impl<'a, T> Waiting<'a, T> {
    pub(crate) fn new(life: &'a Life<T>) -> Self {
        Waiting { life, slot: None }
    }

    /// Reads the outcome with `read` if the greenthread ended; else waits
    /// for `cx`'s waker.
    pub(crate) fn poll_read<R>(
        &mut self,
        cx: &mut Context<'_>,
        read: &mut impl FnMut(&mut Outcome<T>) -> R,
    ) -> Poll<R> {
        self.life.poll_read(&mut self.slot, cx, read)
    }

    /// The blocking face: parks the thread until the end or `deadline`.
    pub(crate) fn block_read<R>(
        &mut self,
        deadline: Option<Instant>,
        mut read: impl FnMut(&mut Outcome<T>) -> R,
    ) -> Option<R> {
        let (parker, unparker) = parking::pair();
        let waker = Waker::from(unparker);
        let mut cx = Context::from_waker(&waker);
        loop {
            if let Poll::Ready(output) = self.poll_read(&mut cx, &mut read) {
                return Some(output);
            }
            match deadline {
                None => parker.park(),
                Some(deadline) => {
                    if !parker.park_deadline(deadline) && Instant::now() >= deadline {
                        // One last look: the end may have come with the deadline.
                        return match self.poll_read(&mut cx, &mut read) {
                            Poll::Ready(output) => Some(output),
                            Poll::Pending => None,
                        };
                    }
                }
            }
        }
    }
}

impl<T> Drop for Waiting<'_, T> {
    fn drop(&mut self) {
        self.life.unregister(&mut self.slot);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::task::Waker;

    fn register(life: &Life<u8>) -> Slot {
        let mut slot = None;
        life.lock().register(&mut slot, Waker::noop());
        slot
    }

    #[test]
    fn a_dropped_waiter_frees_its_slot_for_the_next() {
        let life = Life::<u8>::new();
        let (a, mut b, c) = (register(&life), register(&life), register(&life));
        assert_eq!((a, b, c), (Some(0), Some(1), Some(2)));
        life.unregister(&mut b);
        assert_eq!(b, None);
        assert_eq!(register(&life), Some(1), "the freed slot is taken again");
        assert_eq!(
            life.lock().more.len(),
            2,
            "no new slot for a waiter that replaced one"
        );
    }

    #[test]
    fn the_end_wakes_every_waiter_once_and_frees_every_slot() {
        let life = Life::<u8>::new();
        let (mut a, mut b) = (register(&life), register(&life));
        assert!(life.end(Ok(7)).is_some());
        assert!(life.end(Ok(8)).is_none(), "the first end wins");
        let state = life.lock();
        assert!(state.first.is_none() && state.more.is_empty());
        assert!(matches!(state.outcome, Some(Ok(Some(7)))));
        drop(state);
        life.unregister(&mut a); // after the end: nothing to free, no panic
        life.unregister(&mut b);
    }
}
