use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::Ordering::{Relaxed, SeqCst};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64};
use std::task::Poll;
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use futures_lite::{FutureExt, future};

use crate::WaitError;
use crate::futures::{Join, Wait, WaitTimeout};
use crate::life::{Life, Waiting, cloned, taken};

/// A handle to a spawned task: eventlet's `GreenThread`.
///
/// Dropping the handle does not cancel the task. It is `Clone`, and any number
/// of holders may wait for the task's output (`T: Clone`), from tasks or OS
/// threads. [`kill`](GreenThread::kill) stops the task; [`link`](GreenThread::link)
/// runs callbacks when it ends.
///
/// ```
/// let answer = greenhub::run(async {
///     let thread = greenhub::spawn(async { 6 * 7 });
///     let other_holder = thread.clone();
///     assert_eq!(other_holder.wait().await, Ok(42));
///     thread.wait().await
/// });
/// assert_eq!(answer, Ok(42));
/// ```
pub struct GreenThread<T> {
    shared: Arc<Shared<T>>,
}

struct Shared<T> {
    id: GreenThreadId,
    /// The thread whose hub runs it, for a greenthread of a thread's own hub
    /// (`None` on a multi-threaded [`Hub`](crate::Hub)).
    home: Option<ThreadId>,
    /// `PENDING` until the task starts it or `kill` ends it first.
    state: AtomicU8,
    /// Set by `kill` before it wakes the task: the task looks before each
    /// poll of its future.
    killed: AtomicBool,
    /// Its outcome, its waiters, the task's waker and the links.
    life: Life<T>,
}

pub(crate) type Link<T> = Box<dyn FnOnce(&GreenThread<T>) + Send>;

/// Not started: `kill` and `cancel` end it without running it.
const PENDING: u8 = 0;
const STARTED: u8 = 1;

/// Which greenthread this is: eventlet's `getcurrent()` answers with one
/// (see [`current`](crate::current)).
///
/// ```
/// greenhub::run(async {
///     let thread = greenhub::spawn(async { greenhub::current() });
///     let id = thread.id();
///     assert_eq!(thread.wait().await, Ok(Some(id)));
///     assert_eq!(greenhub::current(), None); // the main future is no greenthread
/// });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GreenThreadId(u64);

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// The greenthread being polled on this thread, if any.
    static CURRENT: Cell<Option<GreenThreadId>> = const { Cell::new(None) };
}

/// The greenthread running this code: `None` in a hub's main future, on a
/// plain thread, or in a task of another executor. eventlet's
/// `getcurrent()`, for code that asks which greenthread it is.
///
/// ```
/// assert_eq!(greenhub::current(), None);
/// let id = greenhub::run(async { greenhub::spawn(async { greenhub::current() }).wait().await });
/// assert!(id.unwrap().is_some());
/// ```
pub fn current() -> Option<GreenThreadId> {
    CURRENT.with(Cell::get)
}

