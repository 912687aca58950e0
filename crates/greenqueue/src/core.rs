//! The waiting logic every queue type shares, and the one get, put and join
//! loop behind every face.
//!
//! Decisions are made under one lock, and every listener is registered,
//! notified and discarded under it, so the counts here match event-listener's
//! lists exactly. Getters wait in arrival order; each item that arrives wakes
//! one idle getter, which takes an item when it runs. A get that arrives while
//! items are buffered takes one at once, as eventlet's does; a woken getter
//! that finds its item gone that way waits again in a retry lane that is woken
//! first, so it keeps its place. Putters that find no room wait with their
//! item stored here: a get takes it straight from them (the rendezvous) or
//! moves it into the room it frees, in arrival order, and wakes that putter.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::sync::PoisonError;
use std::task::Poll;

use event_listener::{Event, EventListener, Listener};
use event_listener_strategy::{EventListenerFuture, Strategy};

use crate::buffer::Buffer;
use crate::sync::{Mutex, MutexGuard};
use crate::{Full, TaskDoneTooManyTimes};

pub(crate) struct Core<T, B> {
    state: Mutex<State<T, B>>,
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

struct State<T, B> {
    items: B,
    /// `None` is unbounded; `Some(0)` a rendezvous.
    capacity: Option<usize>,
    /// Items handed to waiting getters when there was no room (a
    /// rendezvous): not buffered, taken before anything else.
    handoff: VecDeque<T>,
    /// Waiting getters, and how many of them no notification has reached.
    getters: usize,
    idle_getters: usize,
    /// Waiting putters and their items, in arrival order.
    putters: VecDeque<(u64, T)>,
    /// Putters whose item a get took: done, they only need to learn it.
    accepted: Vec<u64>,
    next_id: u64,
    unfinished: usize,
}

impl<T, B: Buffer<T>> Core<T, B> {
    pub(crate) fn new(items: B, capacity: Option<usize>, tracked: bool) -> Self {
        Core {
            state: Mutex::new(State {
                items,
                capacity,
                handoff: VecDeque::new(),
                getters: 0,
                idle_getters: 0,
                putters: VecDeque::new(),
                accepted: Vec::new(),
                next_id: 0,
                unfinished: 0,
            }),
            getters_queue: Event::new(),
            getters_retry: Event::new(),
            putters_woken: Event::new(),
            joined: Event::new(),
            tracked,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T, B>> {
        // User code (an item's `Ord`) can panic under the lock; every update
        // leaves the state consistent before calling it.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn try_put(&self, item: T) -> Result<(), Full<T>> {
        let mut state = self.lock();
        self.put_now(&mut state, item).map_err(Full)
    }

    pub(crate) fn try_get(&self) -> Option<T> {
        let mut state = self.lock();
        self.get_now(&mut state)
    }

    /// Puts `item` in the buffer if there is room, else hands it to a waiting
    /// getter that has none handed yet (possible only at a rendezvous).
    fn put_now(&self, state: &mut State<T, B>, item: T) -> Result<(), T> {
        if state.has_room() {
            state.items.push(item);
        } else if state.getters > state.handoff.len() {
            state.handoff.push_back(item);
        } else {
            return Err(item);
        }
        self.count_put(state);
        self.wake_getter(state);
        Ok(())
    }

    /// The next item: one handed off, else a buffered one, else a waiting
    /// putter's. Refills the room it frees from waiting putters.
    fn get_now(&self, state: &mut State<T, B>) -> Option<T> {
        let item = if let Some(item) = state.handoff.pop_front() {
            item
        } else if let Some(item) = state.items.pop() {
            item
        } else {
            let (putter, item) = state.putters.pop_front()?;
            self.accept(state, putter);
            item
        };
        self.refill(state);
        Some(item)
    }

    /// Moves waiting putters' items into the buffer while there is room.
    fn refill(&self, state: &mut State<T, B>) {
        while state.has_room() {
            let Some((putter, item)) = state.putters.pop_front() else {
                break;
            };
            self.accept(state, putter);
            state.items.push(item);
            self.wake_getter(state);
        }
    }

    fn accept(&self, state: &mut State<T, B>, putter: u64) {
        state.accepted.push(putter);
        self.count_put(state);
        // Putters are accepted in arrival order and listen in arrival order,
        // so the first one not yet woken is this one.
        self.putters_woken.notify_additional(1);
    }

    fn count_put(&self, state: &mut State<T, B>) {
        if self.tracked {
            state.unfinished += 1;
        }
    }

    /// Wakes one getter no notification has reached yet, if there is one:
    /// one that lost its item to a barging get first.
    fn wake_getter(&self, state: &mut State<T, B>) {
        if state.idle_getters > 0 {
            state.idle_getters -= 1;
            if self.getters_retry.notify_additional(1) == 0 {
                self.getters_queue.notify_additional(1);
            }
        }
    }

    fn next_id(state: &mut State<T, B>) -> u64 {
        let id = state.next_id;
        state.next_id += 1;
        id
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
        self.refill(&mut state);
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
        if state.unfinished == 0 {
            self.joined.notify(usize::MAX);
        }
        Ok(())
    }
}

impl<T, B> State<T, B>
where
    B: Buffer<T>,
{
    fn has_room(&self) -> bool {
        self.capacity
            .is_none_or(|capacity| self.items.len() < capacity)
    }
}

impl<T, B: Buffer<T>> fmt::Debug for Core<T, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        let mut debug = f.debug_struct("Queue");
        debug
            .field("len", &state.items.len())
            .field("maxsize", &state.capacity)
            .field("getting", &state.getters)
            .field("putting", &state.putters.len());
        if self.tracked {
            debug.field("unfinished_tasks", &state.unfinished);
        }
        debug.finish()
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
                let mut state = core.lock();
                if let Some(item) = core.get_now(&mut state) {
                    if std::mem::take(&mut this.waiting) {
                        state.getters -= 1;
                    }
                    return Poll::Ready(item);
                }
                // Newcomers join the line; a woken getter whose item a barging
                // get took waits first in line again.
                this.listener = Some(if this.waiting {
                    core.getters_retry.listen()
                } else {
                    state.getters += 1;
                    this.waiting = true;
                    core.getters_queue.listen()
                });
                state.idle_getters += 1;
            }
            if strategy.poll(&mut this.listener, cx).is_pending() {
                return Poll::Pending;
            }
        }
    }
}

