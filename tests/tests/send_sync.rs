//! Every primitive, guard and future is `Send + Sync` when its items are, so
//! it crosses threads and executors. A compile-time check: a type that loses
//! an auto trait fails to build this file.

use std::sync::Arc;
use std::time::Duration;

fn send_sync<T: Send + Sync>(_: &T) {}

#[test]
fn primitives_guards_and_futures_are_send_and_sync() {
    let timeout = greentimeout::Timeout::new(None);
    send_sync(&timeout);
    send_sync(&timeout.scope(async {}));
    send_sync(&greentimeout::with_timeout(Duration::ZERO, async {}));
    send_sync(&greentimeout::with_timeout_or(
        Duration::ZERO,
        async { 1 },
        2,
    ));
    send_sync(&greentimeout::wrap_is_timeout("late"));

    let event = greenevent::Event::<String, String>::with_error_type();
    send_sync(&event);
    send_sync(&event.wait());
    send_sync(&event.wait_timeout(Duration::ZERO));

    let sem = Arc::new(greensem::Semaphore::new(2));
    send_sync(&*sem);
    send_sync(&sem.acquire());
    send_sync(&sem.acquire_timeout(Duration::ZERO));
    send_sync(&sem.acquire_arc());
    send_sync(&sem.acquire_arc_timeout(Duration::ZERO));
    send_sync(&sem.try_acquire().unwrap());
    send_sync(&sem.try_acquire_arc().unwrap());
    send_sync(&greensem::BoundedSemaphore::new(1));
    let capped = greensem::CappedSemaphore::new(1, 2).unwrap();
    send_sync(&capped);
    send_sync(&capped.acquire());
    send_sync(&capped.release());
    send_sync(&capped.acquire_timeout(Duration::ZERO));
    send_sync(&capped.release_timeout(Duration::ZERO));

    let queue = greenqueue::Queue::<String>::bounded(1);
    send_sync(&queue);
    send_sync(&queue.put(String::new()));
    send_sync(&queue.put_timeout(String::new(), Duration::ZERO));
    send_sync(&queue.get());
    send_sync(&queue.get_timeout(Duration::ZERO));
    send_sync(&queue.join());
    send_sync(&queue.join_timeout(Duration::ZERO));
    send_sync(&queue.stream());
    send_sync(&greenqueue::LightQueue::<String>::new());
    send_sync(&greenqueue::LifoQueue::<String>::new());
    send_sync(&greenqueue::PriorityQueue::<String>::new());
    send_sync(&greenqueue::Full(String::new()));

    let hub = greenhub::Hub::builder().build();
    send_sync(&hub);
    let thread = hub.spawn(async { String::from("done") });
    send_sync(&thread);
    send_sync(&thread.wait());
    send_sync(&thread.wait_timeout(Duration::ZERO));
    send_sync(&greenhub::sleep(Duration::ZERO));
    assert_eq!(thread.wait_blocking(), Ok(String::from("done")));
    send_sync(&hub.spawn(async { 1 }).join());

    // A pool on a Hub crosses threads; so do its spawns, streams and piles.
    let pool = greenpool::GreenPool::on(hub.clone(), 2);
    send_sync(&pool);
    send_sync(&pool.spawn(async { String::new() }));
    send_sync(&pool.spawn_timeout(Duration::ZERO, async { String::new() }));
    send_sync(&pool.spawn_n(async {}));
    send_sync(&pool.waitall());
    send_sync(&pool.waitall_timeout(Duration::ZERO));
    send_sync(&pool.imap(|n: u8| async move { n }, [1_u8]));
    let pile = greenpool::GreenPile::<String, _>::with_pool(pool.clone());
    send_sync(&pile);
    send_sync(&pile.spawn(async { String::new() }));
    send_sync(&greenpool::GreenPool::new(1));
    send_sync(&greenpool::PoolFull(String::new()));
}