impl<T: 'static> GreenThread<T> {
    /// The handle, and the task to give the executor: it runs `future` after
    /// `delay` unless killed first, and reports its end to the handle.
    ///
    /// The task is `Send` when `future` and `T` are (a multi-threaded hub
    /// needs that); a thread's own hub takes it either way. `home` is the
    /// thread whose own hub runs it.
    pub(crate) fn new<F>(
        future: F,
        delay: Option<Duration>,
        home: Option<ThreadId>,
    ) -> (GreenThread<T>, impl Future<Output = ()> + 'static)
    where
        F: Future<Output = T> + 'static,
    {
        let id = GreenThreadId(NEXT_ID.fetch_add(1, Relaxed));
        let shared = Arc::new(Shared {
            id,
            home,
            state: AtomicU8::new(PENDING),
            killed: AtomicBool::new(false),
            life: Life::new(),
        });
        let thread = GreenThread {
            shared: shared.clone(),
        };
        // Made here and moved in, so that it is dropped with the task even if
        // the task is never polled (a hub that stops drops its queued tasks):
        // a task that ends any other way than by finishing was killed.
        let ending = Ending(Some(GreenThread { shared }));
        let task = async move {
            let shared = &ending.thread().shared;
            if let Some(delay) = delay {
                // Boxed: held in place, the timer would make every task's
                // future larger, delayed or not, and each move of it dearer.
                let mut sleep = Box::pin(crate::sleep(delay));
                let mut listening = false;
                future::poll_fn(|cx| {
                    if shared.killed.load(SeqCst) {
                        return Poll::Ready(());
                    }
                    let slept = sleep.as_mut().poll(cx);
                    if slept.is_pending() && !listening {
                        listening = true;
                        return shared.listen_for_kill(cx);
                    }
                    slept
                })
                .await;
            }
            if shared
                .state
                .compare_exchange(PENDING, STARTED, SeqCst, SeqCst)
                .is_err()
            {
                return; // killed or cancelled before it started
            }
            let outcome = {
                let mut finished = pin!(AssertUnwindSafe(future).catch_unwind());
                let mut listening = false;
                future::poll_fn(|cx| {
                    // A kill is looked at before each poll, so it wins over a
                    // wake-up the future has not run yet (eventlet's rule): the
                    // future never sees the value, permit or item it was woken
                    // for, and dropping it passes that on to the next waiter.
                    if shared.killed.load(SeqCst) {
                        return Poll::Ready(None);
                    }
                    let before = CURRENT.with(|current| current.replace(Some(id)));
                    let polled = finished.as_mut().poll(cx);
                    CURRENT.with(|current| current.set(before));
                    if let Poll::Ready(outcome) = polled {
                        return Poll::Ready(Some(outcome));
                    }
                    // It waits: listen for a kill too. Only now, so a greenthread
                    // that finishes at its first poll never listens.
                    if listening {
                        return Poll::Pending;
                    }
                    listening = true;
                    shared.listen_for_kill(cx).map(|()| None)
                })
                .await
            };
            // Killed: the future is dropped at its await with this task.
            let Some(outcome) = outcome else {
                return;
            };
            let outcome = outcome.map_err(|panic| WaitError::from_panic(&*panic));
            ending.finish(outcome);
        };
        (thread, task)
    }
}

impl<T> GreenThread<T> {
    /// A greenthread that has already finished with `output`, and never
    /// ran on a hub: for work run inline, where a caller expects a handle
    /// (eventlet's pool runs a full pool's own work inline and returns one).
    ///
    /// ```
    /// let done = greenhub::GreenThread::finished(7);
    /// assert!(done.is_dead());
    /// assert_eq!(done.try_wait(), Some(Ok(7)));
    /// ```
    pub fn finished(output: T) -> GreenThread<T> {
        let life = Life::new();
        let _first = life.end(Ok(output));
        GreenThread {
            shared: Arc::new(Shared {
                id: GreenThreadId(NEXT_ID.fetch_add(1, Relaxed)),
                home: None,
                state: AtomicU8::new(STARTED),
                killed: AtomicBool::new(false),
                life,
            }),
        }
    }
}

