//! The waiting logic every queue type shares, and the one get, put and join
//! loop behind every face.
//!
//! A put that finds room and nobody waiting, and a get that finds an item,
//! touch only atomics and the shared buffer, which keeps its own bound: no
//! lock, so producers and consumers on different threads don't queue up
//! behind one.
//!
//! Everything about waiting is decided under one lock. A getter that finds
//! nothing waits in `State::getters` with a slot of its own, which holds its
//! waker; an item for it is written into the first empty slot, in arrival
//! order, and only that getter is woken, with the waker taken from its slot.
//! Putters wait the same way, their item and waker in `State::putters`.
//! Waiters keep their wakers here rather than listen on an event-listener
//! `Event`: a wait then allocates nothing (the lines' `VecDeque`s keep their
//! room), and a wake-up is one waker call under the lock already held,
//! where a listener cost an allocation and the event's own lock on each
//! wait and each wake (a third of a ping-pong round trip's profile). The rule that keeps
//! order is one invariant, restored by [`Core::settle`] before the lock is let
//! go: **while a getter waits with an empty slot, nothing is available**:
//! no buffered item, no waiting putter. So a put either fills the first
//! empty slot or, with every getter served, buffers or waits; items cannot
//! pass each other, and `getting()` is the number of empty slots. Putters
//! that find no room wait with their item stored here: a get takes it
//! straight from them (the rendezvous) or moves it into the room it frees,
//! in arrival order, and wakes that putter. Joiners need no count: they
//! listen, then look, and the last `task_done` wakes them all.
//!
//! A getter dropped after its slot was filled passes the item on: to the
//! next getter with an empty slot, else back to the buffer as its oldest
//! item ([`Buffer::push_oldest`]), never to a newcomer ahead of a waiter.
//!
//! Two hand-shakes between the lock-free paths and the waiting lines rest on
//! `SeqCst`: a lock-free put stores its item, then reads whether getters
//! wait with empty slots, while a getter counts its empty slot, then looks
//! for an item; a lock-free get takes an item, then reads whether putters
//! wait, while a putter joins the line, then looks for room. The waiting
//! side fences between its two steps, and the buffer's store or take is
//! `SeqCst` (or under the buffer's lock), so in each pair one side sees the
//! other and no item is stranded. The counts' other writes only make a
//! lock-free path take the lock when it need not, so they are plain
//! `Release` stores.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::sync::atomic::Ordering::{Release, SeqCst};
use std::task::Poll;

use std::future::Future;
use std::task::{Context, Waker};

use event_listener::{Event, EventListener, Listener};
use event_listener_strategy::{EventListenerFuture, Strategy};

use crate::buffer::Buffer;
use crate::sync::{AtomicUsize, Mutex, MutexGuard, Padded, fence, lock, seq_cst_for_loom};
use crate::{Full, TaskDoneTooManyTimes};

pub(crate) struct Core<T, B> {
    items: B,
    /// Unfinished tasks of a tracked queue.
    unfinished: Padded<AtomicUsize>,
    /// Getters waiting with an empty slot (mirrors `State::empty_slots()`).
    empty_getters: AtomicUsize,
    /// Putters waiting in line (mirrors `State::putters.len()`).
    waiting_putters: AtomicUsize,
    state: Mutex<State<T>>,
    joined: Event,
    /// `Queue`, `LifoQueue` and `PriorityQueue` count unfinished tasks.
    tracked: bool,
}

struct State<T> {
    /// `None` is unbounded; `Some(0)` a rendezvous.
    capacity: Option<usize>,
    /// Waiting getters in arrival order. The first `served` have their item
    /// in their slot (filled slots are always a prefix: each fill goes to
    /// the first empty slot, and a served getter that leaves hands its item
    /// to the first empty slot too).
    getters: VecDeque<Slot<T>>,
    served: usize,
    /// Waiting putters and their items, in arrival order.
    putters: VecDeque<Putter<T>>,
    /// Putters whose item a get took: done, they only need to learn it.
    accepted: Vec<u64>,
    next_id: u64,
}

/// A waiting getter's place in line, the item handed to it, and where to
/// wake it (taken when it is woken).
struct Slot<T> {
    id: u64,
    item: Option<T>,
    waker: Option<Waker>,
}

/// A waiting putter's place in line, its item, and where to wake it.
struct Putter<T> {
    id: u64,
    item: T,
    waker: Option<Waker>,
}

/// Leaves `waker` in `place` unless the one there wakes the same task.
fn keep_waker(place: &mut Option<Waker>, waker: &Waker) {
    if !place.as_ref().is_some_and(|kept| kept.will_wake(waker)) {
        *place = Some(waker.clone());
    }
}

