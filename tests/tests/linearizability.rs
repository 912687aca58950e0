//! Real concurrent histories, checked against sequential models
//! (docs/semantics.md, Guarantees: linearizable).
//!
//! Each test runs thousands of small random programs: a few actors, OS
//! threads (with the try, async and blocking faces) or tasks on a two-thread
//! executor (try and async), calling one primitive. Every call and return is
//! stamped from one counter, and the history must be explained by some
//! order that respects real time, applied to a sequential model
//! (`eventlet_tests::linearizability`). A wait that times out returns the
//! same "full" / "empty" / "none" a try would, and is checked as such: the
//! model must have been in that state at some instant of the call. A
//! rendezvous (`bounded(0)`) has no buffered state to model; its histories
//! are checked by pairing instead: every put that returned was taken by a
//! get that overlapped it in time.
//!
//! The checker is itself checked: it rejects hand-made histories that are
//! not linearizable, and the histories of a LIFO queue against the FIFO model.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use eventlet_tests::linearizability::{Entry, Model, Recorder, Rng, check};
use eventlet_tests::on_executor;
use futures_lite::future::block_on;
use greenevent::Event;
use greenqueue::{LifoQueue, LightQueue, PriorityQueue, Queue};
use greensem::{BoundedSemaphore, CappedSemaphore, Semaphore};

/// Histories per configuration; each is a fresh primitive and fresh actors.
const HISTORIES: u64 = 120;

/// How an actor calls a waiting operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Face {
    Try,
    /// The async face, bounded if a timeout is given.
    Async,
    /// The blocking face (threads only), bounded if a timeout is given.
    Blocking,
}

/// Where the actors run.
#[derive(Clone, Copy, Debug)]
enum Actors {
    Threads,
    Tasks,
}

/// A call: the operation and how it waits.
#[derive(Clone, Debug)]
struct Call<Op> {
    op: Op,
    face: Face,
    timeout: Option<Duration>,
}

fn random_face(rng: &mut Rng, actors: Actors) -> (Face, Option<Duration>) {
    let face = match (rng.below(3), actors) {
        (0, _) => Face::Try,
        (1, _) | (_, Actors::Tasks) => Face::Async,
        _ => Face::Blocking,
    };
    let timeout = (face != Face::Try).then(|| Duration::from_micros(200 + rng.below(3000) as u64));
    (face, timeout)
}

/// Runs each actor's calls in order, all actors at once, recording them.
fn run_actors<P, Op, Ret>(
    primitive: &Arc<P>,
    programs: Vec<Vec<Call<Op>>>,
    actors: Actors,
) -> Vec<Entry<Op, Ret>>
where
    P: Send + Sync + 'static,
    Op: Clone + Send + Sync + std::fmt::Debug + 'static,
    Ret: Clone + Send + Sync + 'static,
    Call<Op>: Perform<P, Ret>,
{
    let recorder = Arc::new(Recorder::new());
    match actors {
        Actors::Threads => thread::scope(|s| {
            for (actor, program) in programs.into_iter().enumerate() {
                let (primitive, recorder) = (primitive.clone(), recorder.clone());
                s.spawn(move || {
                    for call in program {
                        block_on(recorder.record_async(
                            actor,
                            call.op.clone(),
                            call.perform(&primitive),
                        ));
                    }
                });
            }
        }),
        Actors::Tasks => on_executor(2, |executor| {
            let tasks: Vec<_> = programs
                .into_iter()
                .enumerate()
                .map(|(actor, program)| {
                    let (primitive, recorder) = (primitive.clone(), recorder.clone());
                    executor.spawn(async move {
                        for call in program {
                            recorder
                                .record_async(actor, call.op.clone(), call.perform(&primitive))
                                .await;
                        }
                    })
                })
                .collect();
            async move {
                for task in tasks {
                    task.await;
                }
            }
        }),
    }
    recorder.history()
}

/// Performs a call on a primitive of type `P`, returning what it returned.
trait Perform<P, Ret> {
    fn perform<'a>(&'a self, primitive: &'a P) -> Pin<Box<dyn Future<Output = Ret> + Send + 'a>>;
}

