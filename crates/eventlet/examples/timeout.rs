//! The specification's Timeout example, line for line.
//!
//! ```python
//! try:
//!     with eventlet.Timeout(5.0):
//!         # This will timeout after 5 seconds
//!         eventlet.sleep(10)
//! except eventlet.Timeout:
//!     print("Operation timed out!")
//!
//! # Function with timeout
//! try:
//!     result = eventlet.with_timeout(2.0, slow_function, arg1, arg2)
//! except eventlet.Timeout:
//!     print("Function call timed out!")
//! ```
//!
//! The specification leaves `slow_function`, `arg1` and `arg2` undefined;
//! here (and in the Python run that produced the lines below, eventlet
//! 0.41.3) `slow_function(a, b)` sleeps 10 seconds.

// expect-order: strict
// expect: Operation timed out!
// expect: Function call timed out!

use std::time::Duration;

use eventlet::{Timeout, sleep, with_timeout};

async fn slow_function(_a: i32, _b: i32) {
    sleep(Duration::from_secs(10)).await;
}

pub(crate) fn main() {
    eventlet::run(async {
        let (arg1, arg2) = (1, 2);

        let timeout = Timeout::new(Duration::from_secs(5));
        // This will timeout after 5 seconds
        if timeout.scope(sleep(Duration::from_secs(10))).await.is_err() {
            println!("Operation timed out!");
        }

        // Function with timeout
        let result = with_timeout(Duration::from_secs(2), slow_function(arg1, arg2)).await;
        if result.is_err() {
            println!("Function call timed out!");
        }
    });
}