impl<T> State<T> {
    /// Whether the putter `id` was accepted; it stops being so.
    fn take_acceptance(&mut self, id: u64) -> bool {
        let Some(at) = self.accepted.iter().position(|&putter| putter == id) else {
            return false;
        };
        self.accepted.swap_remove(at);
        true
    }

    fn next_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Where to wake getter `id` (still waiting for its item) next time.
    fn keep_getter_waker(&mut self, id: u64, waker: &Waker) {
        if let Some(slot) = self.getters.iter_mut().find(|slot| slot.id == id) {
            keep_waker(&mut slot.waker, waker);
        }
    }

    /// Where to wake putter `id` (still in line) next time.
    fn keep_putter_waker(&mut self, id: u64, waker: &Waker) {
        if let Some(putter) = self.putters.iter_mut().find(|putter| putter.id == id) {
            keep_waker(&mut putter.waker, waker);
        }
    }

    /// Getters still waiting for an item.
    fn empty_slots(&self) -> usize {
        self.getters.len() - self.served
    }

    /// Takes the item handed to getter `id`, which then stops waiting.
    fn take_handed(&mut self, id: u64) -> Option<T> {
        let at = self
            .getters
            .iter()
            .take(self.served)
            .position(|slot| slot.id == id)?;
        let slot = self.getters.remove(at).expect("found just now");
        self.served -= 1;
        slot.item
    }
}

