//! greenpool: `GreenPool` and `GreenPile` (docs/semantics.md, Pools).

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::pin::{Pin, pin};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_lite::StreamExt;
use greenevent::Event;
use greenhub::{Hub, WaitError, sleep};
use greenpool::{GreenPile, GreenPool, PoolFull};

/// Lets every greenthread that is ready run once.
async fn yield_now() {
    sleep(Duration::ZERO).await;
}

/// Polls `future` once with a waker that does nothing.
fn poll_once<F: Future>(future: Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(std::task::Waker::noop()))
}

#[test]
fn spawn_waits_for_a_slot_and_spawners_are_served_in_arrival_order() {
    let order = Rc::new(RefCell::new(Vec::new()));
    greenhub::run(async {
        let pool = GreenPool::new(1);
        let gate = Rc::new(Event::<()>::new());
        let blocker = {
            let gate = gate.clone();
            pool.spawn(async move { gate.wait().await.unwrap() }).await
        };
        let spawners: Vec<_> = (0..3)
            .map(|n| {
                let (pool, order) = (pool.clone(), order.clone());
                greenhub::spawn(async move {
                    pool.spawn(async move { order.borrow_mut().push(n) }).await
                })
            })
            .collect();
        yield_now().await;
        assert_eq!(pool.waiting(), 3);
        assert_eq!(pool.running(), 1);
        gate.send(()).unwrap();
        blocker.wait().await.unwrap();
        for spawner in spawners {
            spawner.join().await.unwrap().wait().await.unwrap();
        }
        pool.waitall().await;
    });
    assert_eq!(*order.borrow(), vec![0, 1, 2]);
}

