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
    let hub = one_thread();
    hub.run({
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
    let hub = one_thread();
    hub.run(async {
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
    let hub = one_thread();
    hub.run({
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
    let hub = one_thread();
    hub.run(async {
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
    let hub = one_thread();
    hub.run(async {
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
    let hub = one_thread();
    hub.run(async {
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
    let hub = one_thread();
    hub.run(async {
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
    let hub = one_thread();
    hub.run(async {
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
fn free_functions_use_the_current_hub_or_the_global_one() {
    // From a plain thread: the global hub.
    assert_eq!(greenhub::spawn(async { 1 }).wait_blocking(), Ok(1));
    // From inside a hub: that hub's threads.
    let hub = Hub::builder().threads(1).name("own-hub").build();
    let name = hub.run(async {
        greenhub::spawn(async { thread::current().name().map(str::to_owned) })
            .wait()
            .await
    });
    assert_eq!(name, Ok(Some("own-hub".to_string())));
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
fn spawn_works_from_inside_a_tokio_program() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let out = runtime.block_on(async {
        let thread = greenhub::spawn(async {
            sleep(Duration::from_millis(1)).await;
            "from the global hub"
        });
        thread.wait().await
    });
    assert_eq!(out, Ok("from the global hub"));
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
