//! A producer and a consumer with `task_done` and `join`.
//!
//! ```python
//! q = eventlet.queue.Queue()
//! def worker():
//!     while True:
//!         item = q.get()
//!         print(f'working on {item}')
//!         q.task_done()
//! eventlet.spawn_n(worker)
//! for item in range(5):
//!     q.put(item)
//! q.join()
//! print('all work completed')
//! ```

// expect: working on 0
// expect: working on 4
// expect: all work completed

use std::sync::LazyLock;

use eventlet::{Queue, spawn_n};

static Q: LazyLock<Queue<i32>> = LazyLock::new(Queue::new);

async fn worker() {
    loop {
        let item = Q.get().await;
        println!("working on {item}");
        Q.task_done().expect("one task_done per item");
    }
}

pub(crate) fn main() {
    eventlet::run(async {
        spawn_n(worker());
        for item in 0..5 {
            Q.put(item).await;
        }
        Q.join().await;
        println!("all work completed");
    });
}
