//! The state every queue type shares, under one lock, and the one get, put
//! and join loop behind every face.
//!
//! Everything a queue holds is in [`State`] under one lock (a spin lock, in
//! `raw/lock.rs`): the items, the capacity, the unfinished-task count and
//! the waiting lines. A put or get that need not wait is one lock, a push or
//! pop and an unlock; there is no second lock and no mirrored count to keep
//! in step with it, so every operation is linearizable at its critical
//! section. Two things live outside the lock, each moved only by a holder of
//! it, so that a woken waiter learns how its wait ended without the lock:
//! which waiting putters were accepted (one atomic, [`Accepted`]), and a
//! waiting getter's item (written into a cell in its own future,
//! `raw/handoff.rs`). (The queue used to keep its items in a lock-free ring
//! beside a waiting lock, with atomic counts and `SeqCst` hand-shakes
//! between them: the ring alone cost more per item than kanal's whole
//! lock-based channel, and every wait paid for both.)
//!
//! A getter that finds nothing joins `State::getters` with its waker and
//! the filler of its cell. A put hands its item to the first getter in
//! line: it takes the getter out of the line, writes the item into its cell
//! and wakes only it; the getter, woken, finds its item in its own future.
//! Putters wait the same way, their item and waker in `State::putters`. The
//! rule that keeps order is one invariant, true whenever the lock is free:
//! **while a getter waits, nothing is available**: no buffered item, no
//! waiting putter. So a put either goes to the first waiting getter or,
//! with none waiting, buffers or waits; items cannot pass each other, and
//! `getting()` is the length of the line. Putters that find no room wait
//! with their item: a get takes it straight from them (the rendezvous) or
//! moves it into the room it frees, in arrival order, and wakes that putter.
//! Joiners listen on an event-listener `Event`, then look, and the last
//! `task_done` wakes them all.
//!
//! Waiters are woken after the lock is let go ([`Wakeups`]): a wake-up runs
//! the executor's code, perhaps a thread unpark, which must not hold up every
//! other user of the queue.
//!
//! A getter dropped after it was handed its item passes the item on, under
//! the lock: to the next waiting getter, else back to the buffer as its
//! oldest item ([`Buffer::push_oldest`]), never to a newcomer ahead of a
//! waiter.
//!
//! The get and put futures' polls are `#[inline(always)]`, down to the
//! caller's `async` block, as kanal's are; the loops that are rare on those
//! paths (moving waiting putters into freed room) stay out of line. A poll
//! that was a call of its own cost its caller a frame: six saved registers
//! and their restore, about 18 instructions, on each put and each get.
//! callgrind (instructions; kanal for scale), before, with the polls
//! inlined, and with the hand-off cell too: SPSC `bounded(1024)` 170, 119,
//! 112 per item (kanal 129); ping-pong `bounded(1)` 1762, 1628, 1488 per
//! round trip (kanal 1617); rendezvous 1736, 1578, 1507 (kanal 1610).
#![allow(clippy::inline_always)]

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use std::task::{Context, Poll, Waker};

use event_listener::{Event, EventListener, Listener};
use event_listener_strategy::{EventListenerFuture, Strategy};
use pin_project_lite::pin_project;

#[cfg(eventlet_loom)]
use loom::sync::atomic::AtomicU64;
#[cfg(not(eventlet_loom))]
use std::sync::atomic::AtomicU64;

use crate::buffer::Buffer;
use crate::raw::handoff::{Filler, HandOff};
use crate::raw::lock::{QueueGuard, QueueLock};
use crate::{Full, TaskDoneTooManyTimes};

pub(crate) struct Core<T, B> {
    state: QueueLock<State<T, B>>,
    /// Every waiting putter whose id is below this had its item taken
    /// ([`Accepted`]).
    accepted: Accepted,
    joined: Event,
}

/// Which waiting putters had their item taken: all those whose id is below
/// the number it holds, since putters are accepted in line order. Moved
/// only by a holder of the queue's lock (release); a woken putter reads it
/// (acquire) to learn that its put is done without taking the lock.
struct Accepted(AtomicU64);