impl<T> Shared<T> {
    /// Leaves the task's waker where `kill` finds it, once: the task's
    /// waker is the same on every poll (it is the executor's handle to the
    /// task). `Ready` if a kill came first.
    fn listen_for_kill(&self, cx: &std::task::Context<'_>) -> Poll<()> {
        let mut state = self.life.lock();
        if state.outcome.is_none() {
            state.task = Some(cx.waker().clone());
        }
        drop(state);
        // `kill` sets the flag before it takes the waker under the lock:
        // either it found ours, or we see its flag now.
        if self.killed.load(SeqCst) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl<T> GreenThread<T> {
    /// Stores the outcome and runs the links, once: the first end wins.
    fn finish(&self, outcome: Result<T, WaitError>) {
        let Some(mut callbacks) = self.shared.life.end(outcome) else {
            return;
        };
        while !callbacks.is_empty() {
            // Outside the lock: a callback may link more callbacks.
            for callback in callbacks {
                callback(self);
            }
            callbacks = {
                let mut state = self.shared.life.lock();
                if state.links.is_empty() {
                    state.links_ran = true;
                    break;
                }
                std::mem::take(&mut state.links)
            };
        }
    }

    /// Stops the task: one that has not started never runs; a running one is
    /// dropped at its current await point (every primitive of this workspace
    /// is cancel-safe there); a finished one is untouched. Waiters then get
    /// `Err(WaitError::Killed)`. eventlet's `kill()`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use greenhub::WaitError;
    ///
    /// greenhub::run(async {
    ///     let sleeper = greenhub::spawn(greenhub::sleep(Duration::from_secs(60)));
    ///     greenhub::sleep(Duration::ZERO).await; // let it start
    ///     sleeper.kill();
    ///     assert_eq!(sleeper.wait().await, Err(WaitError::Killed));
    /// });
    /// ```
    pub fn kill(&self) {
        self.shared.killed.store(true, SeqCst);
        // Where the task waits, if it does: taken before `finish` forgets it.
        let task = self.shared.life.lock().task.take();
        if self
            .shared
            .state
            .compare_exchange(PENDING, STARTED, SeqCst, SeqCst)
            .is_ok()
        {
            // We took the start from the task, which will find it taken and
            // leave: it is dead now, not when the hub next runs it.
            self.finish(Err(WaitError::Killed));
        }
        // Wakes the task: to stop where it waits, or to leave at once.
        if let Some(task) = task {
            task.wake();
        }
    }

    /// Stops the task only if it has not started, as eventlet's
    /// `spawn_after(..).cancel()`; `true` if it did.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// greenhub::run(async {
    ///     let later = greenhub::spawn_after(Duration::from_secs(60), async { "never" });
    ///     assert!(later.cancel());
    ///     assert!(later.wait().await.unwrap_err().is_killed());
    /// });
    /// ```
    pub fn cancel(&self) -> bool {
        if self.shared.state.load(SeqCst) != PENDING {
            return false;
        }
        self.kill();
        true
    }

    /// Whether the task has ended: finished, panicked, killed or cancelled.
    ///
    /// ```
    /// greenhub::run(async {
    ///     let thread = greenhub::spawn(async {});
    ///     assert!(!thread.is_dead());
    ///     thread.wait().await.unwrap();
    ///     assert!(thread.is_dead());
    /// });
    /// ```
    pub fn is_dead(&self) -> bool {
        self.shared.life.lock().outcome.is_some()
    }

    /// Waits for the task's output and takes it: the consuming wait, for any
    /// `T` (a connection, a receiver), like a join handle. Other handles'
    /// waits then get `Err(WaitError::Taken)`.
    ///
    /// ```
    /// let (tx, rx) = greenhub::run(async {
    ///     // A channel's halves are not Clone: `wait` can't give them, `join` can.
    ///     greenhub::spawn(async { std::sync::mpsc::channel::<u8>() }).join().await.unwrap()
    /// });
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.recv(), Ok(1));
    /// ```
    pub fn join(self) -> Join<T> {
        Join::new(self)
    }

    /// Polls for the output, taking it: [`Join`]'s one step.
    pub(crate) fn poll_join(
        &self,
        slot: &mut crate::life::Slot,
        cx: &mut std::task::Context<'_>,
    ) -> Poll<Result<T, WaitError>> {
        self.shared.life.poll_read(slot, cx, &mut taken)
    }

    /// Forgets a join's place among the waiters.
    pub(crate) fn unregister(&self, slot: &mut crate::life::Slot) {
        self.shared.life.unregister(slot);
    }

    /// [`join`](GreenThread::join) for OS threads; on the greenthread's own
    /// thread, outside `run`, it drives that thread's hub.
    ///
    /// # Blocking
    /// This blocks the calling thread: in a greenthread use
    /// [`join`](GreenThread::join).
    ///
    /// # Panics
    /// On the greenthread's own thread inside `run`, as
    /// [`wait_blocking`](GreenThread::wait_blocking).
    ///
    /// ```
    /// let thread = greenhub::spawn(async { String::from("owned") });
    /// assert_eq!(thread.join_blocking(), Ok(String::from("owned")));
    /// ```
    pub fn join_blocking(self) -> Result<T, WaitError> {
        if self.must_drive_hub() {
            return crate::local::run(self.join());
        }
        self.block_read(None, taken)
            .expect("a wait without a deadline ends with the greenthread")
    }

    /// The blocking faces' one wait: parks until the end or `deadline`.
    fn block_read<R>(
        &self,
        deadline: Option<Instant>,
        read: impl FnMut(&mut crate::life::Outcome<T>) -> R,
    ) -> Option<R> {
        Waiting::new(&self.shared.life).block_read(deadline, read)
    }

    /// This greenthread's id, the one [`current`](crate::current) tells
    /// inside it.
    ///
    /// ```
    /// greenhub::run(async {
    ///     let (a, b) = (greenhub::spawn(async {}), greenhub::spawn(async {}));
    ///     assert_ne!(a.id(), b.id());
    ///     assert_eq!(a.id(), a.clone().id());
    /// });
    /// ```
    pub fn id(&self) -> GreenThreadId {
        self.shared.id
    }

    /// For a blocking wait on this thread: `true` if the wait must drive
    /// this thread's hub, because that hub runs the greenthread.
    ///
    /// # Panics
    /// If that hub is running already (the wait comes from inside it): it
    /// could never end, as eventlet's main greenthread waits by running its
    /// hub, and a greenthread must await instead.
    fn must_drive_hub(&self) -> bool {
        if self.shared.home != Some(thread::current().id()) {
            return false;
        }
        assert!(
            !crate::local::in_run(),
            "GreenThread::wait_blocking inside greenhub::run on the greenthread's own thread              would never end: await GreenThread::wait instead"
        );
        true
    }

    /// Calls `callback` once when the task ends, after the ones linked before
    /// it; at once if the task has already ended. eventlet's `link`.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    ///
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// greenhub::run({
    ///     let seen = seen.clone();
    ///     async move {
    ///         let thread = greenhub::spawn(async { 5 });
    ///         let log = seen.clone();
    ///         thread.link(move |ended| log.lock().unwrap().push(ended.is_dead()));
    ///         thread.wait().await.unwrap();
    ///     }
    /// });
    /// assert_eq!(*seen.lock().unwrap(), vec![true]);
    /// ```
    pub fn link(&self, callback: impl FnOnce(&GreenThread<T>) + Send + 'static) {
        let mut state = self.shared.life.lock();
        if state.links_ran {
            drop(state);
            callback(self);
        } else {
            state.links.push(Box::new(callback));
        }
    }
}

impl<T: Clone> GreenThread<T> {
    /// Waits for the task's output: `Err(WaitError::Killed)` if it was killed,
    /// `Err(WaitError::Panicked(message))` if it panicked. eventlet's `wait()`.
    ///
    /// ```
    /// let out = greenhub::run(async { greenhub::spawn(async { "done" }).wait().await });
    /// assert_eq!(out, Ok("done"));
    /// ```
    pub fn wait(&self) -> Wait<'_, T> {
        Wait::new(&self.shared.life)
    }

