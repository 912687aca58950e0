//! The specification's Queue example, line for line.
//!
//! ```python
//! q = eventlet.Queue()
//!
//! def producer():
//!     for i in range(5):
//!         q.put(f"item {i}")
//!         eventlet.sleep(0.1)
//!
//! def consumer():
//!     while True:
//!         item = q.get()
//!         print(f"Got: {item}")
//!         q.task_done()
//!
//! eventlet.spawn(producer)
//! eventlet.spawn(consumer)
//! q.join()  # Wait for all tasks to complete
//! ```
//!
//! As in eventlet, `q.join()` returns at once here: the spawned greenthreads
//! have not run yet, so nothing is unfinished. In the specification's whole
//! script the later parts keep the main greenthread blocked while the
//! producer and consumer run; on its own, the main greenthread sleeps at the
//! end instead (as the Python run that produced the lines below did:
//! eventlet 0.41.3, plus `eventlet.sleep(1)`).

// expect-order: strict
// expect: Got: item 0
// expect: Got: item 1
// expect: Got: item 2
// expect: Got: item 3
// expect: Got: item 4

use std::sync::LazyLock;
use std::time::Duration;

use eventlet::{Queue, sleep, spawn};

static Q: LazyLock<Queue<String>> = LazyLock::new(Queue::new);

async fn producer() {
    for i in 0..5 {
        Q.put(format!("item {i}")).await;
        sleep(Duration::from_millis(100)).await;
    }
}

async fn consumer() {
    loop {
        let item = Q.get().await;
        println!("Got: {item}");
        Q.task_done().expect("one task_done per item");
    }
}

pub(crate) fn main() {
    eventlet::run(async {
        spawn(producer());
        spawn(consumer());
        Q.join().await; // Wait for all tasks to complete
        sleep(Duration::from_secs(1)).await; // standalone: keep main blocked
    });
}
