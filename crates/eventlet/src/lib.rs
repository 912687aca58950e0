//! eventlet's synchronization API for Rust, in one import.
//!
//! This facade re-exports the workspace's crates and has no logic of its own:
//! [`greenevent`], [`greensem`], [`greenqueue`], [`greentimeout`],
//! [`greenhub`] and [`greenpool`], each also reachable as a module
//! ([`event`], [`semaphore`], [`queue`], [`timeout`], [`hub`], [`pool`]) and
//! each behind a cargo feature of the same name, all on by default.
//!
//! # A short tour
//!
//! ```
//! use std::time::Duration;
//! use futures_lite::StreamExt;
//! use eventlet::{Event, GreenPool, Queue, Semaphore, Timeout, sleep, spawn, with_timeout};
//!
//! let summary = eventlet::run(async {
//!     // Greenthreads: spawn, then wait for their output.
//!     let worker = spawn(async { 6 * 7 });
//!     assert_eq!(worker.wait().await, Ok(42));
//!
//!     // An Event broadcasts one value to every waiter. Greenthreads run on
//!     // this thread: they share state with an Rc, as eventlet's share objects.
//!     let ready = std::rc::Rc::new(Event::<&str>::new());
//!     let waiter = { let ready = ready.clone(); spawn(async move { ready.wait().await }) };
//!     ready.send("go").unwrap();
//!     assert_eq!(waiter.wait().await, Ok(Ok("go")));
//!
//!     // A Semaphore bounds concurrency; its guard gives the permit back.
//!     let limit = Semaphore::new(2);
//!     let permit = limit.acquire().await;
//!     assert_eq!(limit.counter(), 1);
//!     drop(permit);
//!
//!     // A Queue with task tracking.
//!     let jobs = Queue::bounded(10);
//!     jobs.put("job").await;
//!     let job = jobs.get().await;
//!     jobs.task_done().unwrap();
//!     jobs.join().await;
//!
//!     // A GreenPool bounds how many greenthreads run; imap keeps input order.
//!     let pool = GreenPool::new(2);
//!     let squares: Vec<u32> = pool.imap(|n: u32| async move { n * n }, 1..=3)
//!         .map(Result::unwrap).collect().await;
//!     assert_eq!(squares, [1, 4, 9]);
//!
//!     // Timeouts bound any future.
//!     let slow = sleep(Duration::from_secs(60));
//!     assert!(with_timeout(Duration::from_millis(5), slow).await.is_err());
//!     let timeout = Timeout::new(Duration::from_secs(1));
//!     timeout.scope(async { job }).await
//! });
//! assert_eq!(summary, Ok("job"));
//! ```
//!
//! # What a timed-out wait returns
//!
//! One rule for every `*_timeout` face: **what eventlet's call returns on
//! timeout, made unambiguous, handing back anything it was given.** Where
//! eventlet returns a value or a "no", ours is `Option` or `bool`; where
//! eventlet raises, ours is a `Result` with that error; an undelivered value
//! comes back inside the error. The `try_` faces follow the same rule.
//!
//! | face | eventlet on timeout | ours | why |
//! |---|---|---|---|
//! | [`Event::wait_timeout`] | `None`, the same as a sent `None` | `Option<Result<T, E>>`: `None` | a sent value can never look like a timeout |
//! | [`Semaphore::acquire_timeout`] | `False` | `Option<SemaphoreGuard>`: `None` | the guard is the permit |
//! | [`CappedSemaphore::acquire_timeout`], [`CappedSemaphore::release_timeout`] | `False` | `bool`: `false` | no guard |
//! | [`Queue::get_timeout`] | raises `Empty` | `Result<T, Empty>` | |
//! | [`Queue::put_timeout`] | raises `Full` | `Result<(), Full<T>>` | the item comes back |
//! | [`Queue::join_timeout`] | (none in eventlet) | `bool` | as an acquire |
//! | [`GreenThread::wait_timeout`] | (none in eventlet) | `Option<Result<T, WaitError>>` | as `Event::wait_timeout` |
//! | [`GreenPool::spawn_timeout`] | (none in eventlet) | `Result<GreenThread<T>, PoolFull<F>>` | the future comes back, not started |
//! | [`GreenPool::waitall_timeout`] | (none in eventlet) | `bool` | as `Queue::join_timeout` |
//! | [`with_timeout()`], [`Timeout::scope`] | raises `Timeout` | `Result<T, Elapsed>` | |
//!
//! The project's own semantics, rule by rule, are in `docs/semantics.md` in
//! the repository; its architecture in `docs/architecture.md`.
//!
//! # From eventlet to Rust
//!
//! Every waiting operation has the faces `op()` (async), `op_timeout(d)`,
//! `op_blocking()` (OS threads), `op_blocking_timeout(d)` and `try_op()`
//! (never waits); the table names the one closest to eventlet's call. eventlet's
//! exceptions become `Result`s; its `None` on timeout becomes `None` or an error
//! that cannot be confused with a value.
//!
//! | eventlet | Rust | difference |
//! |---|---|---|
//! | `Event()` | [`Event::new`] | typed value: `Event<T>`; the error type is [`Killed`] |
//! | an event whose exceptions are yours | [`Event::with_error_type`] | `Event::<T, MyError>::with_error_type()` |
//! | `evt.send(value)` | [`Event::send`] | a second send is `Err(AlreadySent(value))`, not `AssertionError` |
//! | `evt.send_exception(exc)` | [`Event::send_exception`] | every waiter gets `Err(exc.clone())` |
//! | `evt.wait()` | [`Event::wait`], [`Event::wait_blocking`] | returns `Result<T, E>` |
//! | `evt.wait(timeout)` | [`Event::wait_timeout`], [`Event::wait_blocking_timeout`] | `None` on timeout, never confused with a sent value |
//! | `evt.ready()` | [`Event::ready`] | |
//! | `evt.has_result()` | [`Event::has_result`] | |
//! | `evt.has_exception()` | [`Event::has_exception`] | |
//! | `evt.poll()` | [`Event::poll`] | `Some(Err(e))` where eventlet raises |
//! | `evt.poll_result()` | [`Event::poll_result`] | |
//! | `evt.poll_exception()` | [`Event::poll_exception`] | returns the error (eventlet raises it) |
//! | `evt.reset()` | [`Event::reset`] | `Err(NotSent)` on an unsent event |
//! | `Semaphore(n)` | [`Semaphore::new`] | `usize`: negative counts cannot be written |
//! | `sem.acquire()` | [`Semaphore::acquire`], [`Semaphore::acquire_blocking`] | gives a [`SemaphoreGuard`] that releases on drop |
//! | `with sem:` | [`Semaphore::with`]: `sem.with(async { .. }).await` | holds the permit exactly while the block runs; or `let _permit = sem.acquire().await;` (never `let _ =`, which gives it back at once) |
//! | `sem.acquire(blocking=False)` | [`Semaphore::try_acquire`] | `Option<SemaphoreGuard>` |
//! | `sem.acquire(timeout=t)` | [`Semaphore::acquire_timeout`] | `None` on timeout |
//! | `sem.release()` | [`Semaphore::release`], or drop the guard | no upper bound, as eventlet |
//! | `sem.locked()` | [`Semaphore::locked`] | |
//! | `sem.bounded()` | [`Semaphore::bounded`] | always `false`, as eventlet |
//! | `sem.balance` | [`Semaphore::balance`] | `isize`, negative while tasks wait |
//! | `sem.counter` | [`Semaphore::counter`] | |
//! | `BoundedSemaphore(n)` | [`BoundedSemaphore::new`] | |
//! | `bsem.release()` past the limit | [`BoundedSemaphore::release`] | `Err(ReleasedTooManyTimes)`, not `ValueError` |
//! | `CappedSemaphore(count, limit)` | [`CappedSemaphore::new`] | `Err(InvalidBounds)` if `count > limit`; also [`CappedSemaphore::with_bounds`] |
//! | `csem.acquire()` | [`CappedSemaphore::acquire`] | no guard |
//! | `csem.acquire(blocking=False)` | [`CappedSemaphore::try_acquire`] | `bool` |
//! | `csem.release()` | [`CappedSemaphore::release`] | waits at the limit *before* adding: the count never passes it |
//! | `csem.release(blocking=False)` | [`CappedSemaphore::try_release`] | `bool` |
//! | `csem.locked()`, `csem.bounded()`, `csem.balance` | [`CappedSemaphore::locked`], [`CappedSemaphore::bounded`], [`CappedSemaphore::balance`] | plus [`CappedSemaphore::count`] |
//! | `Queue()`, `Queue(None)` | [`Queue::new`] | unbounded |
//! | `Queue(n)` | [`Queue::bounded`] | `bounded(0)` is eventlet's `Queue(0)` rendezvous |
//! | `LightQueue`, `PriorityQueue`, `LifoQueue` | [`LightQueue`], [`PriorityQueue`], [`LifoQueue`] | |
//! | `q.put(item)` | [`Queue::put`], [`Queue::put_blocking`] | |
//! | `q.put(item, timeout=t)` | [`Queue::put_timeout`] | `Err(Full(item))`: the item comes back |
//! | `q.put_nowait(item)` | [`Queue::try_put`] | `Err(Full(item))` |
//! | `q.get()` | [`Queue::get`], [`Queue::get_blocking`] | |
//! | `q.get(timeout=t)` | [`Queue::get_timeout`] | `Err(Empty)` |
//! | `q.get_nowait()` | [`Queue::try_get`] | on a rendezvous, takes from a waiting putter (eventlet raises `Empty`) |
//! | `q.qsize()`, `q.empty()`, `q.full()` | [`Queue::len`], [`Queue::is_empty`], [`Queue::is_full`] | |
//! | `q.maxsize` | [`Queue::maxsize`] | `Option<usize>` |
//! | `q.resize(n)` | [`Queue::resize`] | `None` for unbounded; negative sizes cannot be written |
//! | `q.getting()`, `q.putting()` | [`Queue::getting`], [`Queue::putting`] | |
//! | `q.task_done()` | [`Queue::task_done`] | `Err(TaskDoneTooManyTimes)`, not `ValueError` |
//! | `q.join()` | [`Queue::join`], [`Queue::join_blocking`] | also [`Queue::join_timeout`] and [`Queue::try_join`], which eventlet lacks |
//! | `q.unfinished_tasks` | [`Queue::unfinished_tasks`] | |
//! | `queue.Full`, `queue.Empty` | [`Full`], [`Empty`] | `Full` carries the item |
//! | `Timeout(s)` | [`Timeout::new`] | starts at once, as eventlet; on its own it bounds nothing (`#[must_use]`) |
//! | `with Timeout(s):` | [`Timeout::scope`] | the bounded future is dropped at its await; the scope gives `Err(Elapsed)`; entering re-arms a cancelled or expired timeout, leaving cancels it |
//! | `Timeout(s, False)` | `timeout.scope(fut).await.ok()` | |
//! | `Timeout(s, MyError)` | `timeout.scope(fut).await.map_err(\|_\| MyError)` | |
//! | `Timeout(None)` | `Timeout::new(None)` | never fires |
//! | `timeout.cancel()`, `timeout.start()`, `timeout.pending` | [`Timeout::cancel`], [`Timeout::start`], [`Timeout::pending`] | `start` while pending is `Err(AlreadyStarted)` |
//! | `except Timeout as t: if t is timeout` | [`Elapsed::is`] | |
//! | `with_timeout(s, f)` | [`with_timeout()`] | `Err(Elapsed)` |
//! | `with_timeout(s, f, timeout_value=v)` | [`with_timeout_or`] | |
//! | `is_timeout(obj)` | [`is_timeout()`], [`IsTimeout`] | walks the `source()` chain |
//! | `wrap_is_timeout(base)` | [`wrap_is_timeout`] | tags a value (`f().map_err(wrap_is_timeout)`), does not mutate a class |
//! | `eventlet.spawn(f)` | [`spawn`] | a [`GreenThread`] on this thread's hub; the future need not be `Send` (share `Rc<RefCell<..>>`); dropping the handle does not cancel it |
//! | `eventlet.spawn_n(f)` | [`spawn_n`] | a panic is printed, the hub carries on |
//! | `eventlet.spawn_after(s, f)` | [`spawn_after`] | |
//! | `eventlet.sleep(s)`, `sleep(0)` | [`sleep()`] | `sleep(Duration::ZERO)` yields once |
//! | the hub's main loop | [`run`] | the calling thread's hub, as eventlet's: `run(fut)` drives it until `fut` ends; `fut` may borrow; greenthreads run only inside `run` |
//! | `hubs.get_hub()` per thread, `tpool` for parallel work | [`Hub`] | an explicit hub on threads of its own, for parallel work (`Send` bounds); `Hub::current().spawn(..)` inside it |
//! | `greenlet.getcurrent()` | [`current()`] | the running greenthread's [`GreenThreadId`], `None` in main |
//! | `gt.wait()` | [`GreenThread::wait`], [`GreenThread::wait_blocking`]; [`GreenThread::join`] for an output that is not `Clone` | `Err(WaitError::Killed)` or `Err(WaitError::Panicked(message))`; [`GreenThread::try_wait`] never waits |
//! | `gt.kill()` | [`GreenThread::kill`] | the task stops at its next await (not synchronously); a kill wins over a wake-up it has not run |
//! | `gt.cancel()` | [`GreenThread::cancel`] | `true` if it had not started |
//! | `gt.link(f)` | [`GreenThread::link`] | |
//! | `gt.dead` | [`GreenThread::is_dead`] | |
//! | `GreenletExit` | [`Killed`], [`WaitError::Killed`] | |
//! | `GreenPool(size)`, `GreenPool()` | [`GreenPool::new`], [`GreenPool::default`] (1000) | a cheap handle (clones share the slots); [`GreenPool::on`] for a multi-threaded [`Hub`] |
//! | `pool.spawn(f)` | [`GreenPool::spawn`]: `pool.spawn(fut).await` | waits for a slot; the pool's own greenthread in a full pool runs it inline, as eventlet; also [`GreenPool::try_spawn`], [`GreenPool::spawn_timeout`], [`GreenPool::spawn_blocking`] |
//! | `pool.spawn_n(f)` | [`GreenPool::spawn_n`] | |
//! | `pool.waitall()` | [`GreenPool::waitall`], [`GreenPool::waitall_blocking`] | panics from the pool's own greenthread (eventlet asserts); also [`GreenPool::waitall_timeout`] and [`GreenPool::try_waitall`] |
//! | `pool.running()`, `pool.free()`, `pool.waiting()` | [`GreenPool::running`], [`GreenPool::free`], [`GreenPool::waiting`] | `free()` is `isize`, negative after a shrink |
//! | `pool.resize(n)` | [`GreenPool::resize`] | |
//! | `pool.imap(f, items)` | [`GreenPool::imap`]: `pool.imap(f, items)` is a `Stream` | results in input order, each `Result<T, WaitError>` (eventlet re-raises); one iterable (zip several into tuples); as eventlet's, a greenthread of the map's own runs the items, which take none of the pool's slots |
//! | `pool.starmap(f, items)` | [`GreenPool::starmap`] | tuples of one to four arguments |
//! | `GreenPile(size)`, `GreenPile(pool)` | [`GreenPile::new`], [`GreenPile::with_pool`] | |
//! | `pile.spawn(f)` | [`GreenPile::spawn`]: `pile.spawn(fut).await` | |
//! | `for result in pile` | the pile is a `Stream`: `while let Some(r) = pile.next().await`; [`GreenPile::next_blocking`] on OS threads | each `Result<T, WaitError>` |
//!
//! ## Not provided, and what to use instead
//!
//! | eventlet | instead |
//! |---|---|
//! | green sockets, `eventlet.green.*` | async-io's `Async<TcpStream>` / `Async<TcpListener>` (smol's `net`), or tokio's `net` |
//! | `eventlet.listen`, `eventlet.connect`, `eventlet.serve` | `smol::net::TcpListener::bind` + a spawn per accepted connection; `smol::net::TcpStream::connect` |
//! | `eventlet.wsgi` | an async HTTP server crate (hyper, axum, tide) |
//! | `eventlet.monkey_patch()` | nothing to patch: blocking std calls block their thread; call them from OS threads (the `*_blocking` faces) or `smol::unblock` |
//! | `eventlet.tpool` | OS threads (`std::thread::spawn`, `smol::unblock`) talking to greenthreads through these primitives' blocking faces |
//! | `eventlet.hubs.use_hub(...)` | [`Hub::builder`]; every primitive works on any executor |
//! | `eventlet.debug`, `eventlet.backdoor` | tokio-console / tracing for the executor you use |

