//! Five workers through a `Semaphore(2)`: at most two hold it at once.
//!
//! ```python
//! sem = Semaphore(2)
//! def worker(n):
//!     with sem:
//!         print(f'worker {n} acquired')
//!         eventlet.sleep(0.01)
//!     print(f'worker {n} released')
//! pool = [eventlet.spawn(worker, n) for n in range(5)]
//! for gt in pool:
//!     gt.wait()
//! ```

// expect: worker 0 acquired
// expect: worker 1 acquired
// expect: worker 2 acquired
// expect: worker 3 acquired
// expect: worker 4 acquired
// expect: worker 4 released
// expect: at most 2 at once

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use eventlet::{Semaphore, sleep, spawn};

static SEM: Semaphore = Semaphore::new(2);

// Not in eventlet's example: how many hold the semaphore now, and at most.
static INSIDE: AtomicUsize = AtomicUsize::new(0);
static MOST: AtomicUsize = AtomicUsize::new(0);

async fn worker(n: usize) {
    SEM.with(async {
        MOST.fetch_max(INSIDE.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
        println!("worker {n} acquired");
        sleep(Duration::from_millis(10)).await;
        INSIDE.fetch_sub(1, Ordering::SeqCst);
    })
    .await;
    println!("worker {n} released");
}

pub(crate) fn main() {
    eventlet::run(async {
        let pool: Vec<_> = (0..5).map(|n| spawn(worker(n))).collect();
        for gt in pool {
            gt.wait().await.expect("the worker finished");
        }
        println!("at most {} at once", MOST.load(Ordering::SeqCst));
    });
}
