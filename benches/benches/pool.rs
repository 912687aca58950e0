//! greenpool against the peers, on one thread, same run.
//!
//! - `pool_imap_size_100`: trivial futures through `GreenPool::imap` with
//!   size 100, against futures' `buffered(100)` (a stream adaptor that polls
//!   the futures itself, no tasks) and against an `async_lock::Semaphore` of
//!   100 around smol `spawn`, awaited in order. Per item.
//! - `pool_spawn_waitall_10k`: 10k trivial greenthreads spawned into a pool
//!   (of 10k: nothing waits for a slot) and `waitall`, against tokio's
//!   `JoinSet` on a current-thread runtime (spawn all, then `join_next`
//!   until empty). Per greenthread.

use std::collections::VecDeque;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use futures_lite::future;

const SIZE: usize = 100;
const SPAWNS: usize = 10_000;

fn imap(c: &mut Criterion) {
    let mut group = c.benchmark_group("pool_imap_size_100");
    group.bench_function("greenpool::imap", |b| {
        use futures_lite::StreamExt as _;
        b.iter_custom(|iters| {
            let started = Instant::now();
            let sum = greenhub::run(async {
                let pool = greenpool::GreenPool::new(SIZE);
                pool.imap(|n: u64| async move { black_box(n) }, 0..iters)
                    .fold(0_u64, |sum, n| sum.wrapping_add(n.unwrap()))
                    .await
            });
            black_box(sum);
            started.elapsed()
        });
    });
    group.bench_function("futures::buffered", |b| {
        use futures_util::StreamExt as _;
        b.iter_custom(|iters| {
            let started = Instant::now();
            let sum = future::block_on(
                futures_util::stream::iter(0..iters)
                    .map(|n| async move { black_box(n) })
                    .buffered(SIZE)
                    .fold(0_u64, |sum, n| async move { sum.wrapping_add(n) }),
            );
            black_box(sum);
            started.elapsed()
        });
    });
    let executor = Arc::new(smol::Executor::new());
    group.bench_function("smol::spawn+Semaphore", |b| {
        b.iter_custom(|iters| {
            let started = Instant::now();
            let spawner = executor.clone();
            let batch = executor.spawn(async move {
                let limit = Arc::new(async_lock::Semaphore::new(SIZE));
                let mut in_flight = VecDeque::with_capacity(SIZE);
                let mut sum = 0_u64;
                for n in 0..iters {
                    let permit = limit.acquire_arc().await;
                    in_flight.push_back(spawner.spawn(async move {
                        let _permit = permit;
                        black_box(n)
                    }));
                    if in_flight.len() == SIZE {
                        sum = sum.wrapping_add(in_flight.pop_front().unwrap().await);
                    }
                }
                for task in in_flight {
                    sum = sum.wrapping_add(task.await);
                }
                sum
            });
            black_box(future::block_on(executor.run(batch)));
            started.elapsed()
        });
    });
    group.finish();
}

/// Times `iters` spawns, `SPAWNS` per batch.
fn in_batches(iters: u64, mut batch: impl FnMut(u64)) -> Duration {
    let started = Instant::now();
    let mut left = iters;
    while left > 0 {
        let n = left.min(SPAWNS as u64);
        left -= n;
        batch(n);
    }
    started.elapsed()
}

fn spawn_waitall(c: &mut Criterion) {
    let mut group = c.benchmark_group("pool_spawn_waitall_10k");
    group.bench_function("greenpool::spawn+waitall", |b| {
        b.iter_custom(|iters| {
            in_batches(iters, |n| {
                greenhub::run(async {
                    let pool = greenpool::GreenPool::new(SPAWNS);
                    for i in 0..n {
                        pool.spawn_n(async move {
                            black_box(i);
                        })
                        .await;
                    }
                    pool.waitall().await;
                });
            })
        });
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    group.bench_function("tokio::JoinSet", |b| {
        b.iter_custom(|iters| {
            in_batches(iters, |n| {
                runtime.block_on(async {
                    let mut set = tokio::task::JoinSet::new();
                    for i in 0..n {
                        set.spawn(async move {
                            black_box(i);
                        });
                    }
                    while set.join_next().await.is_some() {}
                });
            })
        });
    });
    group.finish();
}

criterion_group!(benches, imap, spawn_waitall);
criterion_main!(benches);
