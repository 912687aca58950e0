//! The tour of eventlet-rs (`cargo xtask demo`): the crate map, then
//! eventlet's own examples for each primitive, one after another.

// expect: == Event ==
// expect: == Semaphore ==
// expect: == Queue ==
// expect: == Timeout ==
// expect: waited for a
// expect: at most 2 at once
// expect: all work completed
// expect: timed out after 0.1 seconds

#[path = "event.rs"]
mod event;
#[path = "queue.rs"]
mod queue;
#[path = "semaphore.rs"]
mod semaphore;
#[path = "timeout.rs"]
mod timeout;

const CRATES: &[(&str, &str)] = &[
    (
        "greentimeout",
        "Timeout, with_timeout, is_timeout, wrap_is_timeout",
    ),
    ("greenevent", "Event"),
    ("greensem", "Semaphore, BoundedSemaphore, CappedSemaphore"),
    ("greenqueue", "Queue, PriorityQueue, LifoQueue, LightQueue"),
    (
        "greenhub",
        "run, spawn, spawn_n, spawn_after, sleep, GreenThread",
    ),
    ("eventlet", "the facade: everything above in one import"),
];

fn main() {
    println!("eventlet-rs: eventlet's synchronization API for Rust");
    for (name, holds) in CRATES {
        println!("  {name:<13} {holds}");
    }
    let examples: [(&str, fn()); 4] = [
        ("Event", event::main),
        ("Semaphore", semaphore::main),
        ("Queue", queue::main),
        ("Timeout", timeout::main),
    ];
    for (title, example) in examples {
        println!("\n== {title} ==");
        example();
    }
}
