//! greenhub: the hub, `spawn`, `spawn_n`, `spawn_after`, `sleep`, `GreenThread`
//! (docs/semantics.md, Scheduling and Greenthreads).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use greenhub::{GreenThread, Hub, WaitError, sleep};

fn one_thread() -> Hub {
    Hub::builder().threads(1).build()
}

type Log = Arc<Mutex<Vec<String>>>;

fn log() -> Log {
    Arc::new(Mutex::new(Vec::new()))
}

fn note(log: &Log, entry: impl Into<String>) {
    log.lock().unwrap().push(entry.into());
}

fn entries(log: &Log) -> Vec<String> {
    log.lock().unwrap().clone()
}

#[test]
fn spawned_tasks_run_in_spawn_order() {
    let seen = log();
    greenhub::run({
        let seen = seen.clone();
        async move {
            let threads: Vec<_> = (0..5)
                .map(|i| {
                    let seen = seen.clone();
                    greenhub::spawn(async move { note(&seen, format!("task {i}")) })
                })
                .collect();
            for thread in threads {
                thread.wait().await.unwrap();
            }
        }
    });
    assert_eq!(
        entries(&seen),
        (0..5).map(|i| format!("task {i}")).collect::<Vec<_>>()
    );
}

#[test]
fn a_spawned_task_does_not_run_before_the_spawner_yields() {
    greenhub::run(async {
        let ran = Arc::new(AtomicBool::new(false));
        let thread = {
            let ran = ran.clone();
            greenhub::spawn(async move { ran.store(true, Ordering::SeqCst) })
        };
        // No await yet: on a one-thread hub the spawned task cannot have run.
        assert!(!ran.load(Ordering::SeqCst));
        sleep(Duration::ZERO).await;
        assert!(
            ran.load(Ordering::SeqCst),
            "sleep(0) runs every ready task first"
        );
        thread.wait().await.unwrap();
    });
}

#[test]
fn sleep_zero_round_robins() {
    let seen = log();
    greenhub::run({
        let seen = seen.clone();
        async move {
            let threads: Vec<_> = (0..3)
                .map(|i| {
                    let seen = seen.clone();
                    greenhub::spawn(async move {
                        for round in 0..3 {
                            note(&seen, format!("{i}.{round}"));
                            sleep(Duration::ZERO).await;
                        }
                    })
                })
                .collect();
            for thread in threads {
                thread.wait().await.unwrap();
            }
        }
    });
    let expected: Vec<_> = (0..3)
        .flat_map(|round| (0..3).map(move |i| format!("{i}.{round}")))
        .collect();
    assert_eq!(entries(&seen), expected);
}

#[test]
fn kill_before_start_means_it_never_runs() {
    greenhub::run(async {
        let ran = Arc::new(AtomicBool::new(false));
        let thread = {
            let ran = ran.clone();
            greenhub::spawn(async move { ran.store(true, Ordering::SeqCst) })
        };
        thread.kill();
        assert!(thread.is_dead(), "dead at once, as eventlet's");
        assert_eq!(thread.wait().await, Err(WaitError::Killed));
        sleep(Duration::from_millis(5)).await;
        assert!(!ran.load(Ordering::SeqCst));
    });
}

