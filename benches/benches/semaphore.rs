//! greensem's `Semaphore` against async-lock's and tokio's, on the same run.
//!
//! Goals: uncontended `try_acquire`+drop <= 0.8x the faster peer; uncontended
//! `acquire().await`+drop <= 1.0x; 100 tasks x 10k acquire/release with 4
//! permits on a 1-thread executor, with and without holding the permit across
//! a yield, <= 1.0x.

use std::future::Future;
use std::hint::black_box;
use std::rc::Rc;
use std::time::Duration;

use async_executor::LocalExecutor;
use criterion::{Criterion, criterion_group, criterion_main};
use eventlet_benches::poll_ready;
use futures_lite::future;

const TASKS: usize = 100;
const ROUNDS: usize = 10_000;
const PERMITS: usize = 4;

fn uncontended(c: &mut Criterion) {
    let mut group = c.benchmark_group("semaphore_try_acquire");
    let ours = greensem::Semaphore::new(1);
    group.bench_function("greensem", |b| {
        b.iter(|| drop(black_box(&ours).try_acquire()));
    });
    let lock = async_lock::Semaphore::new(1);
    group.bench_function("async-lock", |b| {
        b.iter(|| drop(black_box(&lock).try_acquire()));
    });
    let tokio = tokio::sync::Semaphore::new(1);
    group.bench_function("tokio", |b| {
        b.iter(|| drop(black_box(&tokio).try_acquire()));
    });
    group.finish();

    let mut group = c.benchmark_group("semaphore_acquire");
    group.bench_function("greensem", |b| {
        b.iter(|| drop(poll_ready(black_box(&ours).acquire())));
    });
    group.bench_function("async-lock", |b| {
        b.iter(|| drop(poll_ready(black_box(&lock).acquire())));
    });
    group.bench_function("tokio", |b| {
        b.iter(|| drop(poll_ready(black_box(&tokio).acquire())));
    });
    group.finish();
}

/// `TASKS` tasks, each acquiring and releasing `ROUNDS` times on one thread.
fn contend<F: Future<Output = ()> + 'static>(task: impl Fn() -> F) {
    let executor = LocalExecutor::new();
    let tasks: Vec<_> = (0..TASKS).map(|_| executor.spawn(task())).collect();
    future::block_on(executor.run(async {
        for task in tasks {
            task.await;
        }
    }));
}

/// One contender: `TASKS` tasks each acquiring `ROUNDS` times from a
/// semaphore made by `$make`, optionally holding it across a yield.
macro_rules! contended {
    ($group:expr, $name:expr, $make:expr, $hold_across_yield:expr) => {
        $group.bench_function($name, |b| {
            b.iter(|| {
                let sem = Rc::new($make);
                contend(|| {
                    let sem = sem.clone();
                    async move {
                        for _ in 0..ROUNDS {
                            let permit = sem.acquire().await;
                            if $hold_across_yield {
                                future::yield_now().await;
                            }
                            drop(permit);
                        }
                    }
                });
            });
        });
    };
}

fn contended(c: &mut Criterion) {
    for hold in [false, true] {
        let name = if hold {
            "semaphore_contended_hold_across_yield"
        } else {
            "semaphore_contended"
        };
        let mut group = c.benchmark_group(name);
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(10))
            .throughput(criterion::Throughput::Elements((TASKS * ROUNDS) as u64));
        contended!(group, "greensem", greensem::Semaphore::new(PERMITS), hold);
        contended!(
            group,
            "async-lock",
            async_lock::Semaphore::new(PERMITS),
            hold
        );
        contended!(group, "tokio", tokio::sync::Semaphore::new(PERMITS), hold);
        group.finish();
    }
}

criterion_group!(benches, uncontended, contended);
criterion_main!(benches);