#[test]
fn never_more_than_size_run_at_once_on_a_multi_threaded_hub() {
    let hub = Hub::builder().threads(2).build();
    let pool = GreenPool::on(hub.clone(), 3);
    let (now, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let spawners: Vec<_> = (0..4)
        .map(|_| {
            let (pool, now, most) = (pool.clone(), now.clone(), most.clone());
            std::thread::spawn(move || {
                for _ in 0..200 {
                    let (now, most) = (now.clone(), most.clone());
                    pool.spawn_blocking(async move {
                        let running = now.fetch_add(1, SeqCst) + 1;
                        most.fetch_max(running, SeqCst);
                        greenhub::sleep(Duration::ZERO).await;
                        now.fetch_sub(1, SeqCst);
                    });
                }
            })
        })
        .collect();
    for spawner in spawners {
        spawner.join().unwrap();
    }
    pool.waitall_blocking();
    assert!(most.load(SeqCst) <= 3, "{} ran at once", most.load(SeqCst));
    assert!(most.load(SeqCst) >= 2, "the pool ran them one at a time");
    assert_eq!((pool.running(), pool.free()), (0, 3));
}

#[test]
fn a_panic_or_a_kill_frees_the_slot_and_reaches_wait() {
    greenhub::run(async {
        let pool = GreenPool::new(2);
        let panicked = pool.spawn(async { panic!("boom") }).await;
        let sleeper = pool.spawn(sleep(Duration::from_secs(60))).await;
        assert_eq!(pool.free(), 0);
        assert_eq!(
            panicked.wait().await,
            Err(WaitError::Panicked("boom".into()))
        );
        assert_eq!(pool.free(), 1, "the panic freed its slot");
        yield_now().await;
        sleeper.kill();
        assert_eq!(sleeper.wait().await, Err(WaitError::Killed));
        assert_eq!(pool.free(), 2, "the kill freed its slot");
        // Killed before it started: its slot comes back too.
        let never = pool.spawn(async { unreachable!() }).await;
        never.kill();
        assert_eq!((pool.free(), pool.running()), (2, 0));
        assert!(pool.try_waitall());
    });
}

#[test]
fn spawn_n_panics_are_reported_and_free_the_slot() {
    greenhub::run(async {
        let pool = GreenPool::new(1);
        pool.spawn_n(async { panic!("reported on stderr") }).await;
        pool.waitall().await;
        assert_eq!(pool.free(), 1);
    });
}

#[test]
fn a_dropped_waiting_spawn_takes_no_slot_and_starts_nothing() {
    let started = Rc::new(Cell::new(false));
    greenhub::run(async {
        let pool = GreenPool::new(1);
        let gate = Rc::new(Event::<()>::new());
        let blocker = {
            let gate = gate.clone();
            pool.spawn(async move { gate.wait().await.unwrap() }).await
        };
        {
            let started = started.clone();
            let mut waiting = pin!(pool.spawn(async move { started.set(true) }));
            assert!(poll_once(waiting.as_mut()).is_pending());
            assert_eq!(pool.waiting(), 1);
        } // dropped while it waits
        assert_eq!(pool.waiting(), 0);
        // The next spawner gets the slot the dropped one was in line for.
        let next = pool.spawn_timeout(Duration::from_secs(5), async { "next" });
        gate.send(()).unwrap();
        let next = next.await.unwrap_or_else(|_| panic!("the slot was leaked"));
        assert_eq!(next.wait().await, Ok("next"));
        blocker.wait().await.unwrap();
        pool.waitall().await;
        assert_eq!(pool.free(), 1);
    });
    assert!(!started.get(), "the dropped spawn's future never ran");
}

#[test]
fn timed_and_try_spawns_hand_the_future_back() {
    greenhub::run(async {
        let pool = GreenPool::new(1);
        let busy = pool.spawn(sleep(Duration::from_secs(60))).await;
        let PoolFull(future) = pool.try_spawn(async { 7 }).unwrap_err();
        assert_eq!(future.await, 7);
        let PoolFull(future) = pool
            .spawn_timeout(Duration::from_millis(5), async { 8 })
            .await
            .unwrap_err();
        assert_eq!(future.await, 8);
        assert_eq!(pool.waiting(), 0);
        busy.kill();
        pool.waitall().await;
    });
}

#[test]
fn waitall_waits_for_spawners_in_line_and_not_for_those_that_gave_up() {
    greenhub::run(async {
        let pool = GreenPool::new(1);
        let first = pool.spawn(sleep(Duration::from_millis(20))).await;
        let later = {
            let pool = pool.clone();
            greenhub::spawn(async move { pool.spawn(sleep(Duration::from_millis(20))).await })
        };
        let gives_up = {
            let pool = pool.clone();
            greenhub::spawn(async move {
                pool.spawn_timeout(Duration::from_millis(1), async {})
                    .await
                    .is_err()
            })
        };
        yield_now().await;
        assert_eq!(pool.waiting(), 2);
        pool.waitall().await;
        assert!(first.is_dead());
        assert!(
            later.wait().await.unwrap().is_dead(),
            "waitall waited for the spawner in line"
        );
        assert_eq!(gives_up.wait().await, Ok(true));
        assert_eq!((pool.running(), pool.waiting()), (0, 0));
    });
}

#[test]
fn waitall_wakes_when_the_last_spawner_in_line_gives_up() {
    greenhub::run(async {
        let pool = GreenPool::new(0); // no spawn ever gets a slot
        let gives_up = {
            let pool = pool.clone();
            greenhub::spawn(async move {
                pool.spawn_timeout(Duration::from_millis(5), async {})
                    .await
                    .is_err()
            })
        };
        yield_now().await;
        assert!(!pool.try_waitall());
        assert!(pool.waitall_timeout(Duration::from_secs(5)).await);
        assert_eq!(gives_up.wait().await, Ok(true));
    });
}

#[test]
fn waitall_from_the_pools_own_greenthread_is_a_clear_panic() {
    greenhub::run(async {
        let pool = GreenPool::new(2);
        let inner = pool.clone();
        // The never-waits face only looks: itself running, the pool is busy.
        let thread = pool.spawn(async move { inner.try_waitall() }).await;
        assert_eq!(thread.wait().await, Ok(false));
        let inner = pool.clone();
        let thread = pool.spawn(async move { inner.waitall().await }).await;
        match thread.wait().await {
            Err(WaitError::Panicked(message)) => assert!(message.contains("wait for itself")),
            other => panic!("expected the panic, got {other:?}"),
        }
    });
}

#[test]
fn the_pools_own_greenthread_runs_inline_when_the_pool_is_full() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let finished = greenhub::run(greentimeout::with_timeout(Duration::from_secs(10), async {
        let pool = GreenPool::new(1);
        let (inner, log2) = (pool.clone(), log.clone());
        let outer = pool
            .spawn(async move {
                let me = greenhub::current();
                let (log3, log4) = (log2.clone(), log2.clone());
                let child = inner
                    .spawn(async move {
                        // Inline: the same greenthread, before the spawn returns.
                        log3.borrow_mut()
                            .push(format!("child in {:?}", greenhub::current() == me));
                        5
                    })
                    .await;
                log4.borrow_mut().push("spawn returned".to_string());
                assert!(child.is_dead());
                child.wait().await.unwrap()
            })
            .await;
        assert_eq!(outer.wait().await, Ok(5));
    }));
    assert!(
        finished.is_ok(),
        "a spawn into the full pool waited for a slot it holds"
    );
    assert_eq!(*log.borrow(), ["child in true", "spawn returned"]);
}