/// Sets its flag when dropped: shows a killed task's destructors ran.
struct SetOnDrop(Arc<AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[test]
fn kill_while_blocked_drops_the_task_at_its_await() {
    greenhub::run(async {
        let dropped = Arc::new(AtomicBool::new(false));
        let reached_end = Arc::new(AtomicBool::new(false));
        let thread = {
            let (dropped, reached_end) = (dropped.clone(), reached_end.clone());
            greenhub::spawn(async move {
                let _guard = SetOnDrop(dropped);
                sleep(Duration::from_secs(60)).await;
                reached_end.store(true, Ordering::SeqCst);
            })
        };
        sleep(Duration::ZERO).await; // it starts and blocks in its sleep
        assert!(!thread.is_dead());
        thread.kill();
        assert_eq!(thread.wait().await, Err(WaitError::Killed));
        assert!(dropped.load(Ordering::SeqCst), "the task's destructors ran");
        assert!(!reached_end.load(Ordering::SeqCst));
    });
}

#[test]
fn kill_while_blocked_on_a_primitive_loses_nothing() {
    greenhub::run(async {
        let queue = Arc::new(greenqueue::Queue::<u32>::new());
        let victim = {
            let queue = queue.clone();
            greenhub::spawn(async move { queue.get().await })
        };
        sleep(Duration::ZERO).await;
        assert_eq!(queue.getting(), 1);
        victim.kill();
        assert!(victim.wait().await.is_err());
        assert_eq!(queue.getting(), 0, "the killed getter left the line");
        queue.try_put(1).unwrap();
        assert_eq!(queue.try_get(), Ok(1), "the item was not swallowed");
    });
}

#[test]
fn dropping_the_hub_kills_its_unfinished_tasks() {
    let hub = one_thread();
    let started = hub.spawn(sleep(Duration::from_secs(60)));
    // On one thread this runs after `started`, which then waits in its sleep.
    hub.run(async {});
    let queued: Vec<_> = (0..3)
        .map(|_| hub.spawn(sleep(Duration::from_secs(60))))
        .collect();
    drop(hub);
    // Started or still queued, each ends as killed: no waiter hangs.
    for thread in queued.iter().chain([&started]) {
        assert_eq!(
            thread.wait_blocking_timeout(Duration::from_secs(10)),
            Some(Err(WaitError::Killed))
        );
    }
}

#[test]
fn try_wait_never_waits() {
    let hub = one_thread();
    let slow = hub.spawn(sleep(Duration::from_secs(60)));
    assert_eq!(slow.try_wait(), None);
    slow.kill();
    assert_eq!(slow.wait_blocking(), Err(WaitError::Killed));
    assert_eq!(slow.try_wait(), Some(Err(WaitError::Killed)));
}

#[test]
fn kill_after_finish_changes_nothing() {
    greenhub::run(async {
        let thread = greenhub::spawn(async { "done" });
        assert_eq!(thread.wait().await, Ok("done"));
        thread.kill();
        assert!(!thread.cancel());
        assert_eq!(thread.wait().await, Ok("done"));
    });
}

#[test]
fn spawn_after_runs_after_the_delay() {
    let hub = one_thread();
    let started = std::time::Instant::now();
    let thread = hub.spawn_after(Duration::from_millis(20), async { "late" });
    assert_eq!(thread.wait_blocking(), Ok("late"));
    assert!(started.elapsed() >= Duration::from_millis(20));
}

#[test]
fn spawn_after_cancelled_never_runs() {
    let hub = one_thread();
    let ran = Arc::new(AtomicBool::new(false));
    let thread = {
        let ran = ran.clone();
        hub.spawn_after(Duration::from_millis(10), async move {
            ran.store(true, Ordering::SeqCst);
        })
    };
    assert!(thread.cancel());
    assert_eq!(thread.wait_blocking(), Err(WaitError::Killed));
    thread::sleep(Duration::from_millis(30));
    assert!(!ran.load(Ordering::SeqCst));
}

#[test]
fn cancel_after_start_has_no_effect() {
    greenhub::run(async {
        let thread = greenhub::spawn(async {
            sleep(Duration::from_millis(10)).await;
            "finished"
        });
        sleep(Duration::ZERO).await;
        assert!(!thread.cancel());
        assert_eq!(thread.wait().await, Ok("finished"));
    });
}

#[test]
fn links_run_in_link_order_and_at_once_after_the_end() {
    let seen = log();
    let hub = one_thread();
    let thread = hub.spawn(async {
        sleep(Duration::from_millis(5)).await;
        7
    });
    for i in 0..3 {
        let seen = seen.clone();
        thread.link(move |ended: &GreenThread<i32>| {
            note(
                &seen,
                format!(
                    "link {i}: {:?}",
                    ended.wait_blocking_timeout(Duration::ZERO)
                ),
            );
        });
    }
    assert_eq!(thread.wait_blocking(), Ok(7));
    // Links run on the hub thread right after the result is out.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while entries(&seen).len() < 3 && std::time::Instant::now() < deadline {
        thread::yield_now();
    }
    assert_eq!(
        entries(&seen),
        (0..3)
            .map(|i| format!("link {i}: Some(Ok(7))"))
            .collect::<Vec<_>>()
    );
    let late = seen.clone();
    thread.link(move |_| note(&late, "late link"));
    assert_eq!(
        entries(&seen).last().map(String::as_str),
        Some("late link"),
        "ran at once"
    );
}

