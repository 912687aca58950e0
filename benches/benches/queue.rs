//! greenqueue against kanal, flume, async-channel and async-priority-channel,
//! on the same run. Each iteration moves `ITEMS` items; divide by it for
//! ns per item.
//!
//! Goals: `LightQueue` at or below kanal per item (never above flume), `Queue`
//! within 1.2x of `LightQueue`, ping-pong at or below kanal's round trip,
//! `PriorityQueue` <= 0.5x async-priority-channel.

use std::future::Future;
use std::hint::black_box;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use async_executor::{Executor, LocalExecutor};
use criterion::{
    BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime,
};
use futures_lite::future;
use greenqueue::{LifoQueue, LightQueue, PriorityQueue, Queue};

const ITEMS: u64 = 1 << 20;
const CAPACITY: usize = 1024;
const ROUND_TRIPS: u64 = 1 << 16;

/// Runs a producer and a consumer to completion on one thread.
fn on_one_thread(producer: impl Future<Output = ()>, consumer: impl Future<Output = ()>) {
    let executor = LocalExecutor::new();
    let producer = executor.spawn(producer);
    let consumer = executor.spawn(consumer);
    future::block_on(executor.run(async {
        producer.await;
        consumer.await;
    }));
}

/// Runs 4 producers and 4 consumers to completion on a 2-thread executor.
fn on_two_threads<P, C>(producer: impl Fn() -> P, consumer: impl Fn() -> C)
where
    P: Future<Output = ()> + Send + 'static,
    C: Future<Output = ()> + Send + 'static,
{
    let executor = Arc::new(Executor::new());
    let tasks: Vec<_> = (0..4)
        .flat_map(|_| [executor.spawn(producer()), executor.spawn(consumer())])
        .collect();
    let (stop, stopped) = async_channel::bounded::<()>(1);
    std::thread::scope(|s| {
        let runner = executor.clone();
        s.spawn(move || future::block_on(runner.run(stopped.recv())));
        future::block_on(executor.run(async {
            for task in tasks {
                task.await;
            }
        }));
        drop(stop);
    });
}

fn bench_group<'c>(c: &'c mut Criterion, name: &str, items: u64) -> BenchmarkGroup<'c, WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Elements(items));
    group
}

/// One SPSC contender: a channel made by `$make` into `($tx, $rx)`, items sent
/// with `$send` and received with `$recv`.
macro_rules! spsc {
    ($group:expr, $name:expr, $make:expr, |$tx:ident, $item:ident| $send:expr, |$rx:ident| $recv:expr) => {
        $group.bench_function($name, |b| {
            b.iter(|| {
                let ($tx, $rx) = $make;
                on_one_thread(
                    async move {
                        for $item in 0..ITEMS {
                            $send;
                        }
                    },
                    async move {
                        for _ in 0..ITEMS {
                            black_box($recv);
                        }
                    },
                );
            });
        });
    };
}

fn shared<T>(queue: T) -> (Rc<T>, Rc<T>) {
    let queue = Rc::new(queue);
    (queue.clone(), queue)
}

/// The five contenders of a workload, each run through the shape macro
/// `$shape`: ours shared through `$pair`, the peers' channels as they come.
/// Listed once, so that every workload measures the same set.
macro_rules! contenders {
    ($shape:ident, $group:expr, $pair:ident, bounded($capacity:expr)) => {
        contenders!(@each $shape, $group,
            $pair(LightQueue::bounded($capacity)), $pair(Queue::bounded($capacity)),
            kanal::bounded_async($capacity), flume::bounded($capacity), async_channel::bounded($capacity));
    };
    ($shape:ident, $group:expr, $pair:ident, unbounded) => {
        contenders!(@each $shape, $group,
            $pair(LightQueue::new()), $pair(Queue::new()),
            kanal::unbounded_async(), flume::unbounded(), async_channel::unbounded());
    };
    (@each $shape:ident, $group:expr, $light:expr, $queue:expr, $kanal:expr, $flume:expr, $async_channel:expr) => {
        $shape!($group, "greenqueue::LightQueue", $light, |tx, i| tx.put(i).await, |rx| rx.get().await);
        $shape!($group, "greenqueue::Queue", $queue, |tx, i| tx.put(i).await, |rx| rx.get().await);
        $shape!($group, "kanal", $kanal, |tx, i| tx.send(i).await.unwrap(), |rx| rx.recv().await.unwrap());
        $shape!($group, "flume", $flume, |tx, i| tx.send_async(i).await.unwrap(), |rx| rx.recv_async().await.unwrap());
        $shape!($group, "async-channel", $async_channel, |tx, i| tx.send(i).await.unwrap(), |rx| rx.recv().await.unwrap());
    };
}

fn spsc_bounded(c: &mut Criterion) {
    let mut group = bench_group(c, "queue_spsc_bounded_1024", ITEMS);
    contenders!(spsc, group, shared, bounded(CAPACITY));
    group.finish();
}

