//! Shared helpers for the workspace's integration tests in `tests/tests/`.

pub mod linearizability;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Wake, Waker};

/// A waker that counts how often it was woken, for polling futures by hand.
///
/// ```
/// let (count, waker) = eventlet_tests::counting_waker();
/// waker.wake_by_ref();
/// assert_eq!(count.get(), 1);
/// ```
#[derive(Debug, Default)]
pub struct WakeCount(AtomicUsize);

impl WakeCount {
    /// How many times the waker was woken so far.
    pub fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

impl Wake for WakeCount {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A fresh counting waker and its counter.
pub fn counting_waker() -> (Arc<WakeCount>, Waker) {
    let count = Arc::new(WakeCount::default());
    (count.clone(), Waker::from(count))
}

/// A waker that records its `id` into a shared log each time it is woken, to
/// check the order in which waiters are woken.
///
/// ```
/// use std::sync::{Arc, Mutex};
/// let log = Arc::new(Mutex::new(Vec::new()));
/// eventlet_tests::logging_waker(&log, 7).wake();
/// assert_eq!(*log.lock().unwrap(), vec![7]);
/// ```
pub fn logging_waker(log: &Arc<std::sync::Mutex<Vec<usize>>>, id: usize) -> Waker {
    struct Logging(Arc<std::sync::Mutex<Vec<usize>>>, usize);
    impl Wake for Logging {
        fn wake(self: Arc<Self>) {
            self.0.lock().unwrap().push(self.1);
        }
    }
    Waker::from(Arc::new(Logging(log.clone(), id)))
}

/// Runs `make(executor)` to completion on this thread while `threads` OS
/// threads run the smol `executor`, so tasks it spawns run in parallel.
///
/// ```
/// let sum = eventlet_tests::on_executor(2, |ex| async move {
///     let tasks: Vec<_> = (0..4u32).map(|i| ex.spawn(async move { i })).collect();
///     let mut sum = 0;
///     for task in tasks {
///         sum += task.await;
///     }
///     sum
/// });
/// assert_eq!(sum, 6);
/// ```
pub fn on_executor<F, M>(threads: usize, make: M) -> F::Output
where
    F: std::future::Future,
    M: FnOnce(Arc<smol::Executor<'static>>) -> F,
{
    let executor = Arc::new(smol::Executor::new());
    let (stop, stopped) = smol::channel::bounded::<()>(1);
    std::thread::scope(|s| {
        for _ in 0..threads {
            let executor = executor.clone();
            let stopped = stopped.clone();
            s.spawn(move || smol::future::block_on(executor.run(stopped.recv())));
        }
        let output = smol::future::block_on(make(executor.clone()));
        // Closing the channel ends every `recv`, so the runner threads return.
        drop(stop);
        output
    })
}