#[test]
fn link_from_inside_a_link_runs_once() {
    let calls = Arc::new(AtomicUsize::new(0));
    let hub = one_thread();
    let thread = hub.spawn(async { sleep(Duration::from_millis(5)).await });
    {
        let calls = calls.clone();
        thread.link(move |ended| {
            calls.fetch_add(1, Ordering::SeqCst);
            let calls = calls.clone();
            ended.link(move |_| {
                calls.fetch_add(1, Ordering::SeqCst);
            });
        });
    }
    thread.wait_blocking().unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while calls.load(Ordering::SeqCst) < 2 && std::time::Instant::now() < deadline {
        thread::yield_now();
    }
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
fn links_run_for_killed_tasks_too() {
    let hub = one_thread();
    let killed = Arc::new(AtomicBool::new(false));
    let thread = hub.spawn(sleep(Duration::from_secs(60)));
    {
        let killed = killed.clone();
        thread.link(move |ended| {
            killed.store(
                ended.wait_blocking() == Err(WaitError::Killed),
                Ordering::SeqCst,
            );
        });
    }
    thread.kill();
    assert!(thread.wait_blocking().unwrap_err().is_killed());
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !killed.load(Ordering::SeqCst) && std::time::Instant::now() < deadline {
        thread::yield_now();
    }
    assert!(killed.load(Ordering::SeqCst));
}

#[test]
fn a_panic_reaches_wait_and_the_hub_carries_on() {
    let hub = one_thread();
    let thread = hub.spawn(async {
        sleep(Duration::ZERO).await;
        panic!("task failed: {}", 42);
    });
    assert_eq!(
        thread.wait_blocking(),
        Err(WaitError::Panicked("task failed: 42".into()))
    );
    assert_eq!(
        WaitError::Panicked("x".into()).to_string(),
        "greenthread panicked: x"
    );
    assert_eq!(
        hub.spawn(async { "still running" }).wait_blocking(),
        Ok("still running")
    );
}

#[test]
fn a_panic_in_spawn_n_is_reported_and_the_hub_carries_on() {
    let hub = one_thread();
    hub.spawn_n(async { panic!("fire and forget") });
    assert_eq!(hub.spawn(async { 1 }).wait_blocking(), Ok(1));
    let (tx, rx) = std::sync::mpsc::channel();
    hub.spawn_n(async move { tx.send("after").unwrap() });
    assert_eq!(rx.recv_timeout(Duration::from_secs(5)), Ok("after"));
}

#[test]
fn run_gives_back_a_panic_of_the_main_greenthread() {
    let hub = one_thread();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        hub.run(async { panic!("main") })
    }));
    assert!(outcome.is_err());
    assert_eq!(hub.run(async { "usable after" }), "usable after");
}

#[test]
fn run_from_inside_the_same_hub_panics() {
    let hub = one_thread();
    let inner = hub.clone();
    let thread = hub.spawn(async move { inner.run(async {}) });
    let err = thread.wait_blocking().unwrap_err();
    assert!(
        matches!(&err, WaitError::Panicked(message) if message.contains("block the hub")),
        "{err}"
    );
}

fn spawn_and_wait_many(hub: &Hub, count: usize) {
    let total = hub.run(async move {
        let hub = Hub::current();
        let threads: Vec<_> = (0..count).map(|i| hub.spawn(async move { i })).collect();
        let mut total = 0;
        for thread in threads {
            total += thread.wait().await.unwrap();
        }
        total
    });
    assert_eq!(total, count * (count - 1) / 2);
}

#[test]
fn hundred_thousand_greenthreads_on_the_threads_own_hub() {
    let count: usize = 100_000;
    let total = greenhub::run(async {
        let threads: Vec<_> = (0..count)
            .map(|i| greenhub::spawn(async move { i }))
            .collect();
        let mut total = 0;
        for thread in threads {
            total += thread.wait().await.unwrap();
        }
        total
    });
    assert_eq!(total, count * (count - 1) / 2);
}

#[test]
fn hundred_thousand_tasks_on_one_thread() {
    spawn_and_wait_many(&one_thread(), 100_000);
}

#[test]
fn hundred_thousand_tasks_on_two_threads() {
    spawn_and_wait_many(&Hub::builder().threads(2).build(), 100_000);
}