// ---------------------------------------------------------------- queues

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Order {
    Fifo,
    Lifo,
    Smallest,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct QueueModel {
    items: Vec<u32>,
    capacity: Option<usize>,
    order: Order,
}

#[derive(Clone, Debug)]
enum QueueOp {
    Put(u32),
    Get,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum QueueRet {
    Put,
    Full,
    Got(u32),
    Empty,
}

impl QueueModel {
    fn next_at(&self) -> Option<usize> {
        if self.items.is_empty() {
            return None;
        }
        Some(match self.order {
            Order::Fifo => 0,
            Order::Lifo => self.items.len() - 1,
            Order::Smallest => (0..self.items.len())
                .min_by_key(|&i| self.items[i])
                .unwrap(),
        })
    }

    fn has_room(&self) -> bool {
        self.capacity
            .is_none_or(|capacity| self.items.len() < capacity)
    }
}

impl Model for QueueModel {
    type Op = QueueOp;
    type Ret = QueueRet;

    fn step(&self, op: &QueueOp, ret: &QueueRet) -> Option<Self> {
        match (op, ret) {
            (QueueOp::Put(item), QueueRet::Put) if self.has_room() => {
                let mut next = self.clone();
                next.items.push(*item);
                Some(next)
            }
            (QueueOp::Put(_), QueueRet::Full) if !self.has_room() => Some(self.clone()),
            (QueueOp::Get, QueueRet::Got(item)) => {
                let at = self.next_at()?;
                (self.items[at] == *item).then(|| {
                    let mut next = self.clone();
                    next.items.remove(at);
                    next
                })
            }
            (QueueOp::Get, QueueRet::Empty) if self.items.is_empty() => Some(self.clone()),
            _ => None,
        }
    }
}

macro_rules! perform_queue {
    ($($ty:ident),*) => {$(
        impl Perform<$ty<u32>, QueueRet> for Call<QueueOp> {
            fn perform<'a>(&'a self, queue: &'a $ty<u32>) -> Pin<Box<dyn Future<Output = QueueRet> + Send + 'a>> {
                Box::pin(async move {
                    let put = |done: Result<(), greenqueue::Full<u32>>| match done {
                        Ok(()) => QueueRet::Put,
                        Err(_) => QueueRet::Full,
                    };
                    let got = |got: Result<u32, greenqueue::Empty>| got.map_or(QueueRet::Empty, QueueRet::Got);
                    match (&self.op, self.face, self.timeout) {
                        (QueueOp::Put(item), Face::Try, _) => put(queue.try_put(*item)),
                        (QueueOp::Put(item), Face::Async, Some(t)) => put(queue.put_timeout(*item, t).await),
                        (QueueOp::Put(item), Face::Async, None) => put(Ok(queue.put(*item).await)),
                        (QueueOp::Put(item), Face::Blocking, Some(t)) => put(queue.put_blocking_timeout(*item, t)),
                        (QueueOp::Put(item), Face::Blocking, None) => put(Ok(queue.put_blocking(*item))),
                        (QueueOp::Get, Face::Try, _) => got(queue.try_get()),
                        (QueueOp::Get, Face::Async, Some(t)) => got(queue.get_timeout(t).await),
                        (QueueOp::Get, Face::Async, None) => got(Ok(queue.get().await)),
                        (QueueOp::Get, Face::Blocking, Some(t)) => got(queue.get_blocking_timeout(t)),
                        (QueueOp::Get, Face::Blocking, None) => got(Ok(queue.get_blocking())),
                    }
                })
            }
        }
    )*};
}

perform_queue!(Queue, LightQueue, LifoQueue, PriorityQueue);

/// Random programs: either every actor mixes puts and gets with bounded
/// waits, or producers and consumers with untimed waits and equal totals
/// (so that every wait ends).
fn queue_programs(rng: &mut Rng, actors: Actors, history: u64) -> Vec<Vec<Call<QueueOp>>> {
    let n_actors = 2 + rng.below(2);
    let ops = 3 + rng.below(3);
    let item = |actor: usize, i: usize| {
        u32::try_from(actor * 100 + i).unwrap() ^ (u32::try_from(history).unwrap() % 7)
    };
    if rng.below(2) == 0 {
        (0..n_actors)
            .map(|actor| {
                (0..ops)
                    .map(|i| {
                        let (face, timeout) = random_face(rng, actors);
                        let op = if rng.below(2) == 0 {
                            QueueOp::Put(item(actor, i))
                        } else {
                            QueueOp::Get
                        };
                        Call { op, face, timeout }
                    })
                    .collect()
            })
            .collect()
    } else {
        let untimed = |rng: &mut Rng| match (actors, rng.below(2)) {
            (Actors::Threads, 0) => Face::Blocking,
            _ => Face::Async,
        };
        let producers = 1 + rng.below(n_actors - 1);
        let consumers = n_actors - producers;
        let total = producers * ops;
        let mut programs: Vec<Vec<Call<QueueOp>>> = (0..producers)
            .map(|actor| {
                (0..ops)
                    .map(|i| Call {
                        op: QueueOp::Put(item(actor, i)),
                        face: untimed(rng),
                        timeout: None,
                    })
                    .collect()
            })
            .collect();
        for consumer in 0..consumers {
            let share = total / consumers + usize::from(consumer < total % consumers);
            programs.push(
                (0..share)
                    .map(|_| Call {
                        op: QueueOp::Get,
                        face: untimed(rng),
                        timeout: None,
                    })
                    .collect(),
            );
        }
        programs
    }
}

fn check_queue_histories<Q>(
    make: impl Fn(Option<usize>) -> Q,
    order: Order,
    capacities: &[Option<usize>],
) where
    Q: Send + Sync + 'static,
    Call<QueueOp>: Perform<Q, QueueRet>,
{
    for &capacity in capacities {
        for actors in [Actors::Threads, Actors::Tasks] {
            let mut rng = Rng::new(capacity.map_or(99, |c| c as u64) * 7919 + actors as u64);
            for history in 0..HISTORIES {
                let programs = queue_programs(&mut rng, actors, history);
                let entries = run_actors(&Arc::new(make(capacity)), programs, actors);
                let init = QueueModel {
                    items: Vec::new(),
                    capacity,
                    order,
                };
                if let Err(error) = check(&init, &entries) {
                    panic!("capacity {capacity:?}, {actors:?}, history {history}: {error}");
                }
            }
        }
    }
}

const CAPACITIES: [Option<usize>; 4] = [Some(1), Some(2), Some(5), None];

#[test]
fn queue_histories_are_linearizable() {
    check_queue_histories(
        |c| c.map_or_else(Queue::new, Queue::bounded),
        Order::Fifo,
        &CAPACITIES,
    );
}

#[test]
fn light_queue_histories_are_linearizable() {
    check_queue_histories(
        |c| c.map_or_else(LightQueue::new, LightQueue::bounded),
        Order::Fifo,
        &CAPACITIES,
    );
}

#[test]
fn lifo_queue_histories_are_linearizable() {
    check_queue_histories(
        |c| c.map_or_else(LifoQueue::new, LifoQueue::bounded),
        Order::Lifo,
        &CAPACITIES,
    );
}

#[test]
fn priority_queue_histories_are_linearizable() {
    check_queue_histories(
        |c| c.map_or_else(PriorityQueue::new, PriorityQueue::bounded),
        Order::Smallest,
        &CAPACITIES,
    );
}

/// A rendezvous: every put that returned `Ok` was taken by exactly one get
/// that was under way at some instant of the put, and every item got was
/// put by such a put.
fn check_rendezvous(history: &[Entry<QueueOp, QueueRet>]) -> Result<(), String> {
    let overlap = |a: &Entry<QueueOp, QueueRet>, b: &Entry<QueueOp, QueueRet>| {
        a.call < b.returned && b.call < a.returned
    };
    for put in history {
        let QueueOp::Put(item) = put.op else { continue };
        let takers: Vec<_> = history
            .iter()
            .filter(|get| get.ret == QueueRet::Got(item))
            .collect();
        match (&put.ret, takers.as_slice()) {
            (QueueRet::Put, [get]) if overlap(put, get) => {}
            (QueueRet::Full, []) => {}
            _ => return Err(format!("put {put:?} taken by {takers:?}")),
        }
    }
    for get in history {
        if let QueueRet::Got(item) = get.ret {
            if !history
                .iter()
                .any(|put| matches!(put.op, QueueOp::Put(i) if i == item))
            {
                return Err(format!("{get:?} got an item nobody put"));
            }
        }
    }
    Ok(())
}

fn check_rendezvous_histories<Q>(make: impl Fn() -> Q)
where
    Q: Send + Sync + 'static,
    Call<QueueOp>: Perform<Q, QueueRet>,
{
    for actors in [Actors::Threads, Actors::Tasks] {
        let mut rng = Rng::new(31 + actors as u64);
        for history in 0..HISTORIES {
            let programs = queue_programs(&mut rng, actors, history);
            let entries = run_actors(&Arc::new(make()), programs, actors);
            if let Err(error) = check_rendezvous(&entries) {
                panic!("{actors:?}, history {history}: {error}\n{entries:#?}");
            }
        }
    }
}

#[test]
fn rendezvous_histories_pair_each_put_with_an_overlapping_get() {
    check_rendezvous_histories(|| Queue::bounded(0));
    check_rendezvous_histories(|| LightQueue::bounded(0));
    check_rendezvous_histories(|| LifoQueue::bounded(0));
    check_rendezvous_histories(|| PriorityQueue::bounded(0));
}

// ------------------------------------------------------------ semaphores

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct SemaphoreModel {
    permits: usize,
    /// `BoundedSemaphore`'s limit; `CappedSemaphore`'s upper bound.
    upper: Option<usize>,
    /// `CappedSemaphore`'s lower bound; 0 otherwise.
    lower: usize,
    /// A `CappedSemaphore`'s release waits at the upper bound; a
    /// `BoundedSemaphore`'s fails at once.
    release_waits: bool,
}

#[derive(Clone, Debug)]
enum SemOp {
    Acquire,
    Release,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum SemRet {
    Done,
    /// An acquire (or a capped release) that timed out or found no permit;
    /// a bounded release refused.
    Refused,
}

impl Model for SemaphoreModel {
    type Op = SemOp;
    type Ret = SemRet;

    fn step(&self, op: &SemOp, ret: &SemRet) -> Option<Self> {
        let mut next = self.clone();
        let at_top = self.upper.is_some_and(|upper| self.permits >= upper);
        match (op, ret) {
            (SemOp::Acquire, SemRet::Done) if self.permits > self.lower => next.permits -= 1,
            (SemOp::Acquire, SemRet::Refused) if self.permits == self.lower => {}
            (SemOp::Release, SemRet::Done) if !at_top => next.permits += 1,
            (SemOp::Release, SemRet::Refused) if at_top => {}
            _ => return None,
        }
        Some(next)
    }
}

macro_rules! perform_semaphore {
    ($($ty:ident => $release:expr),*) => {$(
        impl Perform<$ty, SemRet> for Call<SemOp> {
            fn perform<'a>(&'a self, sem: &'a $ty) -> Pin<Box<dyn Future<Output = SemRet> + Send + 'a>> {
                Box::pin(async move {
                    let took = |guard: Option<greensem::SemaphoreGuard<'_>>| match guard {
                        Some(guard) => {
                            guard.forget();
                            SemRet::Done
                        }
                        None => SemRet::Refused,
                    };
                    match (&self.op, self.face, self.timeout) {
                        (SemOp::Acquire, Face::Try, _) => took(sem.try_acquire()),
                        (SemOp::Acquire, Face::Async, Some(t)) => took(sem.acquire_timeout(t).await),
                        (SemOp::Acquire, Face::Async, None) => took(Some(sem.acquire().await)),
                        (SemOp::Acquire, Face::Blocking, Some(t)) => took(sem.acquire_blocking_timeout(t)),
                        (SemOp::Acquire, Face::Blocking, None) => took(Some(sem.acquire_blocking())),
                        (SemOp::Release, _, _) => $release(sem),
                    }
                })
            }
        }
    )*};
}

perform_semaphore!(
    Semaphore => |sem: &Semaphore| {
        sem.release();
        SemRet::Done
    },
    BoundedSemaphore => |sem: &BoundedSemaphore| sem.release().map_or(SemRet::Refused, |()| SemRet::Done)
);

impl Perform<CappedSemaphore, SemRet> for Call<SemOp> {
    fn perform<'a>(
        &'a self,
        sem: &'a CappedSemaphore,
    ) -> Pin<Box<dyn Future<Output = SemRet> + Send + 'a>> {
        Box::pin(async move {
            let done = |done: bool| if done { SemRet::Done } else { SemRet::Refused };
            match (&self.op, self.face, self.timeout) {
                (SemOp::Acquire, Face::Try, _) => done(sem.try_acquire()),
                (SemOp::Acquire, Face::Async, Some(t)) => done(sem.acquire_timeout(t).await),
                (SemOp::Acquire, Face::Async, None) => done({
                    sem.acquire().await;
                    true
                }),
                (SemOp::Acquire, Face::Blocking, Some(t)) => done(sem.acquire_blocking_timeout(t)),
                (SemOp::Acquire, Face::Blocking, None) => done({
                    sem.acquire_blocking();
                    true
                }),
                (SemOp::Release, Face::Try, _) => done(sem.try_release()),
                (SemOp::Release, Face::Async, Some(t)) => done(sem.release_timeout(t).await),
                (SemOp::Release, Face::Async, None) => done({
                    sem.release().await;
                    true
                }),
                (SemOp::Release, Face::Blocking, Some(t)) => done(sem.release_blocking_timeout(t)),
                (SemOp::Release, Face::Blocking, None) => done({
                    sem.release_blocking();
                    true
                }),
            }
        })
    }
}

