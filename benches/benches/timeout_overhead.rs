//! `with_timeout(1h, ready)` against the raw peer: an async-io `Timer` raced
//! with `futures_lite::future::or`. Goal: ours <= 1.5x the raw race.
//! `Timeout::scope` is shown too: a shareable, restartable timer costs more.

use std::hint::black_box;
use std::time::Duration;

use async_io::Timer;
use criterion::{Criterion, criterion_group, criterion_main};
use eventlet_benches::poll_ready;
use futures_lite::future;
use greentimeout::{Timeout, with_timeout};

const HOUR: Duration = Duration::from_secs(3600);

fn timeout_overhead(c: &mut Criterion) {
    let mut group = c.benchmark_group("timeout_overhead");
    group.bench_function("greentimeout::with_timeout", |b| {
        b.iter(|| poll_ready(with_timeout(HOUR, future::ready(black_box(1u64)))));
    });
    group.bench_function("greentimeout::Timeout::scope", |b| {
        b.iter(|| {
            let timeout = Timeout::new(HOUR);
            poll_ready(timeout.scope(future::ready(black_box(1u64))))
        });
    });
    // The peer arms its timer when called, as `with_timeout` does: a timer
    // made inside the racing async block would never be made at all here.
    group.bench_function("async_io::Timer+future::or", |b| {
        b.iter(|| {
            let timer = Timer::after(HOUR);
            poll_ready(future::or(
                async { Some(future::ready(black_box(1u64)).await) },
                async move {
                    timer.await;
                    None
                },
            ))
        });
    });
    group.finish();
}

criterion_group!(benches, timeout_overhead);
criterion_main!(benches);