#[test]
fn wait_blocking_from_an_os_thread_while_the_hub_runs_elsewhere() {
    let hub = Hub::builder().threads(2).build();
    let thread = hub.spawn(async {
        sleep(Duration::from_millis(10)).await;
        "from the hub"
    });
    let waiters: Vec<_> = (0..3)
        .map(|_| {
            let thread = thread.clone();
            thread::spawn(move || thread.wait_blocking())
        })
        .collect();
    for waiter in waiters {
        assert_eq!(waiter.join().unwrap(), Ok("from the hub"));
    }
}

#[test]
fn free_functions_use_the_calling_threads_own_hub() {
    // From a plain thread: this thread's hub, driven by the blocking wait.
    let here = thread::current().id();
    let ran_on = greenhub::spawn(async { thread::current().id() });
    assert_eq!(ran_on.wait_blocking(), Ok(here));
    // On a multi-threaded hub's thread the free spawn refuses, clearly: its
    // greenthreads would wait in a hub that thread never runs.
    let hub = Hub::builder().threads(1).build();
    let refused = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        hub.run(async { drop(greenhub::spawn(async {})) });
    }));
    let message = refused.unwrap_err();
    let message = message
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| message.downcast_ref::<&str>().copied())
        .unwrap_or_default();
    assert!(message.contains("Hub::current().spawn"), "{message}");
}

#[test]
fn wait_timeout_and_blocking_timeout() {
    let hub = one_thread();
    let slow = hub.spawn(sleep(Duration::from_secs(60)));
    assert_eq!(slow.wait_blocking_timeout(Duration::from_millis(5)), None);
    let probe = slow.clone();
    assert_eq!(
        hub.run(async move { probe.wait_timeout(Duration::from_millis(5)).await }),
        None
    );
    slow.kill();
    assert_eq!(
        slow.wait_blocking_timeout(Duration::from_secs(5)),
        Some(Err(WaitError::Killed))
    );
}

#[test]
fn a_tokio_program_runs_greenthreads_on_an_explicit_hub() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let hub = Hub::builder().threads(1).build();
    let out = runtime.block_on(async {
        let thread = hub.spawn(async {
            sleep(Duration::from_millis(1)).await;
            "from the hub"
        });
        thread.wait().await
    });
    assert_eq!(out, Ok("from the hub"));
    // A tokio blocking thread can run a hub of its own, too.
    let own = runtime.block_on(async {
        tokio::task::spawn_blocking(|| {
            greenhub::run(async { greenhub::spawn(async { 5 }).wait().await })
        })
        .await
        .unwrap()
    });
    assert_eq!(own, Ok(5));
}

/// Run by `global_hub_threads_come_from_the_environment` in a process of its
/// own, since the global hub starts once per process.
#[test]
#[ignore = "run in a child process by global_hub_threads_come_from_the_environment"]
fn global_hub_reports_its_thread_count() {
    let expected: usize = std::env::var("EXPECTED_HUB_THREADS")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(Hub::global().threads(), expected);
    assert_eq!(greenhub::run(async { 1 }), 1);
}

#[test]
fn global_hub_threads_come_from_the_environment() {
    for (setting, expected) in [(Some("3"), 3), (None, 1), (Some("not a number"), 1)] {
        let mut child = std::process::Command::new(std::env::current_exe().unwrap());
        child
            .args([
                "--exact",
                "global_hub_reports_its_thread_count",
                "--ignored",
            ])
            .env("EXPECTED_HUB_THREADS", expected.to_string());
        match setting {
            Some(value) => child.env("GREENHUB_THREADS", value),
            None => child.env_remove("GREENHUB_THREADS"),
        };
        let output = child.output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "GREENHUB_THREADS={setting:?}: {stdout}"
        );
        assert!(
            stdout.contains("1 passed"),
            "the child ran the check: {stdout}"
        );
    }
}

/// The shape of every kill-after-wake test: two greenthreads wait on the
/// same primitive; `give` hands one thing to the first; the first is killed
/// before it runs. The kill wins: the first reports `Killed`, and the second
/// gets what the first would have.
fn kill_after_wake_passes_it_on<T, W, G>(
    wait: W,
    give: G,
) -> (Result<T, WaitError>, Result<T, WaitError>)
where
    T: Clone + 'static,
    W: Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = T>>>,
    G: FnOnce(),
{
    greenhub::run(async move {
        let first = greenhub::spawn(wait());
        let second = greenhub::spawn(wait());
        sleep(Duration::ZERO).await; // both wait now
        give(); // wakes the first
        first.kill(); // before it runs
        let first = first.wait().await;
        let second = second.wait_timeout(Duration::from_secs(5)).await;
        (first, second.unwrap_or(Err(WaitError::Killed)))
    })
}

