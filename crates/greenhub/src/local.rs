//! The calling thread's hub, as eventlet's is: one per OS thread, driven by
//! [`run`], running its greenthreads one at a time on that thread and only
//! while the thread is inside `run`.
//!
//! A small scheduler of its own over async-task: a queue of runnable
//! greenthreads that wake-ups from any thread push onto, run in rounds. A
//! round polls the main future if it was woken, then runs each greenthread
//! that was queued when the round began, once, in queue order. So spawned
//! greenthreads run in spawn order, a spawned one runs only once its spawner
//! yields, and `sleep(Duration::ZERO)` round-robins, main included.
//! (async-executor's `LocalExecutor` runs up to 200 tasks per poll of its
//! run loop, which lets a greenthread that keeps yielding starve main.)
//!
//! Between rounds the thread waits in `async_io::block_on`, which also
//! drives the reactor (timers, I/O). When `run` returns, queued greenthreads
//! stay queued until the thread enters `run` again. When the thread exits,
//! its greenthreads are dropped at their await points, so their waiters
//! learn they were killed.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

use async_task::{Runnable, Task};

thread_local! {
    static HUB: LocalHub = LocalHub::default();
}

struct LocalHub {
    queue: Arc<RunQueue>,
    /// Inside `run` on this thread.
    running: Cell<bool>,
    /// The greenthreads of this hub that may not have finished; dropping a
    /// `Task` cancels it, which is what the thread's exit does.
    tasks: RefCell<Vec<Task<()>>>,
    /// The list's length at which the finished ones are next forgotten:
    /// twice what was left the last time, so each spawn pays for about two
    /// looks however many greenthreads stay alive.
    forget_at: Cell<usize>,
}

/// The list's length below which finished greenthreads are kept.
const FORGET_AT_LEAST: usize = 64;

/// Greenthreads ready to run, pushed from any thread, run on the hub's.
#[derive(Default)]
struct RunQueue {
    ready: Mutex<VecDeque<Runnable>>,
    /// Wakes the thread's `run` when something is queued.
    waker: Mutex<Option<Waker>>,
    /// Set while `run` polls its round: it looks at the queue and the main
    /// future once more before it waits, so a wake-up meanwhile (most come
    /// from the round itself) needs no unpark.
    polling: AtomicBool,
}

impl RunQueue {
    fn ready(&self) -> MutexGuard<'_, VecDeque<Runnable>> {
        self.ready.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn push(&self, runnable: Runnable) {
        self.ready().push_back(runnable);
        self.wake_run();
    }

