use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, resume_unwind};
use std::sync::{Arc, OnceLock, Weak};
use std::thread;
use std::time::Duration;

use async_executor::Executor;
use futures_lite::{FutureExt, future};
use greenevent::Event;

use crate::GreenThread;
use crate::error::panic_message;

/// An explicit hub on OS threads of its own: a smol executor for parallel
/// work, with `Send` bounds.
///
/// The free functions ([`run`](crate::run), [`spawn`](crate::spawn), ...)
/// use the calling thread's own hub, as eventlet does: greenthreads run on
/// that thread, one at a time, only while it is inside `run`, and need not
/// be `Send`. Pick that for eventlet's model and order, for borrowing and
/// for `Rc` state. Pick a `Hub` when greenthreads should run in parallel on
/// several cores, or keep running while the spawning thread does other
/// things: its futures and outputs must be `Send` (outputs `Sync` too), and
/// inside its greenthreads you spawn with [`Hub::current`]`().spawn(..)`.
///
/// With one thread (the default) a `Hub` keeps eventlet's order as well;
/// with more, every rule holds except the order. [`Hub::global`] is one
/// whose thread count comes from `GREENHUB_THREADS` (default 1). Dropping
/// the last handle of a hub stops its threads once their current task
/// yields.
///
/// ```
/// use greenhub::Hub;
///
/// let hub = Hub::builder().threads(2).build();
/// let doubled = hub.run(async {
///     let hub = Hub::current();
///     hub.spawn(async { 21 * 2 }).wait().await
/// });
/// assert_eq!(doubled, Ok(42));
/// ```
#[derive(Clone)]
pub struct Hub {
    inner: Arc<HubInner>,
}

struct HubInner {
    executor: Arc<Executor<'static>>,
    threads: usize,
    /// Sent when the last handle goes: the runner threads return.
    stop: Arc<Event<()>>,
}

/// Builds a [`Hub`].
///
/// ```
/// let hub = greenhub::Hub::builder().threads(1).name("workers").build();
/// assert_eq!(hub.threads(), 1);
/// ```
#[derive(Debug, Default)]
pub struct HubBuilder {
    threads: Option<usize>,
    name: Option<String>,
}

thread_local! {
    /// The hub whose runner this thread is, for the free functions.
    static CURRENT: RefCell<Option<Weak<HubInner>>> = const { RefCell::new(None) };
}

static GLOBAL: OnceLock<Hub> = OnceLock::new();

impl HubBuilder {
    /// The number of OS threads that run greenthreads; 1 (eventlet's order)
    /// unless set. 0 counts as 1.
    ///
    /// ```
    /// assert_eq!(greenhub::Hub::builder().threads(3).build().threads(), 3);
    /// ```
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads.max(1));
        self
    }

    /// The name of the runner threads (default `greenhub`).
    ///
    /// ```
    /// let hub = greenhub::Hub::builder().name("io").build();
    /// let name = hub.run(async { std::thread::current().name().map(str::to_owned) });
    /// assert_eq!(name.as_deref(), Some("io"));
    /// ```
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Starts the hub's threads.
    ///
    /// # Panics
    /// If the OS refuses to start a thread.
    ///
    /// ```
    /// let hub = greenhub::Hub::builder().build();
    /// assert_eq!(hub.run(async { 1 }), 1);
    /// ```
    pub fn build(self) -> Hub {
        let threads = self.threads.unwrap_or(1);
        let inner = Arc::new(HubInner {
            executor: Arc::new(Executor::new()),
            threads,
            stop: Arc::new(Event::new()),
        });
        for _ in 0..threads {
            let (executor, stop, current) = (
                inner.executor.clone(),
                inner.stop.clone(),
                Arc::downgrade(&inner),
            );
            thread::Builder::new()
                .name(self.name.clone().unwrap_or_else(|| "greenhub".into()))
                .spawn(move || {
                    CURRENT.with(|slot| *slot.borrow_mut() = Some(current));
                    future::block_on(executor.run(stop.wait()))
                })
                .expect("the OS started a hub thread");
        }
        Hub { inner }
    }
}

impl Hub {
    /// A builder for a hub of one's own.
    ///
    /// ```
    /// let hub = greenhub::Hub::builder().threads(2).build();
    /// # drop(hub);
    /// ```
    pub fn builder() -> HubBuilder {
        HubBuilder::default()
    }

    /// The multi-threaded hub the calling greenthread runs on, else the
    /// global one ([`Hub::global`]).
    ///
    /// ```
    /// let threads = greenhub::Hub::current().threads();
    /// assert!(threads >= 1);
    /// ```
    pub fn current() -> Hub {
        CURRENT
            .with(|slot| slot.borrow().as_ref().and_then(Weak::upgrade))
            .map_or_else(|| Hub::global().clone(), |inner| Hub { inner })
    }