#[test]
fn kill_after_wake_on_a_queue_passes_the_item_on() {
    macro_rules! check {
        ($queue:expr) => {{
            let queue = Arc::new($queue);
            let (q1, q2) = (queue.clone(), queue.clone());
            let outcome = kill_after_wake_passes_it_on(
                move || {
                    let q = q1.clone();
                    Box::pin(async move { q.get().await })
                },
                move || q2.try_put(7).unwrap(),
            );
            assert_eq!(outcome, (Err(WaitError::Killed), Ok(7)));
            assert!(
                queue.try_get().is_err(),
                "the item went to the second getter"
            );
        }};
    }
    check!(greenqueue::Queue::<i32>::bounded(0));
    check!(greenqueue::Queue::<i32>::new());
    check!(greenqueue::LightQueue::<i32>::bounded(1));
    check!(greenqueue::LifoQueue::<i32>::new());
    check!(greenqueue::PriorityQueue::<i32>::new());
}

#[test]
fn kill_after_wake_on_a_semaphore_passes_the_permit_on() {
    let sem = Arc::new(greensem::Semaphore::new(0));
    let (s1, s2) = (sem.clone(), sem.clone());
    let outcome = kill_after_wake_passes_it_on(
        move || {
            let s = s1.clone();
            Box::pin(async move { s.acquire_arc().await.forget() })
        },
        move || s2.release(),
    );
    assert_eq!(outcome, (Err(WaitError::Killed), Ok(())));
    assert_eq!(sem.counter(), 0, "the second waiter holds the one permit");
}

#[test]
fn kill_after_wake_on_an_event_reports_the_kill() {
    let event = Arc::new(greenevent::Event::<u8>::new());
    let (e1, e2) = (event.clone(), event.clone());
    let outcome = kill_after_wake_passes_it_on(
        move || {
            let e = e1.clone();
            Box::pin(async move { e.wait().await.unwrap() })
        },
        move || e2.send(3).unwrap(),
    );
    assert_eq!(outcome, (Err(WaitError::Killed), Ok(3)));
}

// ------------------------------------------- the calling thread's own hub

#[test]
fn run_borrows_the_callers_locals() {
    let names = ["a".to_string(), "b".to_string()];
    let joined = greenhub::run(async { names.join("+") });
    assert_eq!(joined, "a+b");
    assert_eq!(names.len(), 2, "still ours");
}

#[test]
fn greenthreads_share_rc_refcell_state_and_return_non_sync_values() {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    let counter = Rc::new(RefCell::new(0));
    let outputs = greenhub::run(async {
        let threads: Vec<_> = (0..3)
            .map(|i| {
                let counter = counter.clone();
                greenhub::spawn(async move {
                    *counter.borrow_mut() += 1;
                    sleep(Duration::ZERO).await;
                    Rc::new(Cell::new(i)) // neither Send nor Sync
                })
            })
            .collect();
        let mut outputs = Vec::new();
        for thread in threads {
            outputs.push(thread.wait().await.unwrap().get());
        }
        outputs
    });
    assert_eq!(outputs, vec![0, 1, 2]);
    assert_eq!(*counter.borrow(), 3);
}

#[test]
fn nothing_runs_after_run_returns_until_the_next_run() {
    // eventlet: greenthreads run only while the main greenthread is blocked.
    // (The old hub ran them on a thread of its own, in parallel with main.)
    let steps = Arc::new(AtomicUsize::new(0));
    let thread = greenhub::run({
        let steps = steps.clone();
        async move {
            let thread = greenhub::spawn(async move {
                loop {
                    steps.fetch_add(1, Ordering::SeqCst);
                    sleep(Duration::from_millis(1)).await;
                }
            });
            sleep(Duration::from_millis(20)).await;
            thread
        }
    });
    let after_run = steps.load(Ordering::SeqCst);
    assert!(after_run > 0, "it ran while main slept");
    thread::sleep(Duration::from_millis(50));
    assert_eq!(
        steps.load(Ordering::SeqCst),
        after_run,
        "nothing ran outside run"
    );
    // The next run resumes it.
    greenhub::run(sleep(Duration::from_millis(20)));
    assert!(
        steps.load(Ordering::SeqCst) > after_run,
        "resumed by the next run"
    );
    thread.kill();
    greenhub::run(async { assert_eq!(thread.wait().await, Err(WaitError::Killed)) });
}

