//! The primitives work the same on any executor: the same smoke scenario runs
//! under tokio's multi-thread runtime, smol, futures-executor's thread pool and
//! `block_on`, futures-lite's `block_on`, and plain OS threads (the blocking
//! faces).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use greenevent::Event;
use greenqueue::Queue;
use greensem::{CappedSemaphore, Semaphore};
use greentimeout::with_timeout;

/// Producers and consumers through a bounded queue, gated by a semaphore and
/// a start event, with timeouts on the way: run with `spawn` on some executor.
async fn scenario<S, F>(spawn: S) -> u64
where
    S: Fn(std::pin::Pin<Box<dyn Future<Output = u64> + Send>>) -> F,
    F: Future<Output = u64>,
{
    let queue = Arc::new(Queue::bounded(4));
    let start = Arc::new(Event::<()>::new());
    let gate = Arc::new(Semaphore::new(2));
    let capped = Arc::new(CappedSemaphore::new(0, 1).unwrap());
    let mut handles = Vec::new();
    for p in 0..3u64 {
        let (queue, start, gate) = (queue.clone(), start.clone(), gate.clone());
        handles.push(spawn(Box::pin(async move {
            start.wait().await.unwrap();
            for i in 0..100 {
                let _permit = gate.acquire().await;
                queue.put(p * 1000 + i).await;
            }
            0
        })));
    }
    let consumer = {
        let (queue, capped) = (queue.clone(), capped.clone());
        spawn(Box::pin(async move {
            let mut sum = 0;
            for _ in 0..300 {
                sum += queue.get().await;
                queue.task_done().unwrap();
            }
            capped.release().await;
            sum
        }))
    };
    assert!(
        with_timeout(Duration::from_millis(5), queue.get())
            .await
            .is_err()
    );
    start.send(()).unwrap();
    let mut total = 0;
    for handle in handles {
        total += handle.await;
    }
    total += consumer.await;
    queue.join().await;
    capped.acquire().await;
    total
}

/// Three producers put `p * 1000 + i` for `i` in 0..100.
const EXPECTED: u64 = 3 * (99 * 100 / 2) + 1000 * 100 + 2000 * 100;

#[test]
fn under_tokio_multi_thread() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let total = runtime.block_on(scenario(|future| {
        let handle = tokio::spawn(future);
        async move { handle.await.unwrap() }
    }));
    assert_eq!(total, EXPECTED);
}

#[test]
fn under_smol() {
    let total = eventlet_tests::on_executor(2, |ex| {
        let spawner = ex.clone();
        async move { scenario(move |future| spawner.spawn(future)).await }
    });
    assert_eq!(total, EXPECTED);
}

#[test]
fn under_greenhub_run_on_this_thread() {
    let total = greenhub::run(scenario(|future| {
        let thread = greenhub::spawn(future);
        async move { thread.wait().await.unwrap() }
    }));
    assert_eq!(total, EXPECTED);
}

#[test]
fn under_a_multi_threaded_hub_from_futures_lite_block_on() {
    let hub = greenhub::Hub::builder().threads(2).build();
    let total = futures_lite::future::block_on(scenario(|future| {
        let thread = hub.spawn(future);
        async move { thread.wait().await.unwrap() }
    }));
    assert_eq!(total, EXPECTED);
}

#[test]
fn under_futures_executor() {
    let pool = futures_executor::ThreadPool::builder()
        .pool_size(2)
        .create()
        .unwrap();
    // The pool hands back no handle: an Event carries each task's output.
    let total = futures_executor::block_on(scenario(|future| {
        let done = Arc::new(Event::<u64>::new());
        let sender = done.clone();
        pool.spawn_ok(async move { sender.send(future.await).unwrap() });
        async move { done.wait().await.unwrap() }
    }));
    assert_eq!(total, EXPECTED);
}

#[test]
fn under_plain_threads() {
    let queue = Arc::new(Queue::bounded(4));
    let start = Arc::new(Event::<()>::new());
    let gate = Arc::new(Semaphore::new(2));
    let producers: Vec<_> = (0..3u64)
        .map(|p| {
            let (queue, start, gate) = (queue.clone(), start.clone(), gate.clone());
            std::thread::spawn(move || {
                start.wait_blocking().unwrap();
                for i in 0..100 {
                    let _permit = gate.acquire_blocking();
                    queue.put_blocking(p * 1000 + i);
                }
            })
        })
        .collect();
    assert!(
        queue
            .get_blocking_timeout(Duration::from_millis(5))
            .is_err()
    );
    start.send(()).unwrap();
    let total: u64 = (0..300)
        .map(|_| {
            let item = queue.get_blocking();
            queue.task_done().unwrap();
            item
        })
        .sum();
    for producer in producers {
        producer.join().unwrap();
    }
    queue.join_blocking();
    assert_eq!(total, EXPECTED);
}

#[test]
fn a_get_in_a_tokio_select_loop_loses_nothing() {
    // As a tokio user writes it: one get future, pinned, raced in a
    // `select!` loop against a tick that often wins (each loss of the get
    // only borrows it), and replaced once it gives an item; items come from
    // OS threads through the blocking faces. Every item arrives once, each
    // producer's in order.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let queue = std::sync::Arc::new(greenqueue::LightQueue::bounded(4));
    let producers: Vec<_> = (0..2_u64)
        .map(|producer| {
            let queue = queue.clone();
            std::thread::spawn(move || {
                for i in 0..2000 {
                    queue.put_blocking(producer * 10_000 + i);
                    if i % 64 == 0 {
                        std::thread::sleep(std::time::Duration::from_micros(200));
                    }
                }
            })
        })
        .collect();
    let got = runtime.block_on(async {
        let mut got = Vec::new();
        let mut interval = tokio::time::interval(std::time::Duration::from_micros(50));
        let mut get = Box::pin(queue.get());
        while got.len() < 4000 {
            tokio::select! {
                biased;
                _ = interval.tick() => {}
                item = &mut get => {
                    got.push(item);
                    get.set(queue.get());
                }
            }
        }
        got
    });
    for producer in producers {
        producer.join().unwrap();
    }
    for producer in 0..2_u64 {
        let mine: Vec<_> = got
            .iter()
            .copied()
            .filter(|item| item / 10_000 == producer)
            .collect();
        assert_eq!(
            mine,
            (0..2000).map(|i| producer * 10_000 + i).collect::<Vec<_>>()
        );
    }
    assert_eq!(queue.len(), 0);
}