fn spsc_unbounded(c: &mut Criterion) {
    let mut group = bench_group(c, "queue_spsc_unbounded", ITEMS);
    contenders!(spsc, group, shared, unbounded);
    group.finish();
}

fn spsc_priority(c: &mut Criterion) {
    let mut group = bench_group(c, "queue_spsc_priority_bounded_1024", ITEMS);
    spsc!(
        group,
        "greenqueue::PriorityQueue",
        shared(PriorityQueue::bounded(CAPACITY)),
        |tx, i| tx.put(i).await,
        |rx| rx.get().await
    );
    spsc!(
        group,
        "async-priority-channel",
        async_priority_channel::bounded(CAPACITY as u64),
        |tx, i| tx.send(i, i).await.unwrap(),
        |rx| rx.recv().await.unwrap()
    );
    group.finish();
}

/// One MPMC contender: 4 producers and 4 consumers, each moving a quarter.
macro_rules! mpmc {
    ($group:expr, $name:expr, $make:expr, |$tx:ident, $item:ident| $send:expr, |$rx:ident| $recv:expr) => {
        $group.bench_function($name, |b| {
            b.iter(|| {
                let (tx, rx) = $make;
                on_two_threads(
                    || {
                        let $tx = tx.clone();
                        async move {
                            for $item in 0..ITEMS / 4 {
                                $send;
                            }
                        }
                    },
                    || {
                        let $rx = rx.clone();
                        async move {
                            for _ in 0..ITEMS / 4 {
                                black_box($recv);
                            }
                        }
                    },
                );
            });
        });
    };
}

fn arc_pair<T>(queue: T) -> (Arc<T>, Arc<T>) {
    let queue = Arc::new(queue);
    (queue.clone(), queue)
}

fn mpmc_bounded(c: &mut Criterion) {
    let mut group = bench_group(c, "queue_mpmc_4x4_bounded_1024", ITEMS);
    contenders!(mpmc, group, arc_pair, bounded(CAPACITY));
    group.finish();
}

/// One ping-pong contender: a value goes out on one bounded(1) channel and
/// comes back on another, `ROUND_TRIPS` times.
macro_rules! ping_pong {
    ($group:expr, $name:expr, $make:expr, |$tx:ident, $item:ident| $send:expr, |$rx:ident| $recv:expr) => {
        $group.bench_function($name, |b| {
            b.iter(|| {
                let (ping_tx, ping_rx) = $make;
                let (pong_tx, pong_rx) = $make;
                on_one_thread(
                    async move {
                        for n in 0..ROUND_TRIPS {
                            let ($tx, $item) = (&ping_tx, n);
                            $send;
                            let $rx = &pong_rx;
                            black_box($recv);
                        }
                    },
                    async move {
                        for _ in 0..ROUND_TRIPS {
                            let $rx = &ping_rx;
                            let $item = $recv;
                            let $tx = &pong_tx;
                            $send;
                        }
                    },
                );
            });
        });
    };
}

fn ping_pong(c: &mut Criterion) {
    let mut group = bench_group(c, "queue_ping_pong_bounded_1", ROUND_TRIPS);
    contenders!(ping_pong, group, shared, bounded(1));
    // The other disciplines' waiting paths: the same hand-off code, another
    // buffer (and the priority peer on the same shape).
    ping_pong!(
        group,
        "greenqueue::LifoQueue",
        shared(LifoQueue::bounded(1)),
        |tx, i| tx.put(i).await,
        |rx| rx.get().await
    );
    ping_pong!(
        group,
        "greenqueue::PriorityQueue",
        shared(PriorityQueue::bounded(1)),
        |tx, i| tx.put(i).await,
        |rx| rx.get().await
    );
    ping_pong!(
        group,
        "async-priority-channel",
        async_priority_channel::bounded(1),
        |tx, i| tx.send(i, i).await.unwrap(),
        |rx| rx.recv().await.unwrap()
    );
    group.finish();

    let mut group = bench_group(c, "queue_ping_pong_rendezvous", ROUND_TRIPS);
    ping_pong!(
        group,
        "greenqueue::LightQueue",
        shared(LightQueue::bounded(0)),
        |tx, i| tx.put(i).await,
        |rx| rx.get().await
    );
    ping_pong!(
        group,
        "kanal",
        kanal::bounded_async(0),
        |tx, i| tx.send(i).await.unwrap(),
        |rx| rx.recv().await.unwrap()
    );
    ping_pong!(
        group,
        "flume",
        flume::bounded(0),
        |tx, i| tx.send_async(i).await.unwrap(),
        |rx| rx.recv_async().await.unwrap()
    );
    group.finish();
}

criterion_group!(
    benches,
    spsc_bounded,
    spsc_unbounded,
    spsc_priority,
    mpmc_bounded,
    ping_pong
);
criterion_main!(benches);