#[test]
fn a_greenthread_of_another_pool_or_none_waits_instead_of_running_inline() {
    greenhub::run(async {
        let (pool, other) = (GreenPool::new(1), GreenPool::new(1));
        let gate = Rc::new(Event::<()>::new());
        let holder = {
            let gate = gate.clone();
            pool.spawn(async move { gate.wait().await.unwrap() }).await
        };
        // A greenthread of `other` spawning into the full `pool` must wait.
        let inner = pool.clone();
        let outsider = other
            .spawn(async move { inner.spawn(async { greenhub::current() }).await })
            .await;
        yield_now().await;
        assert_eq!(pool.waiting(), 1, "it waits in line, it did not run inline");
        // So must a plain greenthread that a pool member spawned (eventlet
        // checks the current greenthread, not its parent).
        gate.send(()).unwrap();
        holder.wait().await.unwrap();
        let child = outsider.join().await.unwrap();
        assert!(
            child.wait().await.unwrap().is_some(),
            "it ran as a greenthread of its own"
        );
        pool.waitall().await;
        other.waitall().await;
    });
}

#[test]
fn a_recursive_crawler_finishes_with_a_pool_of_one() {
    // eventlet's examples/recursive_crawler.py shape: every page spawns a
    // fetch of each link into the same pool, which is always full.
    fn links(page: u32) -> Vec<u32> {
        if page < 40 {
            vec![page * 2 + 1, page * 2 + 2]
        } else {
            Vec::new()
        }
    }
    fn crawl(
        pool: GreenPool,
        seen: Rc<RefCell<BTreeSet<u32>>>,
        page: u32,
    ) -> Pin<Box<dyn Future<Output = ()>>> {
        Box::pin(async move {
            sleep(Duration::ZERO).await; // the fetch
            for link in links(page) {
                if seen.borrow_mut().insert(link) {
                    pool.spawn_n(crawl(pool.clone(), seen.clone(), link)).await;
                }
            }
        })
    }
    let seen = Rc::new(RefCell::new(BTreeSet::from([0])));
    let crawled = greenhub::run(greentimeout::with_timeout(Duration::from_secs(10), async {
        let pool = GreenPool::new(1);
        pool.spawn_n(crawl(pool.clone(), seen.clone(), 0)).await;
        pool.waitall().await;
    }));
    assert!(
        crawled.is_ok(),
        "the crawl never finished: a full pool deadlocked"
    );
    assert_eq!(seen.borrow().len(), 81);
}

#[test]
fn resize_up_lets_waiting_spawners_through_and_down_lets_running_ones_finish() {
    greenhub::run(async {
        let pool = GreenPool::new(1);
        let gate = Rc::new(Event::<()>::new());
        let hold = |gate: Rc<Event<()>>| async move { gate.wait().await.unwrap() };
        let _first = pool.spawn(hold(gate.clone())).await;
        let spawners: Vec<_> = (0..2)
            .map(|_| {
                let (pool, gate) = (pool.clone(), gate.clone());
                greenhub::spawn(async move { pool.spawn(hold(gate)).await })
            })
            .collect();
        yield_now().await;
        assert_eq!(pool.waiting(), 2);
        pool.resize(3);
        for spawner in spawners {
            spawner.join().await.unwrap();
        }
        assert_eq!((pool.running(), pool.waiting(), pool.free()), (3, 0, 0));
        // Shrink below what runs: they all finish, and free() owes the rest.
        pool.resize(1);
        assert_eq!(pool.free(), -2);
        assert_eq!(pool.running(), 3);
        let waiter = {
            let pool = pool.clone();
            greenhub::spawn(async move { pool.spawn(async { "after the shrink" }).await })
        };
        yield_now().await;
        assert_eq!(pool.waiting(), 1);
        gate.send(()).unwrap();
        let later = waiter.join().await.unwrap();
        assert_eq!(later.wait().await, Ok("after the shrink"));
        pool.waitall().await;
        assert_eq!((pool.free(), pool.size()), (1, 1));
    });
}

