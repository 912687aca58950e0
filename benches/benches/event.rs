//! greenevent's `Event` against tokio's `Notify` and a bare event-listener.
//!
//! - broadcast: 1000 waiting tasks, send until all have run (goal: at or below
//!   `Notify::notify_waiters`; `event_listener::Event::notify(MAX)` for reference).
//! - `wait` on a sent `Event<u64>` (goal: under 10 ns, no allocation).

use std::hint::black_box;
use std::rc::Rc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use eventlet_benches::{poll_ready, time_broadcast};

const WAITERS: usize = 1000;

fn broadcast(c: &mut Criterion) {
    let mut group = c.benchmark_group("event_broadcast_1000");
    // Per waiter woken, for the report.
    group.throughput(criterion::Throughput::Elements(WAITERS as u64));
    group.bench_function("greenevent::Event", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    let event = Rc::new(greenevent::Event::<u64>::new());
                    let waiting = event.clone();
                    time_broadcast(
                        WAITERS,
                        move || {
                            let event = waiting.clone();
                            async move {
                                black_box(event.wait().await.unwrap());
                            }
                        },
                        || event.send(1).unwrap(),
                    )
                })
                .sum::<Duration>()
        });
    });
    group.bench_function("tokio::sync::Notify", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    let notify = Rc::new(tokio::sync::Notify::new());
                    let waiting = notify.clone();
                    time_broadcast(
                        WAITERS,
                        move || {
                            let notify = waiting.clone();
                            async move { notify.notified().await }
                        },
                        || notify.notify_waiters(),
                    )
                })
                .sum::<Duration>()
        });
    });
    group.bench_function("event_listener::Event", |b| {
        b.iter_custom(|iters| {
            (0..iters)
                .map(|_| {
                    let event = Rc::new(event_listener::Event::new());
                    let waiting = event.clone();
                    time_broadcast(
                        WAITERS,
                        move || waiting.listen(),
                        || {
                            event.notify(usize::MAX);
                        },
                    )
                })
                .sum::<Duration>()
        });
    });
    group.finish();
}

fn wait_sent(c: &mut Criterion) {
    let mut group = c.benchmark_group("event_wait_sent");
    let event = greenevent::Event::<u64>::new();
    event.send(7).unwrap();
    group.bench_function("greenevent::Event<u64>::wait", |b| {
        b.iter(|| poll_ready(black_box(&event).wait()));
    });
    group.bench_function("greenevent::Event<u64>::poll", |b| {
        b.iter(|| black_box(&event).poll());
    });
    group.finish();
}

criterion_group!(benches, broadcast, wait_sent);
criterion_main!(benches);