/// Random programs: bounded waits mixed with releases, or holders that each
/// acquire (untimed) and release in turn, so that every wait ends.
fn semaphore_programs(rng: &mut Rng, actors: Actors, release_waits: bool) -> Vec<Vec<Call<SemOp>>> {
    let n_actors = 2 + rng.below(2);
    let ops = 3 + rng.below(4);
    let mixed = rng.below(2) == 0;
    (0..n_actors)
        .map(|_| {
            (0..ops)
                .map(|i| {
                    if mixed {
                        let op = if rng.below(2) == 0 {
                            SemOp::Acquire
                        } else {
                            SemOp::Release
                        };
                        let (face, timeout) = match op {
                            SemOp::Release if !release_waits => (Face::Try, None),
                            _ => random_face(rng, actors),
                        };
                        Call { op, face, timeout }
                    } else {
                        let face = match (actors, rng.below(2)) {
                            (Actors::Threads, 0) => Face::Blocking,
                            _ => Face::Async,
                        };
                        let op = if i % 2 == 0 {
                            SemOp::Acquire
                        } else {
                            SemOp::Release
                        };
                        Call {
                            op,
                            face,
                            timeout: None,
                        }
                    }
                })
                .collect()
        })
        .collect()
}

fn check_semaphore_histories<S>(make: impl Fn() -> S, init: &SemaphoreModel)
where
    S: Send + Sync + 'static,
    Call<SemOp>: Perform<S, SemRet>,
{
    for actors in [Actors::Threads, Actors::Tasks] {
        let mut rng = Rng::new(init.permits as u64 * 13 + actors as u64);
        for history in 0..HISTORIES {
            let mut programs = semaphore_programs(&mut rng, actors, init.release_waits);
            // Holders end on a release; an odd-length program ends on an
            // acquire, which must find a permit: trim it.
            for program in &mut programs {
                if program
                    .iter()
                    .all(|call| call.timeout.is_none() && call.face != Face::Try)
                    && program.len() % 2 == 1
                {
                    program.pop();
                }
            }
            let entries = run_actors(&Arc::new(make()), programs, actors);
            if let Err(error) = check(init, &entries) {
                panic!("{actors:?}, history {history}: {error}");
            }
        }
    }
}