#[test]
fn a_greenthread_spawned_outside_run_waits_for_the_next_run() {
    let thread = greenhub::spawn(async { "ran" });
    thread::sleep(Duration::from_millis(10));
    assert_eq!(thread.try_wait(), None, "nothing runs it yet");
    assert_eq!(greenhub::run(async { thread.wait().await }), Ok("ran"));
}

#[test]
fn wait_blocking_on_the_greenthreads_own_thread_drives_its_hub() {
    let thread = greenhub::spawn(async {
        sleep(Duration::from_millis(2)).await;
        7
    });
    assert_eq!(thread.wait_blocking(), Ok(7));
    let slow = greenhub::spawn(sleep(Duration::from_secs(60)));
    assert_eq!(slow.wait_blocking_timeout(Duration::from_millis(5)), None);
    slow.kill();
}

#[test]
fn wait_blocking_inside_run_on_the_same_thread_is_a_clear_panic() {
    let refused = std::panic::catch_unwind(|| {
        greenhub::run(async {
            let thread = greenhub::spawn(async { 1 });
            thread.wait_blocking()
        })
    });
    let message = refused.unwrap_err();
    let message = message
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| message.downcast_ref::<String>().map(String::as_str))
        .unwrap_or_default();
    assert!(message.contains("await GreenThread::wait"), "{message}");
}

#[test]
fn greenthreads_of_an_exiting_thread_are_dropped_and_report_it() {
    let thread = thread::spawn(|| {
        let waiting = greenhub::spawn(sleep(Duration::from_secs(60)));
        greenhub::run(sleep(Duration::from_millis(1))); // it starts waiting
        let queued = greenhub::spawn(async { 1 }); // never runs
        (waiting, queued)
    });
    let (waiting, queued) = thread.join().unwrap();
    assert_eq!(waiting.try_wait(), Some(Err(WaitError::Killed)));
    assert_eq!(queued.try_wait(), Some(Err(WaitError::Killed)));
}

#[test]
fn current_names_the_running_greenthread_and_nothing_outside() {
    assert_eq!(greenhub::current(), None);
    greenhub::run(async {
        assert_eq!(
            greenhub::current(),
            None,
            "the main future is no greenthread"
        );
        let thread = greenhub::spawn(async {
            let before = greenhub::current();
            sleep(Duration::ZERO).await;
            (before, greenhub::current())
        });
        let id = thread.id();
        assert_eq!(thread.wait().await, Ok((Some(id), Some(id))));
    });
    let hub = one_thread();
    let on_hub = hub.spawn(async { greenhub::current() });
    assert_eq!(on_hub.wait_blocking(), Ok(Some(on_hub.id())));
}