impl Accepted {
    /// Putter `id`, the front of the line, had its item taken.
    #[inline]
    fn record(&self, id: u64) {
        self.0.store(id + 1, Release);
    }

    /// Whether putter `id` had its item taken.
    #[inline]
    fn includes(&self, id: u64) -> bool {
        self.0.load(Acquire) > id
    }

    /// [`includes`](Accepted::includes), for a holder of the lock, which
    /// sees every `record`.
    #[inline]
    fn includes_locked(&self, id: u64) -> bool {
        self.0.load(Relaxed) > id
    }
}

struct State<T, B> {
    items: B,
    /// `None` is unbounded; `Some(0)` a rendezvous.
    capacity: Option<usize>,
    /// `Queue`, `LifoQueue` and `PriorityQueue` count unfinished tasks.
    tracked: bool,
    unfinished: usize,
    /// Getters waiting for an item, in arrival order. A put hands its item
    /// to the first, which leaves the line as it is handed its item.
    getters: VecDeque<Getter<T>>,
    /// Waiting putters and their items, in arrival order. One whose item
    /// is taken leaves the line and learns it from [`Accepted`].
    putters: VecDeque<Putter<T>>,
    next_id: u64,
    /// Who to wake once the lock is let go.
    wakeups: Wakeups,
}

/// A waiting getter's place in line, where to wake it, and where to write
/// its item (the cell in its future).
struct Getter<T> {
    id: u64,
    waker: Waker,
    cell: Filler<T>,
}

/// A waiting putter's place in line, its item, and where to wake it.
struct Putter<T> {
    id: u64,
    item: T,
    waker: Waker,
}

/// Wakers to call once the lock is let go, queued by the operation that
/// holds it; [`Locked`] calls them after unlocking. Every operation but a
/// resize wakes at most one waiter: `first` holds it, and `rest` (which
/// keeps no room between operations) the others.
#[derive(Default)]
struct Wakeups {
    first: Option<Waker>,
    rest: Vec<Waker>,
}

impl Wakeups {
    #[inline]
    fn add(&mut self, waker: Waker) {
        if self.first.is_none() {
            self.first = Some(waker);
        } else {
            self.rest.push(waker);
        }
    }
}

/// The queue's state, locked. Dropped, it unlocks, then wakes whoever the
/// operation queued in `State::wakeups`: a wake-up runs the executor's code,
/// perhaps a thread unpark, which must not hold up every other user of the
/// queue. Unwinding (an item's `Ord` panicked) wakes them too.
struct Locked<'a, T, B> {
    /// `None` only inside `drop`.
    guard: Option<QueueGuard<'a, State<T, B>>>,
}

impl<T, B> Locked<'_, T, B> {
    #[cold]
    fn unlock_and_wake(mut guard: QueueGuard<'_, State<T, B>>) {
        let first = guard.wakeups.first.take();
        if guard.wakeups.rest.is_empty() {
            drop(guard);
            if let Some(waker) = first {
                waker.wake();
            }
        } else {
            let rest = std::mem::take(&mut guard.wakeups.rest);
            drop(guard);
            first.into_iter().chain(rest).for_each(Waker::wake);
        }
    }
}

impl<T, B> Drop for Locked<'_, T, B> {
    #[inline]
    fn drop(&mut self) {
        let Some(guard) = self.guard.take() else {
            return;
        };
        if guard.wakeups.first.is_some() {
            Self::unlock_and_wake(guard);
        }
    }
}

impl<T, B> std::ops::Deref for Locked<'_, T, B> {
    type Target = State<T, B>;

    fn deref(&self) -> &State<T, B> {
        self.guard.as_deref().unwrap_or_else(|| unreachable!())
    }
}

impl<T, B> std::ops::DerefMut for Locked<'_, T, B> {
    fn deref_mut(&mut self) -> &mut State<T, B> {
        self.guard.as_deref_mut().unwrap_or_else(|| unreachable!())
    }
}

