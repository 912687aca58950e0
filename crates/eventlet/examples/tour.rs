//! The tour of eventlet-rs: `cargo xtask demo`.
//!
//! The crate map, then each primitive in a few lines; the facade issue makes
//! it the full tour of eventlet's own examples.

use std::time::{Duration, Instant};

use eventlet::{
    BoundedSemaphore, Event, PriorityQueue, Queue, Semaphore, Timeout, is_timeout, with_timeout,
    with_timeout_or,
};
use futures_lite::future;

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
    crate_map();
    event();
    semaphore();
    queue();
    greenthreads();
    timeout();
}

fn crate_map() {
    println!("== eventlet-rs: eventlet's synchronization API for Rust ==");
    for (name, holds) in CRATES {
        println!("  {name:<13} {holds}");
    }
}

fn event() {
    println!("\n== Event ==");
    // eventlet: a waiter blocks in evt.wait() until another sends.
    let event = Event::<&str>::new();
    std::thread::scope(|s| {
        let waiter = s.spawn(|| event.wait_blocking());
        event.send("hi").expect("sent once");
        println!("waiter got: {:?}", waiter.join().expect("waiter ran"));
    });
    println!("second send refused: {}", event.send("again").unwrap_err());
}

fn semaphore() {
    println!("\n== Semaphore ==");
    // eventlet: five workers through a Semaphore(2); at most two inside at once.
    let sem = Semaphore::new(2);
    let inside = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for worker in 0..5 {
            let (sem, inside) = (&sem, &inside);
            s.spawn(move || {
                let _permit = sem.acquire_blocking();
                let now = inside.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                println!("worker {worker} in ({now} inside)");
                std::thread::sleep(Duration::from_millis(20));
                inside.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
            });
        }
    });
    let bounded = BoundedSemaphore::new(1);
    println!(
        "bounded release past its value: {}",
        bounded.release().unwrap_err()
    );
}

fn queue() {
    println!("\n== Queue ==");
    // eventlet: a producer and a consumer with task_done and join.
    let queue = Queue::bounded(2);
    std::thread::scope(|s| {
        s.spawn(|| {
            for _ in 0..3 {
                let job = queue.get_blocking();
                println!("done {job}");
                queue.task_done().expect("one task_done per item");
            }
        });
        for job in ["wash", "dry", "fold"] {
            queue.put_blocking(job);
            println!("put {job}");
        }
        queue.join_blocking();
        println!("all jobs done");
    });
    let priorities = PriorityQueue::new();
    for job in [(3, "low"), (1, "urgent"), (2, "normal")] {
        priorities.try_put(job).expect("unbounded");
    }
    let order: Vec<_> = std::iter::from_fn(|| priorities.try_get().ok())
        .map(|(_, job)| job)
        .collect();
    println!("priority order: {order:?}");
}

fn greenthreads() {
    println!("\n== Greenthreads ==");
    // eventlet: spawn runs after the spawner yields; sleep(0) round-robins.
    let order = eventlet::run(async {
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let workers: Vec<_> = ["a", "b"]
            .into_iter()
            .map(|name| {
                let log = log.clone();
                eventlet::spawn(async move {
                    for round in 0..2 {
                        log.lock().expect("log").push(format!("{name}{round}"));
                        eventlet::sleep(Duration::ZERO).await;
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.wait().await.expect("worker finished");
        }
        log.lock().expect("log").clone()
    });
    println!("round-robin order: {order:?}");
}

fn timeout() {
    println!("\n== Timeout ==");
    future::block_on(async {
        // eventlet: with Timeout(0.1): sleep(10)
        let started = Instant::now();
        let timeout = Timeout::new(Duration::from_millis(100));
        let slow = async_io::Timer::after(Duration::from_secs(10));
        match timeout.scope(slow).await {
            Ok(_) => println!("the sleep finished (it should not have)"),
            Err(elapsed) => println!(
                "timed out after {elapsed} (took {:?}, is_timeout: {})",
                started.elapsed(),
                is_timeout(&elapsed)
            ),
        }

        // eventlet: with_timeout(0.05, slow_function, timeout_value="fallback")
        let slow = async {
            async_io::Timer::after(Duration::from_secs(10)).await;
            "slow result"
        };
        let value = with_timeout_or(Duration::from_millis(50), slow, "fallback").await;
        println!("with_timeout_or gave: {value}");

        let quick = with_timeout(Duration::from_secs(1), async { "quick result" }).await;
        println!("with_timeout gave: {quick:?}");
    });
}
