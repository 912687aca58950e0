//! The waiting logic every queue type shares, and the one get, put and join
//! loop behind every face.
//!
//! Decisions are made under one lock. Getters wait in arrival order and take
//! an item when they run; a getter that arrives while items are buffered takes
//! one at once, as eventlet's does. Putters that find no room wait with their
//! item stored here, so a getter can take it straight from them (the
//! rendezvous) or move it into the buffer when it frees room: a waiting put is
//! completed by a get, in arrival order, and only learns so when it runs.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::Poll;

use event_listener::{Event, EventListener, Listener};
use event_listener_strategy::{EventListenerFuture, Strategy};

use crate::buffer::Buffer;
use crate::{Full, TaskDoneTooManyTimes};

pub(crate) struct Core<T, B> {
    state: Mutex<State<T, B>>,
    /// Waiting getters re-check the state when this fires.
    getters_woken: Event,
    /// Waiting putters re-check the state when this fires.
    putters_woken: Event,
    joined: Event,
    /// `Queue`, `LifoQueue` and `PriorityQueue` count unfinished tasks.
    tracked: bool,
}

struct State<T, B> {
    items: B,
    /// `None` is unbounded; `Some(0)` a rendezvous.
    capacity: Option<usize>,
    /// Waiting getters, in arrival order.
    getters: VecDeque<u64>,
    /// Items a put handed straight to a waiting getter (rendezvous).
    handed: Vec<(u64, T)>,
    /// Waiting putters and their items, in arrival order.
    putters: VecDeque<Putter<T>>,
    /// Putters whose item a get took: done, they only need to learn it.
    accepted: Vec<u64>,
    next_id: u64,
    unfinished: usize,
}

struct Putter<T> {
    /// `None` for an item a cancelled getter gave back: already accepted.
    id: Option<u64>,
    item: T,
}

