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

use std::sync::Arc;

use eventlet::{Queue, spawn_n};

pub(crate) fn main() {
    eventlet::run(async {
        let q = Arc::new(Queue::new());
        let worker = {
            let q = q.clone();
            async move {
                loop {
                    let item = q.get().await;
                    println!("working on {item}");
                    q.task_done().expect("one task_done per item");
                }
            }
        };
        spawn_n(worker);
        for item in 0..5 {
            q.put(item).await;
        }
        q.join().await;
        println!("all work completed");
    });
}
