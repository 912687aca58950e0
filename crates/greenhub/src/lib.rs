//! eventlet's hub on the smol family: [`run`], [`spawn`], [`spawn_n`],
//! [`spawn_after`], [`sleep`], [`current`] and [`GreenThread`].
//!
//! As in eventlet, the hub is per OS thread: [`run`] drives the calling
//! thread's hub until its future completes (the future may borrow and need
//! not be `Send`), and the greenthreads that thread spawns run on it, one at
//! a time, only while it is inside `run`, in eventlet's order: spawn order,
//! a spawned one runs once its spawner yields, `sleep(Duration::ZERO)`
//! round-robins. Greenthreads need not be `Send`, so they can share
//! `Rc<RefCell<..>>` state. For parallel work on several cores there is an
//! explicit multi-threaded [`Hub`], with `Send` bounds.
//!
//! ```
//! use std::time::Duration;
//!
//! let total = greenhub::run(async {
//!     let workers: Vec<_> = (1..=3)
//!         .map(|n| greenhub::spawn(async move {
//!             greenhub::sleep(Duration::from_millis(n)).await;
//!             n * 10
//!         }))
//!         .collect();
//!     let mut total = 0;
//!     for worker in workers {
//!         total += worker.wait().await.unwrap();
//!     }
//!     total
//! });
//! assert_eq!(total, 60);
//! ```
//!
//! # Timed waits
//!
//! Every `*_timeout` face follows one rule across the workspace: what
//! eventlet's call returns on timeout, made unambiguous, handing back
//! anything it was given (the table is in the `eventlet` facade's docs
//! and the repository's `docs/semantics.md`). Here:
//! `GreenThread::wait_timeout` returns `Option<Result<T, WaitError>>`, `None`
//! when the timeout passed, as `Event::wait_timeout` does.

mod error;
pub mod futures;
mod greenthread;
mod hub;
mod life;
mod local;
mod sleep;

use std::future::Future;
use std::time::Duration;

pub use error::WaitError;
pub use greenthread::{GreenThread, GreenThreadId, current};
pub use hub::{Hub, HubBuilder};
pub use local::run;
pub use sleep::{Sleep, sleep};

/// Starts `future` as a greenthread of the calling thread's hub; it runs
/// once the spawner yields (inside [`run`]), in spawn order. The future need
/// not be `Send`, nor its output `Sync`: greenthreads of one thread may
/// share `Rc<RefCell<..>>` state, as eventlet's share plain objects. The
/// handle gives its output; dropping it does not cancel the greenthread.
///
/// Called outside `run`, the greenthread waits in the thread's hub until
/// the thread next enters `run` (or waits for it with
/// [`GreenThread::wait_blocking`], which drives the hub).
///
/// # Panics
/// On a runner thread of a multi-threaded [`Hub`]: use
/// `Hub::current().spawn(..)` there.
///
/// ```
/// use std::cell::RefCell;
/// use std::rc::Rc;
///
/// let log = Rc::new(RefCell::new(Vec::new()));
/// greenhub::run(async {
///     let workers: Vec<_> = (0..3)
///         .map(|n| {
///             let log = log.clone();
///             greenhub::spawn(async move { log.borrow_mut().push(n) })
///         })
///         .collect();
///     for worker in workers {
///         worker.wait().await.unwrap();
///     }
/// });
/// assert_eq!(*log.borrow(), vec![0, 1, 2]);
/// ```
pub fn spawn<F>(future: F) -> GreenThread<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    spawn_at(None, future)
}

/// Starts `future` on the calling thread's hub and forgets it: eventlet's
/// `spawn_n`. A panic in it is reported on stderr and the hub carries on.
///
/// # Panics
/// On a runner thread of a multi-threaded [`Hub`], as [`spawn`].
///
/// ```
/// let (tx, rx) = std::sync::mpsc::channel();
/// greenhub::run(async move {
///     greenhub::spawn_n(async move { tx.send("ran").unwrap() });
///     greenhub::sleep(std::time::Duration::ZERO).await;
/// });
/// assert_eq!(rx.recv(), Ok("ran"));
/// ```
pub fn spawn_n<F>(future: F)
where
    F: Future<Output = ()> + 'static,
{
    hub::refuse_on_a_runner_thread();
    local::spawn_local(hub::report_panics(future));
}

/// Starts `future` on the calling thread's hub after `delay`;
/// [`GreenThread::cancel`] before then means it never runs. eventlet's
/// `spawn_after`.
///
/// # Panics
/// On a runner thread of a multi-threaded [`Hub`], as [`spawn`].
///
/// ```
/// use std::time::Duration;
/// let later = greenhub::spawn_after(Duration::from_millis(1), async { 9 });
/// assert_eq!(later.wait_blocking(), Ok(9)); // drives this thread's hub
/// ```
pub fn spawn_after<F>(delay: Duration, future: F) -> GreenThread<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    spawn_at(Some(delay), future)
}

fn spawn_at<F>(delay: Option<Duration>, future: F) -> GreenThread<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    hub::refuse_on_a_runner_thread();
    let (thread, task) = GreenThread::new(future, delay, Some(std::thread::current().id()));
    local::spawn_local(task);
    thread
}