/// Leaves `waker` in `place` unless the one there wakes the same task.
fn keep_waker(place: &mut Waker, waker: &Waker) {
    if !place.will_wake(waker) {
        place.clone_from(waker);
    }
}

impl<T, B: Buffer<T>> State<T, B> {
    fn next_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    fn has_room(&self) -> bool {
        self.capacity
            .is_none_or(|capacity| self.items.len() < capacity)
    }

    /// Counts an item that enters the queue as a task. Counted before it is
    /// stored: a `PriorityQueue`'s push calls the item's `Ord`, and an item
    /// left in the heap by a panic there must be counted.
    fn count_put(&mut self) {
        if self.tracked {
            self.unfinished += 1;
        }
    }

    /// Puts `item` now if it can: into the first empty getter slot, else
    /// into the buffer if there is room and no putter waits ahead of it.
    #[inline(always)]
    fn put_now(&mut self, item: T) -> Result<(), T> {
        if !self.getters.is_empty() {
            // Nothing is available (the invariant): this item is the next one out.
            self.count_put();
            self.hand_to_getter(item);
            return Ok(());
        }
        if !self.putters.is_empty() || !self.has_room() {
            return Err(item);
        }
        self.count_put();
        self.items.push(item);
        Ok(())
    }

    /// The next item: a buffered one, else a waiting putter's (a
    /// rendezvous). Moves waiting putters' items into the room it frees.
    /// `None` while getters wait, since then nothing is available.
    #[inline]
    fn take_next(&mut self, accepted: &Accepted) -> Option<T> {
        let Some(item) = self.items.pop() else {
            return self.take_from_putter(accepted);
        };
        self.refill(accepted);
        Some(item)
    }

    /// [`take_next`](State::take_next) with nothing buffered: the first
    /// waiting putter's item, if any.
    #[inline(always)]
    fn take_from_putter(&mut self, accepted: &Accepted) -> Option<T> {
        let Putter { id, item, waker } = self.putters.pop_front()?;
        self.count_put();
        self.accept(id, waker, accepted);
        self.refill(accepted);
        Some(item)
    }

    /// Moves waiting putters' items into the buffer while there is room, in
    /// arrival order.
    #[inline(always)]
    fn refill(&mut self, accepted: &Accepted) {
        // Most gets find no putter waiting: their path stays this check.
        if !self.putters.is_empty() {
            self.refill_from_putters(accepted);
        }
    }

    /// [`refill`](State::refill)'s loop, out of line: inlined, it would
    /// cost every get's path the registers it needs.
    #[inline(never)]
    fn refill_from_putters(&mut self, accepted: &Accepted) {
        while self.has_room() {
            let Some(Putter { id, item, waker }) = self.putters.pop_front() else {
                return;
            };
            // Accepted before the push, which may panic (an item's `Ord`)
            // with the item already in the heap.
            self.count_put();
            self.accept(id, waker, accepted);
            self.items.push(item);
        }
    }

    /// Restores the invariant after the capacity changed: room goes to
    /// waiting putters, and available items to getters with empty slots,
    /// both in arrival order.
    fn settle(&mut self, accepted: &Accepted) {
        self.refill(accepted);
        while !self.getters.is_empty() {
            let Some(item) = self.take_next(accepted) else {
                return;
            };
            self.hand_to_getter(item);
        }
    }

    /// Writes `item` (counted) into the cell of the first waiting getter,
    /// which leaves the line; it is woken.
    #[inline(always)]
    fn hand_to_getter(&mut self, item: T) {
        let Some(Getter { waker, cell, .. }) = self.getters.pop_front() else {
            unreachable!("an item is handed only to a waiting getter");
        };
        cell.fill(item);
        self.wakeups.add(waker);
    }

    /// Passes on the item of a getter that left before taking it: to the
    /// next getter with an empty slot, else back as the oldest item (past
    /// the bound if need be).
    fn give_back(&mut self, item: T) {
        if self.getters.is_empty() {
            self.items.push_oldest(item);
        } else {
            self.hand_to_getter(item);
        }
    }

