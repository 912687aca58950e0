//! Bounded stress and fault tests (`cargo xtask stress`; `STRESS_SECS` sets
//! the time, default 60). A 2-thread hub and OS threads mix async and
//! blocking faces on one Queue, Semaphore and Event, with random timeouts,
//! cancellations (futures dropped mid-wait), killed greenthreads and
//! panicking tasks that hold permits. At the end every item arrived at most
//! once (exactly once if its put surely happened), every permit is back,
//! no task is unfinished and no waiter is left. A watchdog fails the run with
//! the primitives' state if progress stalls for 10 s.
//!
//! Each run has two halves. In the first, gets end only by their own
//! timeout faces (which return an item handed to them), never by being
//! dropped, and every consumer must see each producer's items in put order.
//! In the second, gets are also dropped mid-wait and killed: an item handed
//! to a get that is dropped before it runs goes to the next getter or back
//! first in line (docs/semantics.md, Queues), so a consumer that took a
//! later item meanwhile may see it out of order; that half checks delivery
//! (exactly once), not order.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering::SeqCst};
use std::thread;
use std::time::{Duration, Instant};

use greenevent::Event;
use greenhub::Hub;
use greenqueue::{Full, Queue};
use greensem::Semaphore;
use greentimeout::with_timeout;

const PERMITS: usize = 4;

/// A small xorshift generator: reproducible, no dependency.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }

    fn millis(&mut self, max: u64) -> Duration {
        Duration::from_millis(self.below(max + 1))
    }
}

#[derive(Default)]
struct Counts {
    progress: AtomicU64,
    moved: AtomicU64,
    cancellations: AtomicU64,
    timeouts: AtomicU64,
    kills: AtomicU64,
    panics: AtomicU64,
}

struct World {
    queue: Queue<u64>,
    sem: Semaphore,
    start: Event<()>,
    stop: AtomicBool,
    /// Per item: how often it was received.
    received: Vec<AtomicU8>,
    /// Per item: 1 once a put of it surely happened, 2 if its put was
    /// dropped midway (it may or may not have gone in).
    put: Vec<AtomicU8>,
    /// Per item: which producer claimed it. A producer claims rising
    /// numbers and puts them one after another, so its items must reach
    /// every consumer in rising order.
    producer: Vec<AtomicU8>,
    next_item: AtomicU64,
    counts: Counts,
    gets_end: GetsEnd,
}

impl World {
    fn new(items: usize, gets_end: GetsEnd) -> Self {
        World {
            queue: Queue::bounded(16),
            sem: Semaphore::new(PERMITS),
            start: Event::new(),
            stop: AtomicBool::new(false),
            received: (0..items).map(|_| AtomicU8::new(0)).collect(),
            put: (0..items).map(|_| AtomicU8::new(0)).collect(),
            producer: (0..items).map(|_| AtomicU8::new(0)).collect(),
            next_item: AtomicU64::new(0),
            counts: Counts::default(),
            gets_end,
        }
    }

    /// The next item for `producer` to put, until the time or the count
    /// runs out.
    fn claim(&self, producer: u8, deadline: Instant) -> Option<u64> {
        if Instant::now() >= deadline {
            return None;
        }
        let item = self.next_item.fetch_add(1, SeqCst);
        let slot = self.producer.get(usize::try_from(item).unwrap())?;
        slot.store(producer, SeqCst);
        Some(item)
    }

    fn put_slot(&self, item: u64) -> &AtomicU8 {
        &self.put[usize::try_from(item).unwrap()]
    }

    /// Records `item` as received by a consumer whose last item from each
    /// producer is in `order`.
    fn receive(&self, item: u64, order: &mut Order) {
        let index = usize::try_from(item).unwrap();
        let seen = self.received[index].fetch_add(1, SeqCst);
        assert_eq!(seen, 0, "item {item} received twice");
        if self.gets_end == GetsEnd::ByTheirTimeouts {
            let producer = usize::from(self.producer[index].load(SeqCst));
            if let Some(last) = order.0[producer] {
                assert!(
                    item > last,
                    "producer {producer}'s item {item} arrived after its later item {last}"
                );
            }
            order.0[producer] = Some(item);
        }
        self.queue
            .task_done()
            .expect("one task_done per item received");
        self.counts.moved.fetch_add(1, SeqCst);
        self.tick();
    }

    fn tick(&self) {
        self.counts.progress.fetch_add(1, SeqCst);
    }
}

/// Holds a victim's permit across a wait for it to be killed in.
async fn sleep_a_little() {
    async_io::Timer::after(Duration::from_millis(2)).await;
}

/// Producers: two greenthreads and two OS threads.
const PRODUCERS: usize = 4;

/// One consumer's last item from each producer.
#[derive(Default)]
struct Order([Option<u64>; PRODUCERS]);

