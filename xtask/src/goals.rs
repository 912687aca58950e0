//! The benchmark goals (the primitive issues and the benchmark issue state
//! them), checked against the run the report is made from: each is met or
//! missed by a ratio measured here, and a missed one says why, from the
//! profiles behind it.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One goal: `ours` at most `target` times the fastest of `against`, in the
/// same workload; with nothing to go against, at most `target` ns per item.
struct Goal {
    workload: &'static str,
    ours: &'static str,
    against: &'static [&'static str],
    target: f64,
    /// Why it is missed, when it is: what the profile showed.
    why: &'static str,
}

const SEMAPHORE_PEERS: &[&str] = &["async-lock", "tokio"];
const KANAL: &[&str] = &["kanal"];
const LIGHT_QUEUE: &[&str] = &["greenqueue::LightQueue"];

const SPSC_WHY: &str = "both run one uncontended spin lock per put and per get (the queue's whole \
     state is under it) and inline their polls into the caller: callgrind counts 112 instructions \
     per item against kanal's 129, so a miss here is run-to-run noise (the bench binary's code \
     layout moves these rows by up to 10% between runs)";
const UNBOUNDED_WHY: &str = "the producer runs a million items ahead and both grow one VecDeque; \
     the difference is the per-item bookkeeping, as in the bounded row";
const MPMC_WHY: &str = "two threads take turns at one lock, and its cache line moves at each \
     turn; both locks back off so that the holder runs a batch, and which one wins varies from \
     run to run";
const PING_PONG_WHY: &str = "every item waits, and most of a round trip is the executor's, the same \
     for both: a woken getter takes its item from its own future without the queue's lock, as \
     kanal's woken receiver reads its signal; callgrind: 1488 instructions per round trip \
     against kanal's 1617 (rendezvous: 1507 against 1610), so a miss here is run-to-run noise";
const TRACKED_WHY: &str = "a put counts its task under the lock it already holds; a miss here is \
     run-to-run noise";

const GOALS: &[Goal] = &[
    Goal {
        workload: "event_wait_sent",
        ours: "greenevent::Event<u64>::wait",
        against: &[],
        target: 10.0,
        why: "a sent event's first outcome is read without a lock (an acquire load and the \
              value's clone); where this misses, the clone of the value is the cost",
    },
    Goal {
        workload: "semaphore_try_acquire",
        ours: "greensem",
        against: SEMAPHORE_PEERS,
        target: 0.8,
        why: "",
    },
    Goal {
        workload: "semaphore_acquire",
        ours: "greensem",
        against: SEMAPHORE_PEERS,
        target: 1.0,
        why: "",
    },
    Goal {
        workload: "semaphore_contended",
        ours: "greensem",
        against: SEMAPHORE_PEERS,
        target: 1.0,
        why: "",
    },
    Goal {
        workload: "semaphore_contended_hold_across_yield",
        ours: "greensem",
        // tokio is the fastest FIFO peer; async-lock lets the releaser take
        // its own permit back, which eventlet's FIFO rule forbids, so it
        // stays in the table as a reference, not a goal.
        against: &["tokio"],
        target: 1.0,
        why: "a tie with tokio within run-to-run noise (262 vs 261 ns on one run, 263 vs 269 on \
              another): each release with waiters and each woken waiter take the line's lock, \
              where tokio's waiters live in the futures themselves (intrusive, unsafe code)",
    },
    Goal {
        workload: "queue_spsc_bounded_1024",
        ours: "greenqueue::LightQueue",
        against: KANAL,
        target: 1.0,
        why: SPSC_WHY,
    },
    Goal {
        workload: "queue_spsc_unbounded",
        ours: "greenqueue::LightQueue",
        against: KANAL,
        target: 1.0,
        why: UNBOUNDED_WHY,
    },
    Goal {
        workload: "queue_mpmc_4x4_bounded_1024",
        ours: "greenqueue::LightQueue",
        against: KANAL,
        target: 1.0,
        why: MPMC_WHY,
    },
    Goal {
        workload: "queue_spsc_bounded_1024",
        ours: "greenqueue::Queue",
        against: LIGHT_QUEUE,
        target: 1.2,
        why: TRACKED_WHY,
    },
    Goal {
        workload: "queue_spsc_unbounded",
        ours: "greenqueue::Queue",
        against: LIGHT_QUEUE,
        target: 1.2,
        why: TRACKED_WHY,
    },
    Goal {
        workload: "queue_mpmc_4x4_bounded_1024",
        ours: "greenqueue::Queue",
        against: LIGHT_QUEUE,
        target: 1.2,
        why: TRACKED_WHY,
    },
    Goal {
        workload: "queue_ping_pong_bounded_1",
        ours: "greenqueue::LightQueue",
        against: KANAL,
        target: 1.0,
        why: PING_PONG_WHY,
    },
    Goal {
        workload: "queue_ping_pong_rendezvous",
        ours: "greenqueue::LightQueue",
        against: KANAL,
        target: 1.0,
        why: PING_PONG_WHY,
    },
    Goal {
        workload: "queue_ping_pong_bounded_1",
        ours: "greenqueue::LifoQueue",
        against: LIGHT_QUEUE,
        target: 1.2,
        why: "",
    },
    Goal {
        workload: "queue_ping_pong_bounded_1",
        ours: "greenqueue::PriorityQueue",
        against: &["async-priority-channel"],
        target: 0.5,
        why: "",
    },
    Goal {
        workload: "queue_spsc_priority_bounded_1024",
        ours: "greenqueue::PriorityQueue",
        against: &["async-priority-channel"],
        target: 0.5,
        why: "",
    },
    Goal {
        workload: "event_broadcast_1000",
        ours: "greenevent::Event",
        against: &["tokio::sync::Notify"],
        // The Event issue asked for 1.1x; the performance issue for at or
        // below Notify.
        target: 1.0,
        why: "the woken waiters of a first send read its outcome without a lock; what is left \
              is the send itself (one lock, every waker taken out) and the executor's wake-ups, \
              the same for Notify; after a reset a woken waiter takes the lock once",
    },
    Goal {
        workload: "timeout_overhead",
        ours: "greentimeout::with_timeout",
        against: &["async_io::Timer+future::or"],
        target: 1.5,
        why: "",
    },
    Goal {
        workload: "hub_spawn_wait",
        ours: "greenhub::spawn+wait",
        against: &["smol::spawn+await"],
        target: 1.0,
        why: "two allocations against smol's one: the GreenThread's shared state (its handle \
              outlives the task, and can be cloned) and the task; folding them into one needs a \
              task of our own, that is unsafe code",
    },
    Goal {
        workload: "pool_imap_size_100",
        ours: "greenpool::imap",
        against: &["futures::buffered", "smol::spawn+Semaphore"],
        target: 1.0,
        why: "the map's greenthread polls its items itself, each with a waker of its own slot; \
              where this misses, that greenthread and the stream share a mutex per result",
    },
    Goal {
        workload: "pool_spawn_waitall_10k",
        ours: "greenpool::spawn+waitall",
        against: &["tokio::JoinSet"],
        target: 1.0,
        why: "",
    },
    Goal {
        workload: "hub_sleep_zero",
        ours: "greenhub::sleep(ZERO)",
        against: &["futures_lite::yield_now"],
        target: 1.1,
        why: "",
    },
];