#[test]
fn semaphore_histories_are_linearizable() {
    for permits in [1, 2] {
        let init = SemaphoreModel {
            permits,
            upper: None,
            lower: 0,
            release_waits: false,
        };
        check_semaphore_histories(|| Semaphore::new(permits), &init);
    }
}

#[test]
fn bounded_semaphore_histories_are_linearizable() {
    for permits in [1, 2] {
        let init = SemaphoreModel {
            permits,
            upper: Some(permits),
            lower: 0,
            release_waits: false,
        };
        check_semaphore_histories(|| BoundedSemaphore::new(permits), &init);
    }
}

#[test]
fn capped_semaphore_histories_are_linearizable() {
    for (count, limit) in [(1, 1), (1, 2), (2, 3)] {
        let init = SemaphoreModel {
            permits: count,
            upper: Some(limit),
            lower: 0,
            release_waits: true,
        };
        check_semaphore_histories(|| CappedSemaphore::new(count, limit).unwrap(), &init);
    }
}

// ------------------------------------------------------------------ event

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct EventModel(Option<u32>);

#[derive(Clone, Debug)]
enum EventOp {
    Send(u32),
    Wait,
    Reset,
    Ready,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum EventRet {
    Sent,
    AlreadySent,
    Got(u32),
    TimedOut,
    Reset,
    NotSent,
    Ready(bool),
}

impl Model for EventModel {
    type Op = EventOp;
    type Ret = EventRet;