impl<T, B: Buffer<T>> Core<T, B> {
    pub(crate) fn new(items: B, capacity: Option<usize>, tracked: bool) -> Self {
        Core {
            items,
            unfinished: Padded(AtomicUsize::new(0)),
            empty_getters: AtomicUsize::new(0),
            waiting_putters: AtomicUsize::new(0),
            state: Mutex::new(State {
                capacity,
                getters: VecDeque::new(),
                served: 0,
                putters: VecDeque::new(),
                accepted: Vec::new(),
                next_id: 0,
            }),
            joined: Event::new(),
            tracked,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        lock(&self.state)
    }

    pub(crate) fn try_put(&self, item: T) -> Result<(), Full<T>> {
        let Err(item) = self.put_unlocked(item) else {
            return Ok(());
        };
        let mut state = self.lock();
        self.put_now(&mut state, item).map_err(Full)
    }

    pub(crate) fn try_get(&self) -> Option<T> {
        if let Some(item) = self.get_unlocked() {
            return Some(item);
        }
        let mut state = self.lock();
        self.get_now(&mut state)
    }

    /// Buffers without the lock if nobody waits: a getter with an empty slot
    /// must be handed the item, a putter in line must go first.
    fn put_unlocked(&self, item: T) -> Result<(), T> {
        if self.waiting_putters.load(SeqCst) > 0 || self.empty_getters.load(SeqCst) > 0 {
            return Err(item);
        }
        self.push(item)?;
        seq_cst_for_loom();
        if self.empty_getters.load(SeqCst) > 0 {
            // A getter came to wait while we stored: it is due this item.
            self.settle(&mut self.lock());
        }
        Ok(())
    }

    /// Gets a buffered item without the lock.
    fn get_unlocked(&self) -> Option<T> {
        let item = self.items.pop()?;
        seq_cst_for_loom();
        if self.waiting_putters.load(SeqCst) > 0 {
            // The room we freed is the first waiting putter's.
            self.settle(&mut self.lock());
        }
        Some(item)
    }

    /// Buffers `item` if there is room, counting its task first: a getter
    /// may take it at once, and its `task_done` must find it counted.
    fn push(&self, item: T) -> Result<(), T> {
        self.count_put();
        self.items
            .try_push(item)
            .inspect_err(|_| self.uncount_put())
    }

    /// Puts `item` now if it can: into the first empty getter slot, else
    /// into the buffer if there is room and no putter waits ahead of it.
    fn put_now(&self, state: &mut State<T>, item: T) -> Result<(), T> {
        self.settle(state);
        if state.empty_slots() > 0 {
            // Settled: nothing is available, so this item is the next one out.
            self.count_put();
            self.hand_to_getter(state, item);
            return Ok(());
        }
        if !state.putters.is_empty() {
            return Err(item);
        }
        self.push(item)
    }

    /// The next available item, unless a getter waits ahead for one.
    fn get_now(&self, state: &mut State<T>) -> Option<T> {
        self.settle(state);
        if state.empty_slots() > 0 {
            return None;
        }
        self.take_next(state)
    }

    /// The next item: a buffered one, else a waiting putter's (a
    /// rendezvous, or a full queue whose room was just taken). Moves waiting
    /// putters' items into the room it frees.
    fn take_next(&self, state: &mut State<T>) -> Option<T> {
        let item = if let Some(item) = self.items.pop() {
            item
        } else {
            let putter = state.putters.pop_front()?;
            self.count_put();
            self.accept(state, putter.id, putter.waker);
            putter.item
        };
        self.refill(state);
        Some(item)
    }

    /// Restores the invariant: room goes to waiting putters, and available
    /// items to getters with empty slots, both in arrival order.
    fn settle(&self, state: &mut State<T>) {
        self.refill(state);
        while state.empty_slots() > 0 {
            let Some(item) = self.take_next(state) else {
                return;
            };
            self.hand_to_getter(state, item);
        }
    }

    /// Writes `item` (counted) into the first empty slot and wakes its getter.
    fn hand_to_getter(&self, state: &mut State<T>, item: T) {
        let served = state.served;
        let slot = &mut state.getters[served];
        slot.item = Some(item);
        let waker = slot.waker.take();
        state.served += 1;
        self.empty_getters.store(state.empty_slots(), Release);
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Passes on the item of a getter that left before taking it: to the
    /// next getter with an empty slot, else back as the oldest item.
    fn give_back(&self, state: &mut State<T>, item: T) {
        if state.empty_slots() > 0 {
            self.hand_to_getter(state, item);
        } else {
            self.items.push_oldest(item);
        }
    }

    /// Moves waiting putters' items into the buffer while there is room.
    fn refill(&self, state: &mut State<T>) {
        while let Some(Putter { id, item, waker }) = state.putters.pop_front() {
            let mut acceptance = Acceptance {
                core: self,
                state,
                putter: Some((id, waker)),
            };
            if let Err(item) = self.push(item) {
                let (id, waker) = acceptance.putter.take().expect("set above");
                acceptance
                    .state
                    .putters
                    .push_front(Putter { id, item, waker });
                return;
            }
        }
    }

    /// Tells the putter `putter` that its item, counted, is in, and wakes it.
    fn accept(&self, state: &mut State<T>, putter: u64, waker: Option<Waker>) {
        self.waiting_putters.store(state.putters.len(), Release);
        state.accepted.push(putter);
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    fn count_put(&self) {
        if self.tracked {
            self.unfinished.fetch_add(1, SeqCst);
        }
    }

    /// Takes back the count of a put that found no room, as `task_done`
    /// would: a `task_done` that ran meanwhile may have used it.
    fn uncount_put(&self) {
        if self.tracked {
            let _ = self.task_done();
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    pub(crate) fn capacity(&self) -> Option<usize> {
        self.lock().capacity
    }

    pub(crate) fn is_full(&self) -> bool {
        let capacity = self.lock().capacity;
        capacity.is_some_and(|capacity| self.len() >= capacity)
    }

    pub(crate) fn getting(&self) -> usize {
        self.lock().empty_slots()
    }

    pub(crate) fn putting(&self) -> usize {
        self.lock().putters.len()
    }

    /// Sets the capacity; a larger one takes waiting putters' items in, in
    /// arrival order, as far as the new room goes. Nothing is dropped.
    pub(crate) fn resize(&self, capacity: Option<usize>) {
        let mut state = self.lock();
        state.capacity = capacity;
        self.items.resize(capacity);
        self.settle(&mut state);
    }

    pub(crate) fn unfinished_tasks(&self) -> usize {
        self.unfinished.load(SeqCst)
    }

    pub(crate) fn task_done(&self) -> Result<(), TaskDoneTooManyTimes> {
        let before = self
            .unfinished
            .fetch_update(SeqCst, SeqCst, |unfinished| unfinished.checked_sub(1))
            .map_err(|_| TaskDoneTooManyTimes)?;
        if before == 1 {
            // Joiners listen, then look: one that saw a task left hears this.
            seq_cst_for_loom();
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
            .field("len", &self.len())
            .field("maxsize", &state.capacity)
            .field("getting", &state.empty_slots())
            .field("putting", &state.putters.len());
        if self.tracked {
            debug.field("unfinished_tasks", &self.unfinished_tasks());
        }
        debug.finish()
    }
}

/// Accepts a putter taken out of line when dropped, which is also when the
/// push of its item panics (an item's `Ord`): the item is in the buffer then,
/// and the putter must learn it.
struct Acceptance<'a, T, B: Buffer<T>> {
    core: &'a Core<T, B>,
    state: &'a mut State<T>,
    putter: Option<(u64, Option<Waker>)>,
}

impl<T, B: Buffer<T>> Drop for Acceptance<'_, T, B> {
    fn drop(&mut self) {
        if let Some((putter, waker)) = self.putter.take() {
            self.core.accept(self.state, putter, waker);
        }
    }
}

/// The one get loop.
pub(crate) struct GetInner<'a, T, B: Buffer<T>> {
    core: &'a Core<T, B>,
    /// Our slot in `State::getters`, once we wait.
    id: Option<u64>,
}

impl<'a, T, B: Buffer<T>> GetInner<'a, T, B> {
    pub(crate) fn new(core: &'a Core<T, B>) -> Self {
        GetInner { core, id: None }
    }

    /// Takes the next item if there is one for us, else takes a slot in the
    /// getters' line, to be woken through `waker`: `Err` with its id.
    fn get_or_join(&mut self, waker: &Waker) -> Result<T, u64> {
        let core = self.core;
        if let Some(item) = core.get_unlocked() {
            return Ok(item);
        }
        let mut state = core.lock();
        if let Some(item) = core.get_now(&mut state) {
            return Ok(item);
        }
        let id = state.next_id();
        state.getters.push_back(Slot {
            id,
            item: None,
            waker: Some(waker.clone()),
        });
        core.empty_getters.store(state.empty_slots(), Release);
        // A lock-free put may have stored an item before it could see our
        // slot: look once more, now that it will.
        fence(SeqCst);
        core.settle(&mut state);
        if let Some(item) = state.take_handed(id) {
            return Ok(item);
        }
        self.id = Some(id);
        Err(id)
    }

    /// Stops getting: the item handed to us if there is one (the get
    /// succeeded after all), else `None` and we are out of line.
    pub(crate) fn withdraw(&mut self) -> Option<T> {
        let id = self.id?;
        let mut state = self.core.lock();
        self.leave(&mut state, id)
    }

    /// Leaves the line with the item handed to us, if any.
    fn leave(&mut self, state: &mut State<T>, id: u64) -> Option<T> {
        self.id = None;
        if let Some(item) = state.take_handed(id) {
            return Some(item);
        }
        let at = state
            .getters
            .iter()
            .position(|slot| slot.id == id)
            .expect("a waiting getter is in line");
        state.getters.remove(at);
        self.core.empty_getters.store(state.empty_slots(), Release);
        None
    }
}

impl<T, B: Buffer<T>> Future for GetInner<'_, T, B> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let this = self.get_mut();
        let Some(id) = this.id else {
            return match this.get_or_join(cx.waker()) {
                Ok(item) => Poll::Ready(item),
                Err(_) => Poll::Pending,
            };
        };
        let mut state = this.core.lock();
        if let Some(item) = state.take_handed(id) {
            this.id = None;
            return Poll::Ready(item);
        }
        // Polled again before its item came (a spurious wake-up, or another
        // task polls it now): the next wake-up goes to this waker.
        state.keep_getter_waker(id, cx.waker());
        Poll::Pending
    }
}

impl<T, B: Buffer<T>> Drop for GetInner<'_, T, B> {
    fn drop(&mut self) {
        let Some(id) = self.id else { return };
        let core = self.core;
        let mut state = core.lock();
        if let Some(item) = self.leave(&mut state, id) {
            core.give_back(&mut state, item);
        }
    }
}