#[test]
fn resize_down_then_up_pays_the_debt_first() {
    greenhub::run(async {
        let pool = GreenPool::new(2);
        let (a, b) = (
            pool.spawn(sleep(Duration::from_secs(60))).await,
            pool.spawn(sleep(Duration::from_secs(60))).await,
        );
        pool.resize(0);
        assert_eq!(pool.free(), -2);
        pool.resize(1);
        assert_eq!(pool.free(), -1);
        a.kill();
        b.kill();
        pool.waitall().await;
        assert_eq!(pool.free(), 1);
    });
}

#[test]
fn imap_gives_results_in_input_order_with_at_most_size_in_flight() {
    let most = Rc::new(Cell::new(0));
    let now = Rc::new(Cell::new(0));
    let results: Vec<u64> = greenhub::run(async {
        let pool = GreenPool::new(4);
        let (now, most) = (now.clone(), most.clone());
        pool.imap(
            move |n: u64| {
                let (now, most) = (now.clone(), most.clone());
                async move {
                    now.set(now.get() + 1);
                    most.set(most.get().max(now.get()));
                    // Later items finish first.
                    sleep(Duration::from_micros(50 * (20 - n))).await;
                    now.set(now.get() - 1);
                    n * 10
                }
            },
            0..20,
        )
        .map(Result::unwrap)
        .collect()
        .await
    });
    assert_eq!(results, (0..20).map(|n| n * 10).collect::<Vec<_>>());
    assert!(most.get() <= 4, "{} in flight", most.get());
    assert!(most.get() >= 2, "imap ran one at a time");
}

#[test]
fn imap_takes_items_lazily_and_reports_a_panicking_item_in_place() {
    let taken = Rc::new(Cell::new(0));
    greenhub::run(async {
        let pool = GreenPool::new(2);
        let counted = {
            let taken = taken.clone();
            (0..1_000_000_u32).inspect(move |_| taken.set(taken.get() + 1))
        };
        let mut results = pool.imap(
            |n| async move {
                assert!(n != 1, "item one fails");
                n
            },
            counted,
        );
        assert_eq!(results.next().await, Some(Ok(0)));
        assert_eq!(
            results.next().await,
            Some(Err(WaitError::Panicked("item one fails".into())))
        );
        assert_eq!(results.next().await, Some(Ok(2)));
        assert!(
            taken.get() <= 6,
            "{} items taken for 3 results",
            taken.get()
        );
        drop(results);
        pool.waitall().await;
    });
}

#[test]
fn imap_from_the_pools_own_greenthread_never_waits_for_its_slots() {
    let finished = greenhub::run(greentimeout::with_timeout(Duration::from_secs(10), async {
        let pool = GreenPool::new(1);
        let inner = pool.clone();
        let outer = pool
            .spawn(async move {
                inner
                    .imap(|n: u8| async move { n + 1 }, [1, 2, 3])
                    .map(Result::unwrap)
                    .collect::<Vec<_>>()
                    .await
            })
            .await;
        assert_eq!(outer.join().await, Ok(vec![2, 3, 4]));
    }));
    assert!(
        finished.is_ok(),
        "the map waited for the pool's one slot, which its caller holds"
    );
}