    /// Tells the putter `id`, just taken from the front of the line, that
    /// its item is in; it is woken.
    fn accept(&mut self, id: u64, waker: Waker, accepted: &Accepted) {
        accepted.record(id);
        self.wakeups.add(waker);
    }

    /// Takes putter `id` out of line: `Err` with its item if it was still
    /// waiting, `Ok` if its item was taken.
    fn leave_putters(&mut self, id: u64, accepted: &Accepted) -> Result<(), T> {
        if accepted.includes_locked(id) {
            return Ok(());
        }
        let at = self.putter_at(id);
        match at.and_then(|at| self.putters.remove(at)) {
            Some(putter) => Err(putter.item),
            None => unreachable!("a waiting putter is either accepted or in line"),
        }
    }

    /// Takes getter `id` out of line, if it still waits; `None` if it was
    /// handed its item (it left the line then).
    fn leave_getters(&mut self, id: u64) -> Option<Getter<T>> {
        let at = self.getter_at(id)?;
        self.getters.remove(at)
    }

    /// Where getter `id` stands in line. Ids are handed out in increasing
    /// order and waiters only join at the back, so each line is sorted by
    /// id: a binary search. (A scan from the front made cancelling many
    /// waiters newest first quadratic: 3.5 s for 80k getters and 80k
    /// putters, 0.1 s for 20k.)
    fn getter_at(&self, id: u64) -> Option<usize> {
        self.getters.binary_search_by_key(&id, |slot| slot.id).ok()
    }

    /// Where putter `id` stands in line, as [`getter_at`](State::getter_at).
    fn putter_at(&self, id: u64) -> Option<usize> {
        self.putters
            .binary_search_by_key(&id, |putter| putter.id)
            .ok()
    }
}

impl<T, B: Buffer<T>> Core<T, B> {
    pub(crate) fn new(capacity: Option<usize>, tracked: bool) -> Self {
        Core {
            state: QueueLock::new(State {
                items: B::empty(),
                capacity,
                tracked,
                unfinished: 0,
                getters: VecDeque::new(),
                putters: VecDeque::new(),
                next_id: 0,
                wakeups: Wakeups::default(),
            }),
            accepted: Accepted(AtomicU64::new(0)),
            joined: Event::new(),
        }
    }

    fn lock(&self) -> Locked<'_, T, B> {
        Locked {
            guard: Some(self.state.lock()),
        }
    }

    pub(crate) fn try_put(&self, item: T) -> Result<(), Full<T>> {
        let mut state = self.lock();
        state.put_now(item).map_err(Full)
    }

    pub(crate) fn try_get(&self) -> Option<T> {
        let mut state = self.lock();
        state.take_next(&self.accepted)
    }

    pub(crate) fn len(&self) -> usize {
        self.lock().items.len()
    }

    pub(crate) fn capacity(&self) -> Option<usize> {
        self.lock().capacity
    }

    pub(crate) fn is_full(&self) -> bool {
        !self.lock().has_room()
    }

    pub(crate) fn getting(&self) -> usize {
        self.lock().getters.len()
    }

    pub(crate) fn putting(&self) -> usize {
        self.lock().putters.len()
    }

    /// Sets the capacity; a larger one takes waiting putters' items in, in
    /// arrival order, as far as the new room goes. Nothing is dropped.
    pub(crate) fn resize(&self, capacity: Option<usize>) {
        let mut state = self.lock();
        state.capacity = capacity;
        state.settle(&self.accepted);
    }

    pub(crate) fn unfinished_tasks(&self) -> usize {
        self.lock().unfinished
    }

    pub(crate) fn task_done(&self) -> Result<(), TaskDoneTooManyTimes> {
        let mut state = self.lock();
        state.unfinished = state
            .unfinished
            .checked_sub(1)
            .ok_or(TaskDoneTooManyTimes)?;
        let last = state.unfinished == 0;
        drop(state);
        if last {
            // Joiners listen, then look under the lock: one that saw a task
            // left looked before this count, so it hears this.
            self.joined.notify(usize::MAX);
        }
        Ok(())
    }
}