    /// [`wait`](GreenThread::wait), bounded: `None` if the task has not ended
    /// within `timeout`.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// greenhub::run(async {
    ///     let slow = greenhub::spawn(greenhub::sleep(Duration::from_secs(60)));
    ///     assert_eq!(slow.wait_timeout(Duration::from_millis(5)).await, None);
    ///     slow.kill();
    /// });
    /// ```
    pub fn wait_timeout(&self, timeout: Duration) -> WaitTimeout<'_, T> {
        WaitTimeout::new(&self.shared.life, timeout)
    }

    /// [`wait`](GreenThread::wait) for OS threads; on the greenthread's own
    /// thread, outside `run`, it drives that thread's hub.
    ///
    /// # Blocking
    /// This blocks the calling thread: in a greenthread use
    /// [`wait`](GreenThread::wait).
    ///
    /// # Panics
    /// On the greenthread's own thread inside `run`: that wait could never
    /// end (await [`wait`](GreenThread::wait) there).
    ///
    /// ```
    /// let thread = greenhub::spawn(async { 1 + 1 });
    /// assert_eq!(thread.wait_blocking(), Ok(2));
    /// ```
    pub fn wait_blocking(&self) -> Result<T, WaitError> {
        if self.must_drive_hub() {
            return crate::local::run(self.wait());
        }
        self.block_read(None, cloned)
            .expect("a wait without a deadline ends with the greenthread")
    }

    /// The outcome if the task has ended, without waiting: the never-waits
    /// face of [`wait`](GreenThread::wait).
    ///
    /// ```
    /// let hub = greenhub::Hub::builder().build();
    /// let thread = hub.spawn(async { 4 });
    /// thread.wait_blocking().unwrap();
    /// assert_eq!(thread.try_wait(), Some(Ok(4)));
    /// ```
    pub fn try_wait(&self) -> Option<Result<T, WaitError>> {
        self.shared.life.lock().outcome.as_mut().map(cloned)
    }

    /// [`wait_blocking`](GreenThread::wait_blocking), bounded: `None` if the
    /// task has not ended within `timeout`.
    ///
    /// # Blocking
    /// This blocks the calling thread: in a greenthread use
    /// [`wait_timeout`](GreenThread::wait_timeout).
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let slow = greenhub::spawn(greenhub::sleep(Duration::from_secs(60)));
    /// assert_eq!(slow.wait_blocking_timeout(Duration::from_millis(5)), None);
    /// slow.kill();
    /// ```
    pub fn wait_blocking_timeout(&self, timeout: Duration) -> Option<Result<T, WaitError>> {
        if self.must_drive_hub() {
            return crate::local::run(self.wait_timeout(timeout));
        }
        // A timeout too long to add to now is no deadline.
        self.block_read(Instant::now().checked_add(timeout), cloned)
    }
}