#[test]
fn imap_takes_none_of_its_pools_slots() {
    // eventlet gives a map "a whole new pool with the same size".
    greenhub::run(async {
        let pool = GreenPool::new(1);
        let gate = Rc::new(Event::<()>::new());
        let mut results = {
            let gate = gate.clone();
            pool.imap(
                move |n: u8| {
                    let gate = gate.clone();
                    async move {
                        gate.wait().await.unwrap();
                        n
                    }
                },
                [1, 2],
            )
        };
        // Its first item is under way, waiting at the gate.
        let early = greentimeout::with_timeout(Duration::from_millis(1), results.next()).await;
        assert!(early.is_err(), "the gate is shut");
        assert_eq!((pool.running(), pool.free()), (0, 1));
        let other = pool
            .try_spawn(async { 7 })
            .expect("the pool's slot is free");
        assert_eq!(other.wait().await, Ok(7));
        gate.send(()).unwrap();
        assert_eq!(results.next().await, Some(Ok(1)));
        assert_eq!(results.next().await, Some(Ok(2)));
        assert_eq!(results.next().await, None);
    });
}

#[test]
fn imap_items_start_and_run_while_the_consumer_is_away() {
    // As eventlet's map greenthread: the first `size` items run to their
    // end before the consumer asks for anything, and no more start.
    let finished = Rc::new(Cell::new(0));
    greenhub::run(async {
        let pool = GreenPool::new(3);
        let counted = finished.clone();
        let results = pool.imap(
            move |n: u32| {
                let counted = counted.clone();
                async move {
                    sleep(Duration::from_millis(1)).await;
                    counted.set(counted.get() + 1);
                    n
                }
            },
            0..10,
        );
        sleep(Duration::from_millis(30)).await;
        assert_eq!(finished.get(), 3, "items ran while nobody polled the map");
        let all: Vec<_> = results.map(Result::unwrap).collect().await;
        assert_eq!(all, (0..10).collect::<Vec<_>>());
    });
    assert_eq!(finished.get(), 10);
}

#[test]
fn imap_reports_a_panic_of_f_in_place_and_of_the_iterator_at_the_end() {
    let results: Vec<_> = greenhub::run(async {
        let pool = GreenPool::new(2);
        let items = (0..5_u32).inspect(|&n| assert!(n != 3, "no item three"));
        pool.imap(
            |n: u32| {
                assert!(n != 1, "f refuses one");
                async move { n }
            },
            items,
        )
        .collect()
        .await
    });
    assert_eq!(
        results,
        [
            Ok(0),
            Err(WaitError::Panicked("f refuses one".into())),
            Ok(2),
            Err(WaitError::Panicked("no item three".into())),
        ]
    );
}

#[test]
fn a_dropped_imap_lets_started_items_finish_and_starts_no_more() {
    let (started, finished) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
    greenhub::run(async {
        let pool = GreenPool::new(2);
        let results = {
            let (started, finished) = (started.clone(), finished.clone());
            pool.imap(
                move |n: u32| {
                    started.set(started.get() + 1);
                    let finished = finished.clone();
                    async move {
                        sleep(Duration::from_millis(2)).await;
                        finished.set(finished.get() + 1);
                        n
                    }
                },
                0..100,
            )
        };
        yield_now().await;
        assert_eq!((started.get(), finished.get()), (2, 0));
        drop(results);
        sleep(Duration::from_millis(30)).await;
    });
    assert_eq!((started.get(), finished.get()), (2, 2));
}

#[test]
fn an_imap_item_that_yields_in_a_loop_lets_other_greenthreads_run() {
    // The item waits for a flag another greenthread sets, yielding between
    // looks: the map's greenthread must yield with it, not poll it again
    // at once forever.
    let set = Rc::new(Cell::new(false));
    let looks: Vec<_> = greenhub::run(async {
        let pool = GreenPool::new(2);
        let results = {
            let set = set.clone();
            pool.imap(
                move |()| {
                    let set = set.clone();
                    async move {
                        let mut looks = 0_u32;
                        while !set.get() {
                            looks += 1;
                            futures_lite::future::yield_now().await;
                        }
                        looks
                    }
                },
                [()],
            )
        };
        let setter = set.clone();
        greenhub::spawn(async move { setter.set(true) });
        results.map(Result::unwrap).collect().await
    });
    assert!(set.get());
    assert_eq!(looks.len(), 1);
}

#[test]
fn an_imap_next_given_up_loses_no_result() {
    greenhub::run(async {
        let pool = GreenPool::new(2);
        let mut results = pool.imap(
            |n: u64| async move {
                sleep(Duration::from_millis(5 * (n + 1))).await;
                n
            },
            0..3,
        );
        let gave_up = greentimeout::with_timeout(Duration::from_millis(1), results.next()).await;
        assert!(gave_up.is_err(), "the first result came too soon");
        let all: Vec<_> = results.map(Result::unwrap).collect().await;
        assert_eq!(all, [0, 1, 2]);
    });
}

