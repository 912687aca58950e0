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
// expect: == GreenPool ==
// expect: got body from http://python.org/images/python-logo.gif of length 2549

// eventlet's docstring examples: quick. The specification's four usage
// examples (event.rs, semaphore.rs, queue.rs, timeout.rs) sleep for seconds,
// as the originals do, and run on their own.
#[path = "event_docstring.rs"]
mod event;
#[path = "queue_worker.rs"]
mod queue;
#[path = "semaphore_workers.rs"]
mod semaphore;
#[path = "timeout_docs.rs"]
mod timeout;
#[path = "webcrawler.rs"]
mod webcrawler;

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
    ("greenpool", "GreenPool, GreenPile"),
    ("eventlet", "the facade: everything above in one import"),
];

fn main() {
    println!("eventlet-rs: eventlet's synchronization API for Rust");
    for (name, holds) in CRATES {
        println!("  {name:<13} {holds}");
    }
    let examples: [(&str, fn()); 5] = [
        ("Event", event::main),
        ("Semaphore", semaphore::main),
        ("Queue", queue::main),
        ("Timeout", timeout::main),
        ("GreenPool", webcrawler::main),
    ];
    for (title, example) in examples {
        println!("\n== {title} ==");
        example();
    }
}