/// Ours must be this many times faster than eventlet in every workload.
const OVER_EVENTLET: f64 = 20.0;

/// Why ours is not `OVER_EVENTLET` times faster than eventlet in `workload`.
fn eventlet_why(workload: &str) -> &'static str {
    if workload.contains("ping_pong") {
        PING_PONG_WHY
    } else if workload.contains("mpmc") {
        "eventlet runs its eight greenlets on one thread with nothing to contend for; ours \
         run on two cores and take turns at the queue's lock"
    } else {
        "a few atomic read-modify-writes per operation, which thread safety costs us and \
         eventlet, whose greenlets share one thread, does not pay"
    }
}

/// The "Goals" section: each goal met or missed on this run, by how much,
/// and why where missed. `per_item` finds a figure by workload and name.
pub(crate) fn section(
    per_item: impl Fn(&str, &str) -> Option<f64>,
    best_of_ours: impl Fn(&str) -> Option<f64>,
    eventlet: &BTreeMap<String, f64>,
) -> String {
    let mut out = String::from(
        "## Goals\n\nEach goal is a ratio on this run (medians). Where one is missed, the \
         last column says why, from the profiles.\n\n\
         | workload | ours | against | goal | measured | met | why, where missed |\n\
         |---|---|---|---:|---:|---|---|\n",
    );
    for goal in GOALS {
        let Some(ours) = per_item(goal.workload, goal.ours) else {
            continue;
        };
        let (against, measured, goal_text) = if goal.against.is_empty() {
            (
                "(none)".to_string(),
                ours,
                format!("< {:.0} ns", goal.target),
            )
        } else {
            let Some(peer) = goal
                .against
                .iter()
                .filter_map(|name| per_item(goal.workload, name))
                .reduce(f64::min)
            else {
                continue;
            };
            (
                goal.against.join(", "),
                ours / peer,
                format!("<= {:.1}x", goal.target),
            )
        };
        let met = if goal.against.is_empty() {
            measured < goal.target
        } else {
            measured <= goal.target
        };
        let measured = if goal.against.is_empty() {
            format!("{measured:.1} ns")
        } else {
            format!("{measured:.2}x")
        };
        let _ = writeln!(
            out,
            "| {} | {} | {against} | {goal_text} | {measured} | {} | {} |",
            goal.workload,
            goal.ours,
            if met { "yes" } else { "**no**" },
            if met { "" } else { goal.why },
        );
    }
    for (workload, eventlet_ns) in eventlet {
        let Some(ours) = best_of_ours(workload) else {
            continue;
        };
        let speed_up = eventlet_ns / ours;
        let met = speed_up >= OVER_EVENTLET;
        let why = if met {
            String::new()
        } else {
            format!(
                "{OVER_EVENTLET:.0}x eventlet's {eventlet_ns:.0} ns is {:.1} ns: {}",
                eventlet_ns / OVER_EVENTLET,
                eventlet_why(workload)
            )
        };
        let _ = writeln!(
            out,
            "| {workload} | fastest of ours | eventlet 0.41.3 | >= {OVER_EVENTLET:.0}x faster | \
             {speed_up:.0}x faster | {} | {why} |",
            if met { "yes" } else { "**no**" },
        );
    }
    out.push('\n');
    out
}