    fn step(&self, op: &EventOp, ret: &EventRet) -> Option<Self> {
        match (op, ret, self.0) {
            (EventOp::Send(value), EventRet::Sent, None) => Some(EventModel(Some(*value))),
            (EventOp::Send(_), EventRet::AlreadySent, Some(_))
            | (EventOp::Wait, EventRet::TimedOut, None)
            | (EventOp::Reset, EventRet::NotSent, None) => Some(self.clone()),
            (EventOp::Wait, EventRet::Got(got), Some(value)) if *got == value => Some(self.clone()),
            (EventOp::Reset, EventRet::Reset, Some(_)) => Some(EventModel(None)),
            (EventOp::Ready, EventRet::Ready(ready), _) if *ready == self.0.is_some() => {
                Some(self.clone())
            }
            _ => None,
        }
    }
}

impl Perform<Event<u32>, EventRet> for Call<EventOp> {
    fn perform<'a>(
        &'a self,
        event: &'a Event<u32>,
    ) -> Pin<Box<dyn Future<Output = EventRet> + Send + 'a>> {
        Box::pin(async move {
            let got = |got: Option<Result<u32, greenevent::Killed>>| match got {
                Some(Ok(value)) => EventRet::Got(value),
                Some(Err(_)) => unreachable!("nothing sends an exception here"),
                None => EventRet::TimedOut,
            };
            match (&self.op, self.face, self.timeout) {
                (EventOp::Send(value), _, _) => event
                    .send(*value)
                    .map_or(EventRet::AlreadySent, |()| EventRet::Sent),
                (EventOp::Reset, _, _) => event
                    .reset()
                    .map_or(EventRet::NotSent, |()| EventRet::Reset),
                (EventOp::Ready, _, _) => EventRet::Ready(event.ready()),
                (EventOp::Wait, Face::Try, _) => got(event.poll()),
                (EventOp::Wait, Face::Async, Some(t)) => got(event.wait_timeout(t).await),
                (EventOp::Wait, Face::Async, None) => got(Some(event.wait().await)),
                (EventOp::Wait, Face::Blocking, Some(t)) => got(event.wait_blocking_timeout(t)),
                (EventOp::Wait, Face::Blocking, None) => got(Some(event.wait_blocking())),
            }
        })
    }
}