/// The message of the tasks that panic on purpose.
const INTENDED_PANIC: &str = "a task panics while it holds a permit";

/// Keeps the intended panics off stderr; any other panic prints as usual.
fn quiet_intended_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied());
            if message != Some(INTENDED_PANIC) {
                default(info);
            }
        }));
    });
}

/// Runs both halves of the stress, `seconds` in all, with at most `items`
/// items each.
fn stress(seconds: u64, items: usize) {
    stress_half(seconds.div_ceil(2), items, GetsEnd::ByTheirTimeouts);
    stress_half(seconds.div_ceil(2), items, GetsEnd::AlsoDropped);
}

/// How consumers' gets may end besides taking an item.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum GetsEnd {
    /// `get_timeout`, `get_blocking_timeout`: order is checked.
    ByTheirTimeouts,
    /// Also dropped by an outer timeout, and killed.
    AlsoDropped,
}

fn stress_half(seconds: u64, items: usize, gets_end: GetsEnd) {
    quiet_intended_panics();
    let started = Instant::now();
    let world = Arc::new(World::new(items, gets_end));
    let deadline = started + Duration::from_secs(seconds);
    let hub = Hub::builder().threads(2).build();
    let finished = Arc::new(AtomicBool::new(false));
    let watchdog = watchdog(&world, &finished);
    let producers: Vec<_> = (0..2)
        .map(|seed| hub.spawn(async_producer(world.clone(), deadline, seed)))
        .collect();
    let threads: Vec<_> = (0..2)
        .map(|seed| {
            let world = world.clone();
            thread::spawn(move || blocking_producer(&world, deadline, seed + 2))
        })
        .collect();
    let consumers: Vec<_> = (0..3)
        .map(|seed| hub.spawn(async_consumer(world.clone(), seed, gets_end)))
        .collect();
    let blocking_consumer = {
        let world = world.clone();
        thread::spawn(move || {
            let mut order = Order::default();
            while !world.stop.load(SeqCst) {
                if let Ok(item) = world.queue.get_blocking_timeout(Duration::from_millis(5)) {
                    world.receive(item, &mut order);
                }
            }
        })
    };
    world.start.send(()).unwrap();
    while producers.iter().any(|p| !p.is_dead()) {
        inject_faults(&hub, &world, gets_end);
    }
    for thread in threads {
        thread.join().unwrap();
    }
    // Drain, then stop the consumers.
    world.queue.join_blocking();
    world.stop.store(true, SeqCst);
    for consumer in consumers {
        consumer.wait_blocking().unwrap();
    }
    blocking_consumer.join().unwrap();
    finished.store(true, SeqCst);
    watchdog.join().unwrap();
    verify(&world);
    println!("{gets_end:?}:");
    report(&world.counts, started.elapsed());
}

/// Fails the run, showing the primitives' state, if progress stalls for 10 s.
fn watchdog(world: &Arc<World>, finished: &Arc<AtomicBool>) -> thread::JoinHandle<()> {
    let (world, finished) = (world.clone(), finished.clone());
    thread::spawn(move || {
        let mut last = (world.counts.progress.load(SeqCst), Instant::now());
        while !finished.load(SeqCst) {
            thread::sleep(Duration::from_millis(100));
            let now = world.counts.progress.load(SeqCst);
            if now != last.0 {
                last = (now, Instant::now());
            } else if last.1.elapsed() > Duration::from_secs(10) {
                panic!("no progress for 10 s: {:?} {:?}", world.queue, world.sem);
            }
        }
    })
}

/// Puts with `put_timeout` (the item comes back) or with a put dropped by an
/// outer timeout (the item may or may not have gone in).
async fn async_producer(world: Arc<World>, deadline: Instant, seed: u64) {
    let mut rng = Rng(0x9E37_79B9 + seed);
    world.start.wait().await.unwrap();
    while let Some(item) = world.claim(u8::try_from(seed).unwrap(), deadline) {
        let slot = world.put_slot(item);
        if rng.below(10) == 0 {
            if with_timeout(rng.millis(2), world.queue.put(item))
                .await
                .is_ok()
            {
                slot.store(1, SeqCst);
            } else {
                slot.store(2, SeqCst);
                world.counts.cancellations.fetch_add(1, SeqCst);
            }
        } else {
            let mut item = item;
            while let Err(Full(back)) = world.queue.put_timeout(item, rng.millis(3)).await {
                world.counts.timeouts.fetch_add(1, SeqCst);
                item = back;
            }
            slot.store(1, SeqCst);
        }
        world.tick();
    }
}