#[test]
fn a_hub_per_thread_on_four_threads_at_once() {
    let results: Vec<_> = (0..4u64)
        .map(|n| {
            thread::spawn(move || {
                greenhub::run(async move {
                    let here = thread::current().id();
                    let threads: Vec<_> = (0..100u64)
                        .map(|i| {
                            greenhub::spawn(async move {
                                sleep(Duration::ZERO).await;
                                (thread::current().id(), i * n)
                            })
                        })
                        .collect();
                    let mut sum = 0;
                    for thread in threads {
                        let (ran_on, value) = thread.wait().await.unwrap();
                        assert_eq!(ran_on, here, "a greenthread runs on its spawner's thread");
                        sum += value;
                    }
                    sum
                })
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    assert_eq!(results, vec![0, 4950, 9900, 14850]);
}

#[test]
fn nested_run_from_a_greenthread_is_a_clear_panic() {
    let outcome = greenhub::run(async {
        let nested = greenhub::spawn(async { greenhub::run(async { 1 }) });
        nested.wait().await
    });
    match outcome {
        Err(WaitError::Panicked(message)) => {
            assert!(message.contains("inside greenhub::run"), "{message}");
        }
        other => panic!("expected the nested run to panic, got {other:?}"),
    }
}

#[test]
fn join_takes_an_output_that_is_neither_clone_nor_sync() {
    use std::cell::Cell;
    /// Neither Clone nor Sync: a connection, say.
    struct Connection(Cell<u8>);
    let (connection, other) = greenhub::run(async {
        let thread = greenhub::spawn(async { Connection(Cell::new(7)) });
        let other = thread.clone();
        (thread.join().await.unwrap(), other)
    });
    assert_eq!(connection.0.get(), 7);
    // Another handle's consuming wait finds it taken.
    assert!(matches!(other.join_blocking(), Err(WaitError::Taken)));
}

#[test]
fn a_clone_wait_after_a_join_reports_taken() {
    greenhub::run(async {
        let thread = greenhub::spawn(async { 5 });
        let other = thread.clone();
        assert_eq!(other.wait().await, Ok(5), "a shared wait clones");
        assert_eq!(thread.join().await, Ok(5), "the join takes it");
        assert_eq!(other.wait().await, Err(WaitError::Taken));
        assert_eq!(other.try_wait(), Some(Err(WaitError::Taken)));
    });
}

#[test]
fn join_reports_a_kill_and_a_panic() {
    greenhub::run(async {
        let killed = greenhub::spawn(sleep(Duration::from_secs(60)));
        sleep(Duration::ZERO).await;
        killed.kill();
        assert_eq!(killed.join().await, Err(WaitError::Killed));
        let panicked = greenhub::spawn(async { panic!("boom") as () });
        assert_eq!(
            panicked.join().await,
            Err(WaitError::Panicked("boom".into()))
        );
    });
}

#[test]
fn join_blocking_drives_this_threads_hub_and_waits_for_another_hub() {
    let here = greenhub::spawn(async { String::from("here") });
    assert_eq!(here.join_blocking(), Ok(String::from("here")));
    let hub = one_thread();
    let there = hub.spawn(async { String::from("there") });
    assert_eq!(there.join_blocking(), Ok(String::from("there")));
}

#[test]
fn waiters_that_time_out_leave_the_others_their_end() {
    // Waits of every face on one greenthread: some give up first (their
    // futures are dropped when the timeout passes), the rest, async and
    // blocking, all see the end.
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let gate = std::rc::Rc::new(greenevent::Event::<()>::new());
    greenhub::run(async {
        let opened = gate.clone();
        let slow = greenhub::spawn(async move {
            let _opened = opened.wait().await;
            "end"
        });
        let waiters: Vec<_> = (0..4)
            .map(|n| {
                let slow = slow.clone();
                greenhub::spawn(async move {
                    if n % 2 == 0 {
                        assert_eq!(slow.wait_timeout(Duration::ZERO).await, None);
                    }
                    slow.wait().await
                })
            })
            .collect();
        let other = slow.clone();
        let blocking = std::thread::spawn(move || {
            tx.send(()).unwrap();
            other.wait_blocking()
        });
        rx.recv().unwrap();
        greenhub::sleep(Duration::from_millis(5)).await;
        gate.send(()).unwrap();
        for waiter in waiters {
            assert_eq!(waiter.wait().await, Ok(Ok("end")));
        }
        assert_eq!(blocking.join().unwrap(), Ok("end"));
        assert_eq!(slow.wait_timeout(Duration::ZERO).await, Some(Ok("end")));
    });
}

#[test]
fn a_hub_kept_busy_by_yielding_greenthreads_still_fires_its_timers() {
    // Two greenthreads that only ever yield keep every round full: main's
    // timer must still fire, and the spinners must run meanwhile.
    let stop = std::rc::Rc::new(std::cell::Cell::new(false));
    greenhub::run(async {
        let spinners: Vec<_> = (0..2)
            .map(|_| {
                let stop = stop.clone();
                greenhub::spawn(async move {
                    let mut yields = 0_u64;
                    while !stop.get() {
                        greenhub::sleep(Duration::ZERO).await;
                        yields += 1;
                    }
                    yields
                })
            })
            .collect();
        let started = std::time::Instant::now();
        greenhub::sleep(Duration::from_millis(20)).await;
        assert!(started.elapsed() < Duration::from_secs(5));
        stop.set(true);
        for spinner in spinners {
            assert!(
                spinner.wait().await.unwrap() > 0,
                "the spinners ran meanwhile"
            );
        }
    });
}
