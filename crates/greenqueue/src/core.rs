//! The waiting logic every queue type shares, and the one get, put and join
//! loop behind every face.
//!
//! A put that finds room and nobody waiting to put ahead of it, and a get
//! that finds an item, touch only atomics and the shared buffer, which keeps
//! its own bound: no lock, so producers and consumers on different threads
//! don't queue up behind one.
//!
//! Everything about waiting is decided under one lock, and every getter's
//! and putter's listener is registered, notified and discarded under it, so
//! the counts here match event-listener's lists exactly; the counts the
//! lock-free paths read are atomics, written only under the lock. Getters
//! wait in arrival order; each item that arrives wakes one idle getter,
//! which takes an item when it runs. A get that arrives while items are
//! buffered takes one at once, as eventlet's does; a woken getter that finds
//! its item gone that way waits again in a retry lane that is woken first,
//! so it keeps its place. Putters that find no room wait with their item
//! stored here: a get takes it straight from them (the rendezvous) or moves
//! it into the room it frees, in arrival order, and wakes that putter.
//! Joiners need no count: they listen, then look, and the last `task_done`
//! wakes them all.
//!
//! Two hand-shakes between the lock-free paths and the waiting lines rest on
//! `SeqCst`: a put stores its item, then reads whether getters idle, while a
//! getter counts itself idle, then looks for an item; a get takes an item,
//! then reads whether putters wait, while a putter joins the line, then looks
//! for room. The waiting side fences between its two steps, and the buffer's
//! store or take is `SeqCst` (or under the buffer's lock), so in each pair
//! one side sees the other and no wake-up is lost. The counts' other writes
//! only make a lock-free path take the lock when it need not, so they are
//! plain `Release` stores.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::sync::atomic::Ordering::{Release, SeqCst};
use std::task::Poll;

use event_listener::{Event, EventListener, Listener};
use event_listener_strategy::{EventListenerFuture, Strategy};

use crate::buffer::Buffer;
use crate::sync::{AtomicUsize, Mutex, MutexGuard, Padded, fence, lock, seq_cst_for_loom};
use crate::{Full, TaskDoneTooManyTimes};

pub(crate) struct Core<T, B> {
    items: B,
    /// Unfinished tasks of a tracked queue.
    unfinished: Padded<AtomicUsize>,
    /// Getters that no notification has reached.
    idle_getters: AtomicUsize,
    /// Putters waiting in line (mirrors `State::putters.len()`).
    waiting_putters: AtomicUsize,
    /// Items handed to waiting getters (mirrors `State::handoff.len()`).
    handoffs: AtomicUsize,
    state: Mutex<State<T>>,
    /// Getters waiting in arrival order.
    getters_queue: Event,
    /// Getters that were woken but found their item taken: woken first.
    getters_retry: Event,
    /// Putters in arrival order; the one whose item a get took is woken.
    putters_woken: Event,
    joined: Event,
    /// `Queue`, `LifoQueue` and `PriorityQueue` count unfinished tasks.
    tracked: bool,
}

struct State<T> {
    /// `None` is unbounded; `Some(0)` a rendezvous.
    capacity: Option<usize>,
    /// Items handed to waiting getters when there was no room (a
    /// rendezvous): not buffered, taken before anything else.
    handoff: VecDeque<T>,
    /// Waiting getters.
    getters: usize,
    /// Waiting putters and their items, in arrival order.
    putters: VecDeque<(u64, T)>,
    /// Putters whose item a get took: done, they only need to learn it.
    accepted: Vec<u64>,
    next_id: u64,
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
}