fn blocking_producer(world: &World, deadline: Instant, seed: u64) {
    let mut rng = Rng(0x85EB_CA6B + seed);
    world.start.wait_blocking().unwrap();
    while let Some(item) = world.claim(u8::try_from(seed).unwrap(), deadline) {
        let mut next = item;
        while let Err(Full(back)) = world.queue.put_blocking_timeout(next, rng.millis(3)) {
            world.counts.timeouts.fetch_add(1, SeqCst);
            next = back;
        }
        world.put_slot(item).store(1, SeqCst);
        world.tick();
    }
}

/// Holds a permit while it records; some gets are dropped by a timeout midway.
async fn async_consumer(world: Arc<World>, seed: u64, gets_end: GetsEnd) {
    let mut rng = Rng(0xC2B2_AE35 + seed);
    let mut order = Order::default();
    while !world.stop.load(SeqCst) {
        let Some(_permit) = world.sem.acquire_timeout(rng.millis(5)).await else {
            world.counts.timeouts.fetch_add(1, SeqCst);
            continue;
        };
        let got = match gets_end {
            GetsEnd::ByTheirTimeouts => world.queue.get_timeout(rng.millis(5)).await.ok(),
            GetsEnd::AlsoDropped => with_timeout(rng.millis(5), world.queue.get()).await.ok(),
        };
        match got {
            Some(item) => world.receive(item, &mut order),
            None => {
                world.counts.cancellations.fetch_add(1, SeqCst);
            }
        }
    }
}

/// One round of faults: a greenthread killed while it waits on the
/// semaphore (or, when gets may be dropped, on the queue), and a task that
/// panics holding a permit.
fn inject_faults(hub: &Hub, world: &Arc<World>, gets_end: GetsEnd) {
    let victim = {
        let world = world.clone();
        hub.spawn(async move {
            let _permit = world.sem.acquire().await;
            if gets_end == GetsEnd::AlsoDropped {
                if let Ok(item) = with_timeout(Duration::from_secs(60), world.queue.get()).await {
                    world.receive(item, &mut Order::default());
                }
            } else {
                sleep_a_little().await;
            }
        })
    };
    thread::sleep(Duration::from_millis(world.counts.kills.load(SeqCst) % 4));
    victim.kill();
    world.counts.kills.fetch_add(1, SeqCst);
    let panicker = {
        let world = world.clone();
        hub.spawn(async move {
            let _permit = world.sem.acquire().await;
            panic!("{}", INTENDED_PANIC);
        })
    };
    if panicker.wait_blocking().is_err() {
        world.counts.panics.fetch_add(1, SeqCst);
    }
}

/// Every item arrived at most once, exactly once if its put surely happened;
/// every permit is back; nothing is unfinished or left waiting.
fn verify(world: &World) {
    let claimed = usize::try_from(world.next_item.load(SeqCst))
        .unwrap()
        .min(world.received.len());
    for item in 0..claimed {
        let received = world.received[item].load(SeqCst);
        match world.put[item].load(SeqCst) {
            1 => assert_eq!(
                received, 1,
                "item {item} was put but arrived {received} times"
            ),
            2 => assert!(received <= 1, "item {item} arrived {received} times"),
            other => panic!("item {item} was claimed but its put never ended ({other})"),
        }
    }
    assert_eq!(world.sem.counter(), PERMITS, "every permit is back");
    assert_eq!(world.sem.balance(), 4, "no waiter left on the semaphore");
    assert_eq!(world.queue.unfinished_tasks(), 0);
    assert_eq!(
        (
            world.queue.getting(),
            world.queue.putting(),
            world.queue.len()
        ),
        (0, 0, 0)
    );
}

#[allow(clippy::cast_precision_loss)] // a rate to print
fn report(counts: &Counts, elapsed: Duration) {
    let seconds = elapsed.as_secs_f64();
    println!(
        "stress: {seconds:.1} s, {} items moved ({:.0} ops/s), {} cancellations, {} timeouts, {} kills, {} panics survived",
        counts.moved.load(SeqCst),
        counts.progress.load(SeqCst) as f64 / seconds,
        counts.cancellations.load(SeqCst),
        counts.timeouts.load(SeqCst),
        counts.kills.load(SeqCst),
        counts.panics.load(SeqCst),
    );
}

/// The full run: `cargo xtask stress`.
#[test]
#[ignore = "long: run by cargo xtask stress"]
fn stress_primitives_under_faults() {
    let seconds = std::env::var("STRESS_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    stress(seconds, 100_000_000);
}

/// A two-second run in every `cargo test`, so the harness itself stays sound.
#[test]
fn stress_smoke() {
    stress(2, 200_000);
}

#[test]
fn rng_is_not_constant() {
    let mut rng = Rng(1);
    let draws: std::collections::HashSet<_> = (0..100).map(|_| rng.below(1000)).collect();
    assert!(draws.len() > 50);
}
