//! eventlet's Event examples (its documentation), line for line.
//!
//! ```python
//! evt = event.Event()
//! def baz(b):
//!     evt.send(b + 1)
//! _ = eventlet.spawn_n(baz, 3)
//! evt.wait()                      # 4
//!
//! evt = event.Event()
//! def waiter():
//!     print('about to wait')
//!     result = evt.wait()
//!     print('waited for {0}'.format(result))
//! _ = eventlet.spawn(waiter)
//! eventlet.sleep(0)               # about to wait
//! evt.send('a')
//! eventlet.sleep(0)               # waited for a
//! ```

// expect: 4
// expect: about to wait
// expect: waited for a

use std::sync::Arc;
use std::time::Duration;

use eventlet::{Event, sleep, spawn, spawn_n};

#[allow(clippy::disallowed_names)] // `baz` is the name in eventlet's own example
pub(crate) fn main() {
    eventlet::run(async {
        let evt = Arc::new(Event::<i32>::new());
        let baz = |b: i32| {
            let evt = evt.clone();
            async move { evt.send(b + 1).expect("sent once") }
        };
        spawn_n(baz(3));
        println!("{}", evt.wait().await.expect("a value, not an error"));

        let evt = Arc::new(Event::<&str>::new());
        let waiter = {
            let evt = evt.clone();
            async move {
                println!("about to wait");
                let result = evt.wait().await.expect("a value, not an error");
                println!("waited for {result}");
            }
        };
        let _ = spawn(waiter);
        sleep(Duration::ZERO).await;
        evt.send("a").expect("sent once");
        sleep(Duration::ZERO).await;
    });
}