impl<T, B: Buffer<T>> Drop for GetInner<'_, T, B> {
    fn drop(&mut self) {
        if !self.waiting {
            return;
        }
        let core = self.core;
        let mut state = core.lock();
        state.getters -= 1;
        if let Some(listener) = self.listener.take() {
            if listener.discard() {
                // Woken for an item we will not take: wake another getter.
                core.wake_getter(&mut state);
            } else {
                state.idle_getters -= 1;
            }
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
        if let Some(at) = state.accepted.iter().position(|&putter| putter == id) {
            state.accepted.swap_remove(at);
            return Ok(());
        }
        let at = state
            .putters
            .iter()
            .position(|(putter, _)| *putter == id)
            .expect("a waiting putter is either accepted or in line");
        let (_, item) = state.putters.remove(at).expect("found just now");
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
                let mut state = core.lock();
                match (this.id, this.item.take()) {
                    (None, Some(item)) => match core.put_now(&mut state, item) {
                        Ok(()) => return Poll::Ready(()),
                        Err(item) => {
                            let id = Core::next_id(&mut state);
                            state.putters.push_back((id, item));
                            this.id = Some(id);
                        }
                    },
                    (Some(id), None) => {
                        if let Some(at) = state.accepted.iter().position(|&p| p == id) {
                            state.accepted.swap_remove(at);
                            this.id = None;
                            return Poll::Ready(());
                        }
                    }
                    _ => unreachable!("put polled after completion"),
                }
                this.listener = Some(core.putters_woken.listen());
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
            if this.listener.is_none() {
                let state = this.core.lock();
                if state.unfinished == 0 {
                    return Poll::Ready(());
                }
                this.listener = Some(this.core.joined.listen());
            }
            if strategy.poll(&mut this.listener, cx).is_pending() {
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