#[test]
fn an_imap_on_a_multi_threaded_hub_is_read_from_an_os_thread() {
    let hub = Hub::builder().threads(2).build();
    let pool = GreenPool::on(hub, 4);
    let results = pool.imap(
        |n: u64| async move {
            sleep(Duration::from_micros(100 * (20 - n))).await;
            n * n
        },
        0..20,
    );
    let squares: Vec<_> =
        futures_lite::future::block_on(results.map(Result::unwrap).collect::<Vec<_>>());
    assert_eq!(squares, (0..20).map(|n| n * n).collect::<Vec<_>>());
}

#[test]
fn an_imap_whose_hub_stops_gives_killed_for_what_never_finished() {
    let hub = Hub::builder().threads(1).build();
    let pool = GreenPool::on(hub.clone(), 2);
    let started = Arc::new(AtomicUsize::new(0));
    let results = {
        let started = started.clone();
        pool.imap(
            move |n: u32| {
                started.fetch_add(1, SeqCst);
                async move {
                    sleep(Duration::from_secs(60)).await;
                    n
                }
            },
            0..10,
        )
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while started.load(SeqCst) < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the map never started"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
    drop((pool, hub)); // the last handles: the hub stops, its tasks are dropped
    let rest = futures_lite::future::block_on(greentimeout::with_timeout(
        Duration::from_secs(10),
        results.collect::<Vec<_>>(),
    ));
    assert_eq!(
        rest,
        Ok(vec![Err(WaitError::Killed), Err(WaitError::Killed)])
    );
}

#[test]
fn starmap_spreads_tuples() {
    let out: Vec<String> = greenhub::run(async {
        GreenPool::new(2)
            .starmap(
                |word: &'static str, times: usize, end: char| async move {
                    format!("{}{end}", word.repeat(times))
                },
                [("ab", 2, '!'), ("c", 3, '?')],
            )
            .map(Result::unwrap)
            .collect()
            .await
    });
    assert_eq!(out, ["abab!", "ccc?"]);
}

#[test]
fn a_pile_gives_results_in_spawn_order_and_ends_when_all_are_taken() {
    greenhub::run(async {
        let mut pile = GreenPile::new(3);
        for n in 0..6_u64 {
            pile.spawn(async move {
                sleep(Duration::from_micros(100 * (6 - n))).await;
                n
            })
            .await;
        }
        assert_eq!(pile.len(), 6);
        let taken: Vec<_> = (&mut pile).map(Result::unwrap).collect().await;
        assert_eq!(taken, [0, 1, 2, 3, 4, 5]);
        assert_eq!(pile.next().await, None);
        pile.spawn(async { 9 }).await;
        assert_eq!(pile.next().await, Some(Ok(9)));
    });
}

#[test]
fn piles_sharing_a_pool_are_bounded_together() {
    greenhub::run(async {
        let pool = GreenPool::new(2);
        let (a, b) = (
            GreenPile::with_pool(pool.clone()),
            GreenPile::with_pool(pool.clone()),
        );
        a.spawn(sleep(Duration::from_secs(60))).await;
        b.spawn(sleep(Duration::from_secs(60))).await;
        assert_eq!(pool.free(), 0);
        assert!(
            futures_lite::future::poll_once(pin!(a.spawn(async {})))
                .await
                .is_none(),
            "the third spawn waits for a slot"
        );
    });
}

#[test]
fn a_pile_on_a_multi_threaded_hub_is_read_from_an_os_thread() {
    let hub = Hub::builder().threads(2).build();
    let pool = GreenPool::on(hub.clone(), 4);
    let mut pile = hub.run(async move {
        let pile = GreenPile::with_pool(pool);
        for n in 0..8_u32 {
            pile.spawn(async move { n * n }).await;
        }
        pile
    });
    let taken: Vec<_> = std::iter::from_fn(|| pile.next_blocking())
        .map(Result::unwrap)
        .collect();
    assert_eq!(taken, [0, 1, 4, 9, 16, 25, 36, 49]);
}

