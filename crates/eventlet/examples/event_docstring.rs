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

use std::time::Duration;

use eventlet::{Event, sleep, spawn, spawn_n};

static EVT: Event<i32> = Event::new();

// `baz` is the name in eventlet's own example; it is a greenthread's body,
// so it is async even though it never waits.
#[allow(clippy::disallowed_names, clippy::unused_async)]
async fn baz(b: i32) {
    EVT.send(b + 1).expect("sent once");
}

// eventlet rebinds `evt` to a new Event; Rust names the second one anew.
static EVT2: Event<&str> = Event::new();

async fn waiter() {
    println!("about to wait");
    let result = EVT2.wait().await.expect("a value, not an error");
    println!("waited for {result}");
}

pub(crate) fn main() {
    eventlet::run(async {
        spawn_n(baz(3));
        println!("{}", EVT.wait().await.expect("a value, not an error"));

        let _ = spawn(waiter());
        sleep(Duration::ZERO).await;
        EVT2.send("a").expect("sent once");
        sleep(Duration::ZERO).await;
    });
}