impl<T, B: Buffer<T>> Core<T, B> {
    pub(crate) fn new(items: B, capacity: Option<usize>, tracked: bool) -> Self {
        Core {
            state: Mutex::new(State {
                items,
                capacity,
                getters: VecDeque::new(),
                handed: Vec::new(),
                putters: VecDeque::new(),
                accepted: Vec::new(),
                next_id: 0,
                unfinished: 0,
            }),
            getters_woken: Event::new(),
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
        self.get_now(&mut state, None)
    }

    /// Puts `item` in the buffer if there is room, else hands it to a waiting
    /// getter (possible only when nothing is buffered: a rendezvous).
    fn put_now(&self, state: &mut State<T, B>, item: T) -> Result<(), T> {
        if state.has_room() {
            state.items.push(item);
        } else if let Some(getter) = state.getters.pop_front() {
            state.handed.push((getter, item));
        } else {
            return Err(item);
        }
        self.count_put(state);
        self.wake_getters(state);
        Ok(())
    }

    /// An item for getter `id` (a newcomer: `None`). A waiting getter takes
    /// one only if enough are there for everyone ahead of it.
    fn get_now(&self, state: &mut State<T, B>, id: Option<u64>) -> Option<T> {
        if let Some(id) = id {
            if let Some(at) = state.handed.iter().position(|(getter, _)| *getter == id) {
                return Some(state.handed.swap_remove(at).1);
            }
            let place = state.getters.iter().position(|&getter| getter == id)?;
            if place >= state.items.len() + state.putters.len() {
                return None;
            }
            state.getters.remove(place);
        }
        let item = if let Some(item) = state.items.pop() {
            item
        } else {
            // Nothing buffered: take a waiting putter's item (a rendezvous).
            let putter = state.putters.pop_front()?;
            self.accept(state, putter)
        };
        self.refill(state);
        Some(item)
    }

    /// Moves waiting putters' items into the buffer while there is room.
    fn refill(&self, state: &mut State<T, B>) {
        while state.has_room() {
            let Some(putter) = state.putters.pop_front() else {
                break;
            };
            let item = self.accept(state, putter);
            state.items.push(item);
        }
        self.wake_getters(state);
        if !state.accepted.is_empty() {
            self.putters_woken.notify(usize::MAX);
        }
    }

    fn accept(&self, state: &mut State<T, B>, putter: Putter<T>) -> T {
        if let Some(id) = putter.id {
            state.accepted.push(id);
            self.count_put(state);
        }
        putter.item
    }

    fn count_put(&self, state: &mut State<T, B>) {
        if self.tracked {
            state.unfinished += 1;
        }
    }

    fn wake_getters(&self, state: &State<T, B>) {
        let available = state.items.len() + state.putters.len();
        if !state.handed.is_empty() || (available > 0 && !state.getters.is_empty()) {
            self.getters_woken.notify(usize::MAX);
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
        self.lock().getters.len()
    }

    pub(crate) fn putting(&self) -> usize {
        self.lock()
            .putters
            .iter()
            .filter(|p| p.id.is_some())
            .count()
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
            .field("getting", &state.getters.len())
            .field(
                "putting",
                &state.putters.iter().filter(|p| p.id.is_some()).count(),
            );
        if self.tracked {
            debug.field("unfinished_tasks", &state.unfinished);
        }
        debug.finish()
    }
}

/// The one get loop.
pub(crate) struct GetInner<'a, T, B: Buffer<T>> {
    core: &'a Core<T, B>,
    /// Our place in line, once we wait.
    id: Option<u64>,
    listener: Option<EventListener>,
}

impl<'a, T, B: Buffer<T>> GetInner<'a, T, B> {
    pub(crate) fn new(core: &'a Core<T, B>) -> Self {
        GetInner {
            core,
            id: None,
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
                if let Some(item) = core.get_now(&mut state, this.id) {
                    this.id = None;
                    return Poll::Ready(item);
                }
                if this.id.is_none() {
                    let id = Core::next_id(&mut state);
                    state.getters.push_back(id);
                    this.id = Some(id);
                }
                // Under the lock that every wake-up is sent under.
                this.listener = Some(core.getters_woken.listen());
            }
            if strategy.poll(&mut this.listener, cx).is_pending() {
                return Poll::Pending;
            }
        }
    }
}

impl<T, B: Buffer<T>> Drop for GetInner<'_, T, B> {
    fn drop(&mut self) {
        // Wake-ups are broadcasts: every waiter hears them, none to pass on.
        if let Some(listener) = self.listener.take() {
            listener.discard();
        }
        let Some(id) = self.id.take() else { return };
        let core = self.core;
        let mut state = core.lock();
        if let Some(at) = state.handed.iter().position(|(getter, _)| *getter == id) {
            // An item was handed to us: it goes to the next getter, or back
            // to the head of the line of items waiting to be taken.
            let item = state.handed.swap_remove(at).1;
            match state.getters.pop_front() {
                Some(next) => state.handed.push((next, item)),
                None => state.putters.push_front(Putter { id: None, item }),
            }
        } else if let Some(at) = state.getters.iter().position(|&getter| getter == id) {
            state.getters.remove(at);
        }
        core.wake_getters(&state);
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
        if let Some(listener) = self.listener.take() {
            listener.discard();
        }
        if let Some(item) = self.item.take() {
            return Err(item);
        }
        let Some(id) = self.id.take() else {
            return Ok(());
        };
        let mut state = self.core.lock();
        if let Some(at) = state.accepted.iter().position(|&putter| putter == id) {
            state.accepted.swap_remove(at);
            return Ok(());
        }
        let at = state
            .putters
            .iter()
            .position(|putter| putter.id == Some(id))
            .expect("a waiting putter is either accepted or in line");
        let putter = state.putters.remove(at).expect("found just now");
        Err(putter.item)
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
                            state.putters.push_back(Putter { id: Some(id), item });
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