// Items are never pinned: they move in and out of the queue by value.
impl<T, B: Buffer<T>> Unpin for GetInner<'_, T, B> {}

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
        let mut state = self.core.lock();
        if state.take_acceptance(id) {
            return Ok(());
        }
        let at = state
            .putters
            .iter()
            .position(|putter| putter.id == id)
            .expect("a waiting putter is either accepted or in line");
        let putter = state.putters.remove(at).expect("found just now");
        self.core
            .waiting_putters
            .store(state.putters.len(), Release);
        Err(putter.item)
    }

    /// Puts our item now if it can, else joins the putters' line, to be
    /// woken through `waker`.
    fn put_or_join(&mut self, item: T, waker: &Waker) -> Poll<()> {
        let core = self.core;
        let Err(item) = core.put_unlocked(item) else {
            return Poll::Ready(());
        };
        let mut state = core.lock();
        let Err(item) = core.put_now(&mut state, item) else {
            return Poll::Ready(());
        };
        let id = state.next_id();
        self.id = Some(id);
        state.putters.push_back(Putter {
            id,
            item,
            waker: Some(waker.clone()),
        });
        core.waiting_putters.store(state.putters.len(), Release);
        // A lock-free get may have freed room before it could see us
        // waiting: look once more, now that it will.
        fence(SeqCst);
        core.settle(&mut state);
        if state.take_acceptance(id) {
            self.id = None;
            return Poll::Ready(());
        }
        Poll::Pending
    }
}

impl<T, B: Buffer<T>> Future for PutInner<'_, T, B> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if let Some(item) = this.item.take() {
            return this.put_or_join(item, cx.waker());
        }
        let id = this.id.expect("put polled after completion");
        let mut state = this.core.lock();
        if state.take_acceptance(id) {
            this.id = None;
            return Poll::Ready(());
        }
        state.keep_putter_waker(id, cx.waker());
        Poll::Pending
    }
}

impl<T, B: Buffer<T>> Drop for PutInner<'_, T, B> {
    fn drop(&mut self) {
        // A put dropped before its item was taken takes the item with it.
        drop(self.withdraw());
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
                seq_cst_for_loom();
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