impl<T, B: Buffer<T>> fmt::Debug for Core<T, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        let mut debug = f.debug_struct("Queue");
        debug
            .field("len", &state.items.len())
            .field("maxsize", &state.capacity)
            .field("getting", &state.getters.len())
            .field("putting", &state.putters.len());
        if state.tracked {
            debug.field("unfinished_tasks", &state.unfinished);
        }
        debug.finish()
    }
}

pin_project! {
    /// The one get loop.
    pub(crate) struct GetInner<'a, T, B: Buffer<T>> {
        core: &'a Core<T, B>,
        // Our place in `State::getters`, while we wait.
        id: Option<u64>,
        // Where a put writes our item while we wait: pinned here, so that
        // the line can point at it.
        #[pin]
        cell: HandOff<T>,
    }

    impl<'a, T, B: Buffer<T>> PinnedDrop for GetInner<'a, T, B> {
        #[inline]
        fn drop(this: Pin<&mut Self>) {
            if this.id.is_some() {
                this.leave_on_drop();
            }
        }
    }
}

impl<'a, T, B: Buffer<T>> GetInner<'a, T, B> {
    pub(crate) fn new(core: &'a Core<T, B>) -> Self {
        GetInner {
            core,
            id: None,
            cell: HandOff::new(),
        }
    }

    /// Leaves the line, if we wait (`None` if not): the lock, still held,
    /// and the item a put handed us, if one did.
    fn leave_line(self: Pin<&mut Self>) -> Option<(Locked<'a, T, B>, Option<T>)> {
        let this = self.project();
        let id = this.id.take()?;
        let mut state = this.core.lock();
        let handed = match state.leave_getters(id) {
            // Still in line: our cell's filler comes back unused.
            Some(getter) => {
                this.cell.unlink(getter.cell);
                None
            }
            // A put took us out of line as it handed us our item.
            None => this.cell.take(),
        };
        Some((state, handed))
    }

    /// Dropped while waiting: out of line, and an item a put handed us goes
    /// on to the next getter, in the same critical section, so that no
    /// newcomer passes it.
    #[cold]
    fn leave_on_drop(self: Pin<&mut Self>) {
        if let Some((mut state, Some(item))) = self.leave_line() {
            state.give_back(item);
        }
    }

    /// Stops getting: the item handed to us if there is one (the get
    /// succeeded after all), else `None` and we are out of line.
    pub(crate) fn withdraw(self: Pin<&mut Self>) -> Option<T> {
        self.leave_line()?.1
    }
}

impl<T, B: Buffer<T>> Future for GetInner<'_, T, B> {
    type Output = T;

    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut this = self.project();
        if let Some(id) = *this.id {
            // Woken: the put that handed us our item wrote it into our cell,
            // so no lock is taken to find it.
            if let Some(item) = this.cell.as_mut().take() {
                *this.id = None;
                return Poll::Ready(item);
            }
            let mut state = this.core.lock();
            // Under the lock, no put can hand us an item unseen.
            if let Some(item) = this.cell.as_mut().take() {
                *this.id = None;
                return Poll::Ready(item);
            }
            // Polled again before its item came (a spurious wake-up, or
            // another task polls it now): the next wake-up goes to this waker.
            if let Some(at) = state.getter_at(id) {
                keep_waker(&mut state.getters[at].waker, cx.waker());
            }
            return Poll::Pending;
        }
        let mut state = this.core.lock();
        if let Some(item) = state.take_next(&this.core.accepted) {
            return Poll::Ready(item);
        }
        let id = state.next_id();
        // The waker is cloned (user code, which may panic) before the cell
        // is linked: a cell dropped linked aborts the process.
        let waker = cx.waker().clone();
        let cell = this.cell.link();
        state.getters.push_back(Getter { id, waker, cell });
        *this.id = Some(id);
        Poll::Pending
    }
}