#[test]
fn a_pool_on_a_thread_hub_shares_rc_state_and_returns_non_send_values() {
    let shared = Rc::new(RefCell::new(HashMap::new()));
    greenhub::run(async {
        let pool = GreenPool::new(3);
        let mut outputs = Vec::new();
        for n in 0..5 {
            let shared = shared.clone();
            outputs.push(
                pool.spawn(async move {
                    shared.borrow_mut().insert(n, n * 2);
                    Rc::new(n)
                })
                .await,
            );
        }
        for (n, output) in outputs.into_iter().enumerate() {
            assert_eq!(*output.join().await.unwrap(), n);
        }
    });
    assert_eq!(shared.borrow().len(), 5);
}

#[path = "../../crates/eventlet/examples/originals/fakeweb.rs"]
mod fakeweb;

#[test]
fn eventlets_recursive_crawler_with_a_pool_of_one_fetches_in_eventlets_order() {
    // examples/recursive_crawler.rs with GreenPool(1) instead of the
    // default. eventlet 0.41.3 runs originals/recursive_crawler.py with
    // GreenPool(1) to the end, fetching in this order: every spawn from
    // the one pooled greenthread runs inline, depth first.
    type Seen = Rc<RefCell<BTreeSet<String>>>;
    fn fetch(
        url: String,
        seen: Seen,
        pool: GreenPool,
        log: Rc<RefCell<Vec<String>>>,
    ) -> Pin<Box<dyn Future<Output = ()>>> {
        Box::pin(async move {
            log.borrow_mut().push(url.clone());
            let data = String::from_utf8(fakeweb::urlopen(&url).await.read()).unwrap();
            for new_url in fakeweb::find_urls(&data) {
                if !seen.borrow().contains(new_url) && new_url.contains("eventlet.net") {
                    seen.borrow_mut().insert(new_url.to_string());
                    let next = fetch(new_url.to_string(), seen.clone(), pool.clone(), log.clone());
                    pool.spawn_n(next).await;
                }
            }
        })
    }
    let log = Rc::new(RefCell::new(Vec::new()));
    let crawled = greenhub::run(greentimeout::with_timeout(Duration::from_secs(10), async {
        let pool = GreenPool::new(1);
        let start = "http://eventlet.net".to_string();
        fetch(start, Seen::default(), pool.clone(), log.clone()).await;
        pool.waitall().await;
    }));
    assert!(
        crawled.is_ok(),
        "the crawl never finished: a full pool deadlocked"
    );
    assert_eq!(
        *log.borrow(),
        [
            "http://eventlet.net",
            "http://eventlet.net/doc/",
            "http://eventlet.net/doc/modules/",
            "http://eventlet.net/doc/modules/greenpool/",
            "http://eventlet.net/about/",
        ]
    );
}

#[test]
fn blocking_faces_of_a_pool_on_this_thread_drive_its_hub() {
    // Outside `run`, this thread's greenthreads run only while something
    // drives its hub: a blocking spawn or waitall that merely blocked would
    // wait forever for a slot or an end that needs them. Run on a thread of
    // its own, so that a hang fails the test instead.
    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let pool = GreenPool::new(1);
        let first = pool.spawn_blocking(sleep(Duration::from_millis(5)));
        let second = pool.spawn_blocking(async { 2 }); // waits for `first`
        assert!(first.is_dead());
        assert!(pool.waitall_blocking_timeout(Duration::from_secs(5)));
        assert_eq!(second.try_wait(), Some(Ok(2)));
        let third = pool.spawn_blocking_timeout(Duration::from_secs(5), async { 3 });
        pool.waitall_blocking();
        done.send(third.unwrap().try_wait()).unwrap();
    });
    assert_eq!(
        finished.recv_timeout(Duration::from_secs(10)),
        Ok(Some(Ok(3))),
        "a blocking face waited without driving the hub"
    );
}

#[test]
fn an_inline_spawn_n_that_panics_lets_its_caller_carry_on() {
    greenhub::run(async {
        let pool = GreenPool::new(1);
        let inner = pool.clone();
        let caller = pool
            .spawn(async move {
                inner.spawn_n(async { panic!("inline boom") }).await;
                "carried on"
            })
            .await;
        assert_eq!(caller.wait().await, Ok("carried on"));
        assert_eq!(pool.free(), 1);
    });
}