impl<T> Clone for GreenThread<T> {
    fn clone(&self) -> Self {
        GreenThread {
            shared: self.shared.clone(),
        }
    }
}

impl<T> fmt::Debug for GreenThread<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.is_dead() {
            "dead"
        } else if self.shared.state.load(SeqCst) == PENDING {
            "pending"
        } else {
            "running"
        };
        f.debug_struct("GreenThread")
            .field("state", &state)
            .finish()
    }
}

/// The task's own handle, which reports its end: the outcome when the
/// future finishes, `Killed` when the task is dropped any other way.
struct Ending<T>(Option<GreenThread<T>>);

impl<T> Ending<T> {
    fn thread(&self) -> &GreenThread<T> {
        self.0
            .as_ref()
            .expect("the task's handle is taken only at its end")
    }

    fn finish(mut self, outcome: Result<T, WaitError>) {
        if let Some(thread) = self.0.take() {
            thread.finish(outcome);
        }
    }
}

impl<T> Drop for Ending<T> {
    fn drop(&mut self) {
        if let Some(thread) = self.0.take() {
            thread.finish(Err(WaitError::Killed));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_dropped_before_its_first_poll_reports_killed() {
        // What a stopping hub does to the tasks still in its queue.
        let (thread, task) = GreenThread::new(async { 1 }, None, None);
        drop(task);
        assert_eq!(thread.try_wait(), Some(Err(WaitError::Killed)));
        assert!(thread.is_dead());
    }
}