    fn wake_run(&self) {
        // Pairs with `Rounds::poll`, which clears `polling` before its last
        // look (both SeqCst): either it sees what we queued, or we see it
        // no longer polls and wake it.
        if self.polling.load(SeqCst) {
            return;
        }
        let waker = self
            .waker
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    fn set_waker(&self, waker: &Waker) {
        *self.waker.lock().unwrap_or_else(PoisonError::into_inner) = Some(waker.clone());
    }
}

impl Default for LocalHub {
    fn default() -> Self {
        LocalHub {
            queue: Arc::default(),
            running: Cell::new(false),
            tasks: RefCell::default(),
            forget_at: Cell::new(FORGET_AT_LEAST),
        }
    }
}

impl Drop for LocalHub {
    fn drop(&mut self) {
        // The thread is exiting: cancel every greenthread (a cancelled idle
        // task is queued once more, to be dropped), then drop what is queued,
        // all on this thread, where their futures live.
        drop(std::mem::take(self.tasks.get_mut()));
        let ready = std::mem::take(&mut *self.queue.ready());
        drop(ready);
    }
}

/// Starts `future` as a greenthread of this thread's hub.
pub(crate) fn spawn_local(future: impl Future<Output = ()> + 'static) {
    HUB.with(|hub| {
        let queue = hub.queue.clone();
        let (runnable, task) =
            async_task::spawn_local(future, move |runnable| queue.push(runnable));
        let mut tasks = hub.tasks.borrow_mut();
        // Forget the finished ones now and then, so the list stays about as
        // long as the live greenthreads.
        if tasks.len() >= hub.forget_at.get() {
            tasks.retain(|task| !task.is_finished());
            hub.forget_at.set((tasks.len() * 2).max(FORGET_AT_LEAST));
        }
        tasks.push(task);
        runnable.schedule();
    });
}

/// Whether this thread is inside [`run`].
pub(crate) fn in_run() -> bool {
    HUB.with(|hub| hub.running.get())
}

/// Runs `future` as the main greenthread of the calling thread's hub and
/// blocks until it finishes, running the thread's greenthreads whenever it
/// waits: eventlet's hub loop. `future` may borrow and need not be `Send`.
///
/// # Panics
/// If called inside `run` on the same thread (from a greenthread or from
/// the main future): it would block the hub that has to run them. A panic
/// in `future` comes back out of `run`; the hub's greenthreads stay queued.
///
/// ```
/// let name = String::from("main");
/// let greeting = greenhub::run(async { format!("hello from {name}") }); // borrows `name`
/// assert_eq!(greeting, "hello from main");
/// ```
pub fn run<F: Future>(future: F) -> F::Output {
    HUB.with(|hub| {
        assert!(
            !hub.running.replace(true),
            "greenhub::run called inside greenhub::run on the same thread: it would block \
             the hub that runs this thread's greenthreads (await the future instead)"
        );
        let _leave = Leave(&hub.running);
        let main = Arc::new(MainWoken(AtomicBool::new(true), hub.queue.clone()));
        async_io::block_on(Rounds {
            hub,
            main: pin!(future),
            main_woken: main.clone(),
            main_waker: Waker::from(main),
            round: VecDeque::new(),
            waker_given: None,
        })
    })
}

/// Rounds run in one poll of the hub loop before it lets `block_on` look at
/// the reactor (timers, I/O).
const ROUNDS_PER_POLL: usize = 16;

/// Marks the thread as out of `run` again, even when `run` panics.
struct Leave<'a>(&'a Cell<bool>);

impl Drop for Leave<'_> {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

/// The main future's waker: marks it woken and wakes the hub.
struct MainWoken(AtomicBool, Arc<RunQueue>);

impl Wake for MainWoken {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.store(true, SeqCst);
        self.1.wake_run();
    }
}

/// The hub loop: one round per poll.
struct Rounds<'a, F> {
    hub: &'a LocalHub,
    main: Pin<&'a mut F>,
    main_woken: Arc<MainWoken>,
    main_waker: Waker,
    /// The round being run, taken from the queue in one go; kept between
    /// rounds so its allocation is reused.
    round: VecDeque<Runnable>,
    /// The waker last given to the queue: looked at here, without its lock.
    waker_given: Option<Waker>,
}

impl<F: Future> Future for Rounds<'_, F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        let queue = &this.hub.queue;
        if !this
            .waker_given
            .as_ref()
            .is_some_and(|given| given.will_wake(cx.waker()))
        {
            this.waker_given = Some(cx.waker().clone());
            queue.set_waker(cx.waker());
        }
        // Several rounds per poll while there is work: each return to
        // block_on costs a look at the reactor (an epoll_wait with a zero
        // timeout), which timers and I/O need only now and then. After
        // ROUNDS_PER_POLL rounds it looks anyway, so a busy hub handles its
        // own timers and I/O rather than leave them all to async-io's
        // fallback thread.
        for _ in 0..ROUNDS_PER_POLL {
            queue.polling.store(true, SeqCst);
            if this.main_woken.0.swap(false, SeqCst) {
                let polled = this
                    .main
                    .as_mut()
                    .poll(&mut Context::from_waker(&this.main_waker));
                if let Poll::Ready(output) = polled {
                    // (A panic leaves it set: harmless, the next `run` looks
                    // at the queue before it waits.)
                    queue.polling.store(false, SeqCst);
                    return Poll::Ready(output);
                }
            }
            // The greenthreads queued now, once each, taken under one lock;
            // those they wake wait in the queue for the next round.
            std::mem::swap(&mut this.round, &mut *queue.ready());
            while let Some(runnable) = this.round.pop_front() {
                runnable.run();
            }
            queue.polling.store(false, SeqCst);
            if !this.main_woken.0.load(SeqCst) && queue.ready().is_empty() {
                return Poll::Pending; // nothing to do until a wake-up
            }
        }
        // More to do: let block_on look at the reactor, then come back.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
