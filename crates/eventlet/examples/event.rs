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

use std::time::Duration;

use eventlet::{Event, sleep, spawn};

static EVENT: Event<&str> = Event::new();

async fn waiter() {
    println!("Waiting for event...");
    let result = EVENT.wait().await.expect("a value, not an error");
    println!("Got result: {result}");
}

async fn sender() {
    sleep(Duration::from_secs(2)).await; // Simulate work
    EVENT.send("Hello from sender!").expect("sent once");
}

pub(crate) fn main() {
    eventlet::run(async {
        spawn(waiter());
        spawn(sender());
        sleep(Duration::from_secs(3)).await; // standalone: keep main blocked
    });
}