#[cfg(feature = "event")]
#[doc(inline)]
pub use greenevent::{AlreadySent, Event, Killed, NotSent};

/// Events: the whole [`greenevent`] crate.
///
/// ```
/// let event: eventlet::event::Event<u8> = eventlet::event::Event::new();
/// assert!(!event.ready());
/// ```
#[cfg(feature = "event")]
pub mod event {
    #[doc(inline)]
    pub use greenevent::*;
}

#[cfg(feature = "semaphore")]
#[doc(inline)]
pub use greensem::{
    BoundedSemaphore, CappedSemaphore, InvalidBounds, ReleasedTooManyTimes, Semaphore,
    SemaphoreGuard, SemaphoreGuardArc,
};

/// Semaphores: the whole [`greensem`] crate.
///
/// ```
/// let sem = eventlet::semaphore::Semaphore::new(1);
/// assert!(sem.try_acquire().is_some());
/// ```
#[cfg(feature = "semaphore")]
pub mod semaphore {
    #[doc(inline)]
    pub use greensem::*;
}

#[cfg(feature = "queue")]
#[doc(inline)]
pub use greenqueue::{
    Empty, Full, LifoQueue, LightQueue, PriorityQueue, Queue, TaskDoneTooManyTimes,
};

/// Queues: the whole [`greenqueue`] crate.
///
/// ```
/// let queue = eventlet::queue::Queue::<u8>::new();
/// assert!(queue.is_empty());
/// ```
#[cfg(feature = "queue")]
pub mod queue {
    #[doc(inline)]
    pub use greenqueue::*;
}

