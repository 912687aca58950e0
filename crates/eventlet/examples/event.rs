//! The specification's Event example, line for line.
//!
//! ```python
//! event = eventlet.Event()
//!
//! def waiter():
//!     print("Waiting for event...")
//!     result = event.wait()
//!     print(f"Got result: {result}")
//!
//! def sender():
//!     eventlet.sleep(2)  # Simulate work
//!     event.send("Hello from sender!")
//!
//! eventlet.spawn(waiter)
//! eventlet.spawn(sender)
//! ```
//!
//! In the specification this is the first part of one script, whose later
//! parts keep the main greenthread blocked while these two run; on its own,
//! the main greenthread sleeps at the end instead (as the Python run that
//! produced the lines below did: eventlet 0.41.3, the same code plus
//! `eventlet.sleep(3)`).

// expect-order: strict
// expect: Waiting for event...
// expect: Got result: Hello from sender!

use std::sync::Arc;
use std::time::Duration;

use eventlet::{Event, sleep, spawn};

pub(crate) fn main() {
    eventlet::run(async {
        let event = Arc::new(Event::new());

        let waiter = {
            let event = event.clone();
            async move {
                println!("Waiting for event...");
                let result = event.wait().await.expect("a value, not an error");
                println!("Got result: {result}");
            }
        };

        let sender = {
            let event = event.clone();
            async move {
                sleep(Duration::from_secs(2)).await; // Simulate work
                event.send("Hello from sender!").expect("sent once");
            }
        };

        spawn(waiter);
        spawn(sender);
        sleep(Duration::from_secs(3)).await; // standalone: keep main blocked
    });
}
