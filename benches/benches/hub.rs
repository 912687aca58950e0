//! greenhub against smol on the same run, both on one thread.
//!
//! - spawn + wait of an empty task against `smol` `spawn(..).await` (goal <= 1.2x);
//! - `sleep(ZERO)` against `futures_lite::future::yield_now` (goal <= 1.2x).
//!
//! Each measurement runs `BATCH` operations inside one `run` of the bench
//! thread's own hub, so the cost of entering the hub is not counted. The
//! peers run their loop as a spawned task: a loop that is the `block_on`
//! future itself would be re-polled without going through the executor's
//! queue at all. greenhub's main future goes through its run loop's round,
//! which is what it costs in eventlet's model.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use futures_lite::future;

const BATCH: u64 = 10_000;

/// Times `iters` operations, `BATCH` per `hub.run`.
fn on_hub(iters: u64, batch: fn(u64) -> future::BoxedLocal<()>) -> Duration {
    let mut total = Duration::ZERO;
    let mut left = iters;
    while left > 0 {
        let n = left.min(BATCH);
        left -= n;
        let started = Instant::now();
        greenhub::run(batch(n));
        total += started.elapsed();
    }
    total
}

fn spawn_wait(c: &mut Criterion) {
    let mut group = c.benchmark_group("hub_spawn_wait");
    group.bench_function("greenhub::spawn+wait", |b| {
        b.iter_custom(|iters| {
            on_hub(iters, |n| {
                Box::pin(async move {
                    for _ in 0..n {
                        greenhub::spawn(async {}).wait().await.unwrap();
                    }
                })
            })
        });
    });
    let executor = Arc::new(smol::Executor::new());
    group.bench_function("smol::spawn+await", |b| {
        b.iter_custom(|iters| {
            let started = Instant::now();
            let spawner = executor.clone();
            let batch = executor.spawn(async move {
                for _ in 0..iters {
                    spawner.spawn(async {}).await;
                }
            });
            future::block_on(executor.run(batch));
            started.elapsed()
        });
    });
    group.finish();
}

fn sleep_zero(c: &mut Criterion) {
    let mut group = c.benchmark_group("hub_sleep_zero");
    group.bench_function("greenhub::sleep(ZERO)", |b| {
        b.iter_custom(|iters| {
            on_hub(iters, |n| {
                Box::pin(async move {
                    for _ in 0..n {
                        greenhub::sleep(black_box(Duration::ZERO)).await;
                    }
                })
            })
        });
    });
    let executor = Arc::new(smol::Executor::new());
    group.bench_function("futures_lite::yield_now", |b| {
        b.iter_custom(|iters| {
            let started = Instant::now();
            let batch = executor.spawn(async move {
                for _ in 0..iters {
                    future::yield_now().await;
                }
            });
            future::block_on(executor.run(batch));
            started.elapsed()
        });
    });
    group.finish();
}

criterion_group!(benches, spawn_wait, sleep_zero);
criterion_main!(benches);