    /// The global hub; `GREENHUB_THREADS` threads (default 1), started on first use.
    ///
    /// ```
    /// let hub = greenhub::Hub::global();
    /// assert_eq!(hub.run(async { "ran" }), "ran");
    /// ```
    pub fn global() -> &'static Hub {
        GLOBAL.get_or_init(|| {
            let threads = std::env::var("GREENHUB_THREADS")
                .ok()
                .and_then(|value| value.trim().parse().ok())
                .unwrap_or(1);
            Hub::builder().threads(threads).build()
        })
    }

    /// The number of threads running greenthreads.
    ///
    /// ```
    /// assert_eq!(greenhub::Hub::builder().threads(2).build().threads(), 2);
    /// ```
    pub fn threads(&self) -> usize {
        self.inner.threads
    }

    /// Runs `future` as a greenthread of this hub and blocks the calling
    /// thread until it finishes: the main greenthread. A panic in it comes
    /// back out of `run`.
    ///
    /// # Panics
    /// If called from a greenthread of this hub (it would block the hub, as
    /// eventlet refuses blocking calls in its main loop), or if `future`
    /// panics.
    ///
    /// ```
    /// let hub = greenhub::Hub::builder().build();
    /// assert_eq!(hub.run(async { 2 + 2 }), 4);
    /// ```
    pub fn run<F>(&self, future: F) -> F::Output
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let inside = CURRENT.with(|slot| {
            slot.borrow()
                .as_ref()
                .is_some_and(|current| std::ptr::eq(current.as_ptr(), Arc::as_ptr(&self.inner)))
        });
        assert!(
            !inside,
            "greenhub::run called from a greenthread of the same hub: it would block the hub"
        );
        let task = self
            .inner
            .executor
            .spawn(AssertUnwindSafe(future).catch_unwind());
        match future::block_on(task) {
            Ok(output) => output,
            Err(panic) => resume_unwind(panic),
        }
    }

    /// Starts `future` as a greenthread; the handle gives its output. It runs
    /// once the spawner yields (on a one-thread hub). Dropping the handle
    /// does not cancel it.
    ///
    /// ```
    /// let hub = greenhub::Hub::builder().build();
    /// let thread = hub.spawn(async { "hi" });
    /// assert_eq!(thread.wait_blocking(), Ok("hi"));
    /// ```
    pub fn spawn<F>(&self, future: F) -> GreenThread<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + Sync + 'static,
    {
        let (thread, task) = GreenThread::new(future, None, None);
        self.inner.executor.spawn(task).detach();
        thread
    }

    /// Starts `future` and forgets it: eventlet's `spawn_n`. A panic in it is
    /// reported on stderr and the hub carries on.
    ///
    /// ```
    /// let hub = greenhub::Hub::builder().build();
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// hub.spawn_n(async move { tx.send(1).unwrap() });
    /// assert_eq!(rx.recv(), Ok(1));
    /// ```
    pub fn spawn_n<F>(&self, future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.inner.executor.spawn(report_panics(future)).detach();
    }

    /// Starts `future` after `delay`; [`GreenThread::cancel`] before then
    /// means it never runs. eventlet's `spawn_after`.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let hub = greenhub::Hub::builder().build();
    /// let later = hub.spawn_after(Duration::from_millis(5), async { "late" });
    /// assert_eq!(later.wait_blocking(), Ok("late"));
    /// ```
    pub fn spawn_after<F>(&self, delay: Duration, future: F) -> GreenThread<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + Sync + 'static,
    {
        let (thread, task) = GreenThread::new(future, Some(delay), None);
        self.inner.executor.spawn(task).detach();
        thread
    }
}

/// `future`, with a panic reported on stderr instead of ending the hub:
/// what `spawn_n` runs.
pub(crate) async fn report_panics<F: Future<Output = ()>>(future: F) {
    if let Err(panic) = AssertUnwindSafe(future).catch_unwind().await {
        eprintln!(
            "greenhub: a spawn_n greenthread panicked: {}",
            panic_message(&*panic)
        );
    }
}

/// The free `spawn` functions use the calling thread's own hub, which a
/// multi-threaded hub's runner thread never runs: refuse clearly there.
pub(crate) fn refuse_on_a_runner_thread() {
    let runner = CURRENT.with(|slot| slot.borrow().is_some());
    assert!(
        !runner,
        "greenhub::spawn on a thread of a multi-threaded Hub: its greenthreads need Send \
         futures, so spawn there with Hub::current().spawn(..)"
    );
}

impl Drop for HubInner {
    fn drop(&mut self) {
        let _ = self.stop.send(());
    }
}

impl fmt::Debug for Hub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hub")
            .field("threads", &self.inner.threads)
            .finish()
    }
}