/// The one put loop.
pub(crate) struct PutInner<'a, T, B: Buffer<T>> {
    core: &'a Core<T, B>,
    /// Ours until we wait; then it waits in the queue's state.
    item: Option<T>,
    /// Our place in line, once we wait.
    id: Option<u64>,
}

impl<'a, T, B: Buffer<T>> PutInner<'a, T, B> {
    pub(crate) fn new(core: &'a Core<T, B>, item: T) -> Self {
        PutInner {
            core,
            item: Some(item),
            id: None,
        }
    }

    /// Stops putting: `Err(item)` if the item was not taken yet (it comes
    /// back), `Ok` if it was.
    pub(crate) fn withdraw(&mut self) -> Result<(), T> {
        if let Some(item) = self.item.take() {
            return Err(item);
        }
        let Some(id) = self.id.take() else {
            return Ok(());
        };
        self.core.lock().leave_putters(id, &self.core.accepted)
    }
}

impl<T, B: Buffer<T>> Future for PutInner<'_, T, B> {
    type Output = ();

    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if let Some(item) = this.item.take() {
            let mut state = this.core.lock();
            let Err(item) = state.put_now(item) else {
                return Poll::Ready(());
            };
            let id = state.next_id();
            state.putters.push_back(Putter {
                id,
                item,
                waker: cx.waker().clone(),
            });
            this.id = Some(id);
            return Poll::Pending;
        }
        let Some(id) = this.id else {
            panic!("put polled after completion");
        };
        // A get took our item: we learn it with no lock.
        if !this.core.accepted.includes(id) {
            let mut state = this.core.lock();
            if !this.core.accepted.includes_locked(id) {
                // Polled before a get took it (a spurious wake-up, or
                // another task polls it now): the wake-up goes here.
                if let Some(at) = state.putter_at(id) {
                    keep_waker(&mut state.putters[at].waker, cx.waker());
                }
                return Poll::Pending;
            }
        }
        this.id = None;
        Poll::Ready(())
    }
}

impl<T, B: Buffer<T>> Drop for PutInner<'_, T, B> {
    #[inline]
    fn drop(&mut self) {
        // A put dropped before its item was taken takes the item with it
        // (its own, if it never waited, drops with it).
        if let Some(id) = self.id {
            drop(self.core.lock().leave_putters(id, &self.core.accepted));
        }
    }
}

impl<T, B: Buffer<T>> Unpin for PutInner<'_, T, B> {}

/// The one join loop.
pub(crate) struct JoinInner<'a, T, B: Buffer<T>> {
    core: &'a Core<T, B>,
    listener: Option<EventListener>,
}

impl<'a, T, B: Buffer<T>> JoinInner<'a, T, B> {
    pub(crate) fn new(core: &'a Core<T, B>) -> Self {
        JoinInner {
            core,
            listener: None,
        }
    }
}

impl<T, B: Buffer<T>> EventListenerFuture for JoinInner<'_, T, B> {
    type Output = ();

    fn poll_with_strategy<'a, S: Strategy<'a>>(
        self: Pin<&mut Self>,
        strategy: &mut S,
        cx: &mut S::Context,
    ) -> Poll<()> {
        let this = self.get_mut();
        loop {
            // Looked at again after listening: the last task_done may have
            // notified just before.
            if this.core.unfinished_tasks() == 0 {
                return Poll::Ready(());
            }
            if this.listener.is_none() {
                this.listener = Some(this.core.joined.listen());
            } else if strategy.poll(&mut this.listener, cx).is_pending() {
                return Poll::Pending;
            }
        }
    }
}

impl<T, B: Buffer<T>> Drop for JoinInner<'_, T, B> {
    fn drop(&mut self) {
        if let Some(listener) = self.listener.take() {
            listener.discard();
        }
    }
}

impl<T, B: Buffer<T>> Unpin for JoinInner<'_, T, B> {}