#[cfg(feature = "timeout")]
#[doc(inline)]
pub use greentimeout::{
    AlreadyStarted, Elapsed, IsTimeout, TaggedTimeout, Timeout, is_timeout, with_timeout,
    with_timeout_or, wrap_is_timeout,
};

/// Timeouts: the whole [`greentimeout`] crate.
///
/// ```
/// let timeout = eventlet::timeout::Timeout::new(None);
/// assert!(!timeout.pending());
/// ```
#[cfg(feature = "timeout")]
pub mod timeout {
    #[doc(inline)]
    pub use greentimeout::*;
}

#[cfg(feature = "hub")]
#[doc(inline)]
pub use greenhub::{
    GreenThread, GreenThreadId, Hub, HubBuilder, Sleep, WaitError, current, run, sleep, spawn,
    spawn_after, spawn_n,
};

/// The hub: the whole [`greenhub`] crate.
///
/// ```
/// assert_eq!(eventlet::hub::run(async { 1 }), 1);
/// ```
#[cfg(feature = "hub")]
pub mod hub {
    #[doc(inline)]
    pub use greenhub::*;
}

#[cfg(feature = "pool")]
#[doc(inline)]
pub use greenpool::{GreenPile, GreenPool, PoolFull};

/// Pools: the whole [`greenpool`] crate.
///
/// ```
/// let free = eventlet::run(async { eventlet::pool::GreenPool::new(3).free() });
/// assert_eq!(free, 3);
/// ```
#[cfg(feature = "pool")]
pub mod pool {
    #[doc(inline)]
    pub use greenpool::*;
}

// The workspace README's Rust examples run as doctests.
#[cfg(all(
    doctest,
    feature = "event",
    feature = "hub",
    feature = "queue",
    feature = "semaphore",
    feature = "timeout"
))]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