#[test]
fn event_histories_are_linearizable() {
    for actors in [Actors::Threads, Actors::Tasks] {
        let mut rng = Rng::new(5 + actors as u64);
        for history in 0..HISTORIES {
            let n_actors = 2 + rng.below(2);
            // Untimed waits only where nothing resets: a send is then final.
            let resets = rng.below(2) == 0;
            let programs = (0..n_actors)
                .map(|actor| {
                    (0..3 + rng.below(3))
                        .map(|i| {
                            let op = match rng.below(if resets { 5 } else { 3 }) {
                                0 => EventOp::Send(u32::try_from(actor * 10 + i).unwrap()),
                                1 | 2 => EventOp::Wait,
                                3 => EventOp::Reset,
                                _ => EventOp::Ready,
                            };
                            let (face, timeout) = random_face(&mut rng, actors);
                            Call { op, face, timeout }
                        })
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>();
            let entries = run_actors(&Arc::new(Event::<u32>::new()), programs, actors);
            if let Err(error) = check(&EventModel(None), &entries) {
                panic!("{actors:?}, history {history}: {error}");
            }
        }
    }
}

// ------------------------------------------------- the checker, checked

fn entry<Op, Ret>(op: Op, ret: Ret, call: u64, returned: u64) -> Entry<Op, Ret> {
    Entry {
        actor: 0,
        op,
        ret,
        call,
        returned,
    }
}

#[test]
fn checker_rejects_hand_made_histories() {
    let fifo = QueueModel {
        items: Vec::new(),
        capacity: None,
        order: Order::Fifo,
    };
    // put(1) then put(2), one after the other, then a get of 2: not FIFO.
    let reordered = [
        entry(QueueOp::Put(1), QueueRet::Put, 0, 1),
        entry(QueueOp::Put(2), QueueRet::Put, 2, 3),
        entry(QueueOp::Get, QueueRet::Got(2), 4, 5),
    ];
    assert!(check(&fifo, &reordered).is_err());
    // The same with the puts overlapping: either order, so 2 may be first.
    let overlapping = [
        entry(QueueOp::Put(1), QueueRet::Put, 0, 3),
        entry(QueueOp::Put(2), QueueRet::Put, 1, 2),
        entry(QueueOp::Get, QueueRet::Got(2), 4, 5),
    ];
    assert!(check(&fifo, &overlapping).is_ok());
    // bounded(1): two puts return before anything is taken.
    let bounded = QueueModel {
        capacity: Some(1),
        ..fifo.clone()
    };
    let over_bound = [
        entry(QueueOp::Put(1), QueueRet::Put, 0, 1),
        entry(QueueOp::Put(2), QueueRet::Put, 2, 3),
        entry(QueueOp::Get, QueueRet::Got(1), 4, 6),
    ];
    assert!(check(&bounded, &over_bound).is_err());
    // A get that waited across both puts may have taken 1 between them.
    let waited = [
        entry(QueueOp::Get, QueueRet::Got(1), 0, 6),
        entry(QueueOp::Put(1), QueueRet::Put, 1, 2),
        entry(QueueOp::Put(2), QueueRet::Put, 3, 4),
    ];
    assert!(check(&bounded, &waited).is_ok());
    // A semaphore whose acquire timed out with a permit free all along.
    let sem = SemaphoreModel {
        permits: 0,
        upper: None,
        lower: 0,
        release_waits: false,
    };
    let stranded = [
        entry(SemOp::Release, SemRet::Done, 0, 1),
        entry(SemOp::Release, SemRet::Done, 2, 3),
        entry(SemOp::Acquire, SemRet::Done, 4, 5),
        entry(SemOp::Acquire, SemRet::Refused, 6, 9),
    ];
    assert!(check(&sem, &stranded).is_err());
    // A rendezvous put that returned before its getter was called.
    let late = [
        entry(QueueOp::Put(7), QueueRet::Put, 0, 1),
        entry(QueueOp::Get, QueueRet::Got(7), 2, 3),
    ];
    assert!(check_rendezvous(&late).is_err());
    let paired = [
        entry(QueueOp::Get, QueueRet::Got(7), 0, 3),
        entry(QueueOp::Put(7), QueueRet::Put, 1, 2),
    ];
    assert!(check_rendezvous(&paired).is_ok());
}

#[test]
fn checker_rejects_a_lifo_queue_checked_as_fifo() {
    // A deliberately wrong queue for the FIFO model: some history must fail.
    let mut rng = Rng::new(77);
    let rejected = (0..HISTORIES).any(|history| {
        let programs = queue_programs(&mut rng, Actors::Threads, history);
        let entries = run_actors(&Arc::new(LifoQueue::new()), programs, Actors::Threads);
        check(
            &QueueModel {
                items: Vec::new(),
                capacity: None,
                order: Order::Fifo,
            },
            &entries,
        )
        .is_err()
    });
    assert!(rejected, "the checker passed a LIFO queue as FIFO");
}