impl<T, B: Buffer<T>> Core<T, B> {
    pub(crate) fn new(items: B, capacity: Option<usize>, tracked: bool) -> Self {
        Core {
            items,
            unfinished: Padded(AtomicUsize::new(0)),
            idle_getters: AtomicUsize::new(0),
            waiting_putters: AtomicUsize::new(0),
            handoffs: AtomicUsize::new(0),
            state: Mutex::new(State {
                capacity,
                handoff: VecDeque::new(),
                getters: 0,
                putters: VecDeque::new(),
                accepted: Vec::new(),
                next_id: 0,
            }),
            getters_queue: Event::new(),
            getters_retry: Event::new(),
            putters_woken: Event::new(),
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

    /// Puts without the lock if there is room and nobody waits to put first.
    fn put_unlocked(&self, item: T) -> Result<(), T> {
        if self.waiting_putters.load(SeqCst) > 0 {
            return Err(item);
        }
        self.push(item)?;
        seq_cst_for_loom();
        if self.idle_getters.load(SeqCst) > 0 {
            self.wake_getter(&mut self.lock());
        }
        Ok(())
    }

    /// Gets a buffered item without the lock, unless items were handed off
    /// (those go first).
    fn get_unlocked(&self) -> Option<T> {
        if self.handoffs.load(SeqCst) > 0 {
            return None;
        }
        let item = self.items.pop()?;
        seq_cst_for_loom();
        if self.waiting_putters.load(SeqCst) > 0 {
            self.refill(&mut self.lock());
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

    /// Puts `item` in the buffer if there is room and no putter waits ahead
    /// of it, else hands it to a waiting getter that has none handed yet
    /// (possible only when there is no room, as at a rendezvous).
    fn put_now(&self, state: &mut State<T>, mut item: T) -> Result<(), T> {
        // Room a lock-free get freed goes to the putters in line first.
        self.refill(state);
        if state.putters.is_empty() {
            match self.push(item) {
                Ok(()) => {
                    self.wake_getter(state);
                    return Ok(());
                }
                Err(back) => item = back,
            }
        }
        if state.getters <= state.handoff.len() {
            return Err(item);
        }
        self.count_put();
        state.handoff.push_back(item);
        self.handoffs.store(state.handoff.len(), Release);
        self.wake_getter(state);
        Ok(())
    }

    /// The next item: one handed off, else a buffered one, else a waiting
    /// putter's. Refills the room it frees from waiting putters.
    fn get_now(&self, state: &mut State<T>) -> Option<T> {
        let item = if let Some(item) = state.handoff.pop_front() {
            self.handoffs.store(state.handoff.len(), Release);
            item
        } else if let Some(item) = self.items.pop() {
            item
        } else {
            let (putter, item) = state.putters.pop_front()?;
            self.count_put();
            self.accept(state, putter);
            item
        };
        self.refill(state);
        Some(item)
    }

    /// Moves waiting putters' items into the buffer while there is room.
    fn refill(&self, state: &mut State<T>) {
        while let Some((putter, item)) = state.putters.pop_front() {
            let mut acceptance = Acceptance {
                core: self,
                state,
                putter: Some(putter),
            };
            if let Err(item) = self.push(item) {
                acceptance.putter = None;
                acceptance.state.putters.push_front((putter, item));
                return;
            }
            drop(acceptance);
            self.wake_getter(state);
        }
    }

    /// Tells the putter `putter` that its item, counted, is in.
    fn accept(&self, state: &mut State<T>, putter: u64) {
        self.waiting_putters.store(state.putters.len(), Release);
        state.accepted.push(putter);
        // Putters are accepted in arrival order and listen in arrival order,
        // so the first one not yet woken is this one.
        self.putters_woken.notify_additional(1);
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

    /// Wakes one getter no notification has reached yet, if there is one:
    /// one that lost its item to a barging get first.
    fn wake_getter(&self, _: &mut State<T>) {
        let idle = self.idle_getters.load(SeqCst);
        if idle > 0 {
            self.idle_getters.store(idle - 1, Release);
            if self.getters_retry.notify_additional(1) == 0 {
                self.getters_queue.notify_additional(1);
            }
        }
    }

    /// Counts a getter idle: a notification may now be sent its way.
    fn add_idle_getter(&self, _: &mut State<T>) {
        let idle = self.idle_getters.load(SeqCst);
        self.idle_getters.store(idle + 1, Release);
    }

    /// A waiting getter leaves with `listener`: a notification it was sent
    /// goes to another getter, else it stops counting as idle.
    fn leave_getters(&self, state: &mut State<T>, listener: Option<EventListener>) {
        state.getters -= 1;
        if let Some(listener) = listener {
            if listener.discard() {
                self.wake_getter(state);
            } else {
                let idle = self.idle_getters.load(SeqCst);
                self.idle_getters.store(idle - 1, Release);
            }
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
        self.lock().getters
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
        self.refill(&mut state);
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
            .field("getting", &state.getters)
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
    putter: Option<u64>,
}

impl<T, B: Buffer<T>> Drop for Acceptance<'_, T, B> {
    fn drop(&mut self) {
        if let Some(putter) = self.putter {
            self.core.accept(self.state, putter);
        }
    }
}

/// The one get loop.
pub(crate) struct GetInner<'a, T, B: Buffer<T>> {
    core: &'a Core<T, B>,
    /// Counted in `State::getters`.
    waiting: bool,
    listener: Option<EventListener>,
}

impl<'a, T, B: Buffer<T>> GetInner<'a, T, B> {
    pub(crate) fn new(core: &'a Core<T, B>) -> Self {
        GetInner {
            core,
            waiting: false,
            listener: None,
        }
    }
}

impl<T, B: Buffer<T>> EventListenerFuture for GetInner<'_, T, B> {
    type Output = T;

    fn poll_with_strategy<'a, S: Strategy<'a>>(
        self: Pin<&mut Self>,
        strategy: &mut S,
        cx: &mut S::Context,
    ) -> Poll<T> {
        let this = self.get_mut();
        loop {
            if this.listener.is_none() {
                let core = this.core;
                if !this.waiting {
                    if let Some(item) = core.get_unlocked() {
                        return Poll::Ready(item);
                    }
                }
                let mut state = core.lock();
                this.listener = Some(if this.waiting {
                    // Woken: it takes the lock to stop counting as waiting
                    // anyway, so it looks under the lock.
                    if let Some(item) = core.get_now(&mut state) {
                        this.waiting = false;
                        state.getters -= 1;
                        return Poll::Ready(item);
                    }
                    // Its item went to a barging get: it waits first in line.
                    core.getters_retry.listen()
                } else {
                    // Items the lock-free get could not take: handed off, or
                    // a waiting putter's (a rendezvous).
                    if !state.handoff.is_empty() || !state.putters.is_empty() {
                        if let Some(item) = core.get_now(&mut state) {
                            return Poll::Ready(item);
                        }
                    }
                    state.getters += 1;
                    this.waiting = true;
                    core.getters_queue.listen()
                });
                core.add_idle_getter(&mut state);
                // A lock-free put may have stored an item before it could see
                // us idle: look once more, now that it will.
                fence(SeqCst);
                if let Some(item) = core.get_now(&mut state) {
                    this.waiting = false;
                    core.leave_getters(&mut state, this.listener.take());
                    return Poll::Ready(item);
                }
            }
            if strategy.poll(&mut this.listener, cx).is_pending() {
                return Poll::Pending;
            }
        }
    }
}

impl<T, B: Buffer<T>> Drop for GetInner<'_, T, B> {
    fn drop(&mut self) {
        if self.waiting {
            let mut state = self.core.lock();
            self.core.leave_getters(&mut state, self.listener.take());
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
    listener: Option<EventListener>,
}

impl<'a, T, B: Buffer<T>> PutInner<'a, T, B> {
    pub(crate) fn new(core: &'a Core<T, B>, item: T) -> Self {
        PutInner {
            core,
            item: Some(item),
            id: None,
            listener: None,
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
        // A notification, if any, was for our own acceptance: nothing to pass on.
        if let Some(listener) = self.listener.take() {
            listener.discard();
        }
        if state.take_acceptance(id) {
            return Ok(());
        }
        let at = state
            .putters
            .iter()
            .position(|(putter, _)| *putter == id)
            .expect("a waiting putter is either accepted or in line");
        let (_, item) = state.putters.remove(at).expect("found just now");
        self.core
            .waiting_putters
            .store(state.putters.len(), Release);
        Err(item)
    }
}

impl<T, B: Buffer<T>> EventListenerFuture for PutInner<'_, T, B> {
    type Output = ();

    fn poll_with_strategy<'a, S: Strategy<'a>>(
        self: Pin<&mut Self>,
        strategy: &mut S,
        cx: &mut S::Context,
    ) -> Poll<()> {
        let this = self.get_mut();
        loop {
            if this.listener.is_none() {
                let core = this.core;
                match (this.id, this.item.take()) {
                    (None, Some(item)) => {
                        let Err(item) = core.put_unlocked(item) else {
                            return Poll::Ready(());
                        };
                        let mut state = core.lock();
                        let Err(item) = core.put_now(&mut state, item) else {
                            return Poll::Ready(());
                        };
                        // Listen before joining the line, so that listeners
                        // stay in line order even if we are accepted at once.
                        this.listener = Some(core.putters_woken.listen());
                        let id = state.next_id();
                        this.id = Some(id);
                        state.putters.push_back((id, item));
                        core.waiting_putters.store(state.putters.len(), Release);
                        // A lock-free get may have freed room before it could
                        // see us waiting: look once more, now that it will.
                        fence(SeqCst);
                        core.refill(&mut state);
                        if state.take_acceptance(id) {
                            this.id = None;
                            if let Some(listener) = this.listener.take() {
                                listener.discard();
                            }
                            return Poll::Ready(());
                        }
                    }
                    (Some(id), None) => {
                        let mut state = core.lock();
                        if state.take_acceptance(id) {
                            this.id = None;
                            return Poll::Ready(());
                        }
                        this.listener = Some(core.putters_woken.listen());
                    }
                    _ => unreachable!("put polled after completion"),
                }
            }
            if strategy.poll(&mut this.listener, cx).is_pending() {
                return Poll::Pending;
            }
        }
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
