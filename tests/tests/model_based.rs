//! Model-based property tests: random sequences of operations that never
//! wait (`try_*` and zero-timeout blocking faces, resize, `task_done`,
//! release, send/reset/poll) run on each queue type, each semaphore type and
//! `Event`, and every result is checked against a small sequential model.
//! proptest shrinks a failing sequence to a short one.

use std::collections::VecDeque;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use greenevent::{AlreadySent, Event, NotSent};
use greenqueue::{Empty, Full, LifoQueue, LightQueue, PriorityQueue, Queue, TaskDoneTooManyTimes};
use greensem::{
    BoundedSemaphore, CappedSemaphore, ReleasedTooManyTimes, Semaphore, SemaphoreGuard,
};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum QueueOp {
    TryPut(u8),
    PutZeroTimeout(u8),
    TryGet,
    GetZeroTimeout,
    Resize(Option<usize>),
    TaskDone,
}

fn queue_op() -> impl Strategy<Value = QueueOp> {
    prop_oneof![
        3 => any::<u8>().prop_map(QueueOp::TryPut),
        2 => any::<u8>().prop_map(QueueOp::PutZeroTimeout),
        3 => Just(QueueOp::TryGet),
        2 => Just(QueueOp::GetZeroTimeout),
        1 => proptest::option::of(0..6usize).prop_map(QueueOp::Resize),
        1 => Just(QueueOp::TaskDone),
    ]
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Order {
    Fifo,
    Lifo,
    Smallest,
}

/// The sequential reference: a list, a capacity and a task count.
struct QueueModel {
    items: VecDeque<u8>,
    capacity: Option<usize>,
    unfinished: usize,
    order: Order,
    tracked: bool,
}

impl QueueModel {
    fn put(&mut self, item: u8) -> Result<(), Full<u8>> {
        if self
            .capacity
            .is_some_and(|capacity| self.items.len() >= capacity)
        {
            return Err(Full(item));
        }
        self.items.push_back(item);
        if self.tracked {
            self.unfinished += 1;
        }
        Ok(())
    }

    fn get(&mut self) -> Result<u8, Empty> {
        match self.order {
            Order::Fifo => self.items.pop_front(),
            Order::Lifo => self.items.pop_back(),
            Order::Smallest => {
                // The first of the smallest: equal items leave in arrival order.
                let smallest = self.items.iter().min().copied();
                smallest.map(|min| {
                    let at = self.items.iter().position(|&x| x == min).unwrap();
                    self.items.remove(at).unwrap()
                })
            }
        }
        .ok_or(Empty)
    }

    fn task_done(&mut self) -> Result<(), TaskDoneTooManyTimes> {
        self.unfinished = self.unfinished.checked_sub(1).ok_or(TaskDoneTooManyTimes)?;
        Ok(())
    }
}

/// The queue types behind one face, so that one check serves all four.
trait AnyQueue {
    fn try_put(&self, item: u8) -> Result<(), Full<u8>>;
    fn put_zero(&self, item: u8) -> Result<(), Full<u8>>;
    fn try_get(&self) -> Result<u8, Empty>;
    fn get_zero(&self) -> Result<u8, Empty>;
    fn resize(&self, capacity: Option<usize>);
    fn task_done(&self) -> Option<Result<(), TaskDoneTooManyTimes>>;
    fn snapshot(&self) -> (usize, bool, bool, Option<usize>, Option<usize>);
}

macro_rules! any_queue {
    ($ty:ident, $tracked:tt) => {
        impl AnyQueue for $ty<u8> {
            fn try_put(&self, item: u8) -> Result<(), Full<u8>> {
                $ty::try_put(self, item)
            }
            fn put_zero(&self, item: u8) -> Result<(), Full<u8>> {
                self.put_blocking_timeout(item, Duration::ZERO)
            }
            fn try_get(&self) -> Result<u8, Empty> {
                $ty::try_get(self)
            }
            fn get_zero(&self) -> Result<u8, Empty> {
                self.get_blocking_timeout(Duration::ZERO)
            }
            fn resize(&self, capacity: Option<usize>) {
                $ty::resize(self, capacity);
            }
            fn task_done(&self) -> Option<Result<(), TaskDoneTooManyTimes>> {
                any_queue!(@task_done self, $tracked)
            }
            fn snapshot(&self) -> (usize, bool, bool, Option<usize>, Option<usize>) {
                let unfinished = any_queue!(@unfinished self, $tracked);
                (self.len(), self.is_empty(), self.is_full(), self.maxsize(), unfinished)
            }
        }
    };
    (@task_done $q:ident, true) => { Some($q.task_done()) };
    (@task_done $q:ident, false) => { None };
    (@unfinished $q:ident, true) => { Some($q.unfinished_tasks()) };
    (@unfinished $q:ident, false) => { None };
}

any_queue!(Queue, true);
any_queue!(LightQueue, false);
any_queue!(LifoQueue, true);
any_queue!(PriorityQueue, true);

fn check_queue(
    queue: &dyn AnyQueue,
    mut model: QueueModel,
    ops: &[QueueOp],
) -> Result<(), TestCaseError> {
    for op in ops {
        match *op {
            QueueOp::TryPut(item) => {
                prop_assert_eq!(queue.try_put(item), model.put(item), "{:?}", op);
            }
            QueueOp::PutZeroTimeout(item) => {
                prop_assert_eq!(queue.put_zero(item), model.put(item), "{:?}", op);
            }
            QueueOp::TryGet => {
                prop_assert_eq!(queue.try_get(), model.get(), "{:?}", op);
            }
            QueueOp::GetZeroTimeout => {
                prop_assert_eq!(queue.get_zero(), model.get(), "{:?}", op);
            }
            QueueOp::Resize(capacity) => {
                queue.resize(capacity);
                model.capacity = capacity;
            }
            QueueOp::TaskDone => {
                if let Some(done) = queue.task_done() {
                    prop_assert_eq!(done, model.task_done());
                }
            }
        }
        let len = model.items.len();
        let full = model.capacity.is_some_and(|capacity| len >= capacity);
        let unfinished = model.tracked.then_some(model.unfinished);
        prop_assert_eq!(
            queue.snapshot(),
            (len, len == 0, full, model.capacity, unfinished),
            "after {:?}",
            op
        );
    }
    Ok(())
}

fn model(capacity: Option<usize>, order: Order, tracked: bool) -> QueueModel {
    QueueModel {
        items: VecDeque::new(),
        capacity,
        unfinished: 0,
        order,
        tracked,
    }
}

fn capacity() -> impl Strategy<Value = Option<usize>> {
    proptest::option::of(0..5usize)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn queue_matches_its_model(capacity in capacity(), ops in prop::collection::vec(queue_op(), 0..60)) {
        let queue = capacity.map_or_else(Queue::new, Queue::bounded);
        check_queue(&queue, model(capacity, Order::Fifo, true), &ops)?;
    }

    #[test]
    fn light_queue_matches_its_model(capacity in capacity(), ops in prop::collection::vec(queue_op(), 0..60)) {
        let queue = capacity.map_or_else(LightQueue::new, LightQueue::bounded);
        check_queue(&queue, model(capacity, Order::Fifo, false), &ops)?;
    }

    #[test]
    fn lifo_queue_matches_its_model(capacity in capacity(), ops in prop::collection::vec(queue_op(), 0..60)) {
        let queue = capacity.map_or_else(LifoQueue::new, LifoQueue::bounded);
        check_queue(&queue, model(capacity, Order::Lifo, true), &ops)?;
    }

    #[test]
    fn priority_queue_matches_its_model(capacity in capacity(), ops in prop::collection::vec(queue_op(), 0..60)) {
        let queue = capacity.map_or_else(PriorityQueue::new, PriorityQueue::bounded);
        check_queue(&queue, model(capacity, Order::Smallest, true), &ops)?;
    }
}

#[derive(Clone, Debug)]
enum SemOp {
    TryAcquire,
    AcquireZeroTimeout,
    DropGuard(usize),
    ForgetGuard(usize),
    Release,
}

fn sem_op() -> impl Strategy<Value = SemOp> {
    prop_oneof![
        Just(SemOp::TryAcquire),
        Just(SemOp::AcquireZeroTimeout),
        (0..8usize).prop_map(SemOp::DropGuard),
        (0..8usize).prop_map(SemOp::ForgetGuard),
        Just(SemOp::Release),
    ]
}

/// Runs `ops` on a semaphore of `permits` (bounded at that if `limit`).
fn check_semaphore(permits: usize, bounded: bool, ops: &[SemOp]) -> Result<(), TestCaseError> {
    let plain = Semaphore::new(permits);
    let capped = BoundedSemaphore::new(permits);
    let mut counter = permits;
    let mut guards: Vec<SemaphoreGuard<'_>> = Vec::new();
    for op in ops {
        match *op {
            SemOp::TryAcquire | SemOp::AcquireZeroTimeout => {
                let guard = match (op, bounded) {
                    (SemOp::TryAcquire, false) => plain.try_acquire(),
                    (SemOp::TryAcquire, true) => capped.try_acquire(),
                    (_, false) => plain.acquire_blocking_timeout(Duration::ZERO),
                    (_, true) => capped.acquire_blocking_timeout(Duration::ZERO),
                };
                prop_assert_eq!(guard.is_some(), counter > 0, "{:?}", op);
                if let Some(guard) = guard {
                    counter -= 1;
                    guards.push(guard);
                }
            }
            SemOp::DropGuard(i) if i < guards.len() => {
                let guard = guards.swap_remove(i);
                if bounded && counter >= permits {
                    // The guard's permit no longer fits: a documented panic.
                    prop_assert!(catch_unwind(AssertUnwindSafe(|| drop(guard))).is_err());
                } else {
                    drop(guard);
                    counter += 1;
                }
            }
            SemOp::ForgetGuard(i) if i < guards.len() => guards.swap_remove(i).forget(),
            SemOp::Release if bounded => {
                let expected = if counter < permits {
                    Ok(())
                } else {
                    Err(ReleasedTooManyTimes)
                };
                prop_assert_eq!(capped.release(), expected);
                if expected.is_ok() {
                    counter += 1;
                }
            }
            SemOp::Release => {
                plain.release();
                counter += 1;
            }
            SemOp::DropGuard(_) | SemOp::ForgetGuard(_) => {}
        }
        let (now, balance, locked) = if bounded {
            (capped.counter(), capped.balance(), capped.locked())
        } else {
            (plain.counter(), plain.balance(), plain.locked())
        };
        prop_assert_eq!(
            (now, balance, locked),
            (counter, isize::try_from(counter).unwrap(), counter == 0),
            "after {:?}",
            op
        );
    }
    // Guards still held would be dropped here, where a bounded one that no
    // longer fits panics (checked by DropGuard above): keep them instead.
    guards.into_iter().for_each(SemaphoreGuard::forget);
    Ok(())
}

#[derive(Clone, Debug)]
enum CappedOp {
    TryAcquire,
    TryRelease,
    AcquireZeroTimeout,
    ReleaseZeroTimeout,
}

fn capped_op() -> impl Strategy<Value = CappedOp> {
    prop_oneof![
        Just(CappedOp::TryAcquire),
        Just(CappedOp::TryRelease),
        Just(CappedOp::AcquireZeroTimeout),
        Just(CappedOp::ReleaseZeroTimeout),
    ]
}

#[derive(Clone, Debug)]
enum EventOp {
    Send(u8),
    SendException(u8),
    Reset,
    Poll,
    WaitZeroTimeout,
}

fn event_op() -> impl Strategy<Value = EventOp> {
    prop_oneof![
        any::<u8>().prop_map(EventOp::Send),
        any::<u8>().prop_map(EventOp::SendException),
        Just(EventOp::Reset),
        Just(EventOp::Poll),
        Just(EventOp::WaitZeroTimeout),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn semaphore_matches_its_model(permits in 0..4usize, ops in prop::collection::vec(sem_op(), 0..60)) {
        check_semaphore(permits, false, &ops)?;
    }

    #[test]
    fn bounded_semaphore_matches_its_model(permits in 0..4usize, ops in prop::collection::vec(sem_op(), 0..60)) {
        check_semaphore(permits, true, &ops)?;
    }

    #[test]
    fn capped_semaphore_matches_its_model(
        (lower, count, upper) in (0..3usize, 0..3usize, 0..3usize).prop_map(|(a, b, c)| (a, a + b, a + b + c)),
        ops in prop::collection::vec(capped_op(), 0..60),
    ) {
        let sem = CappedSemaphore::with_bounds(count, lower, upper).unwrap();
        let mut model = count;
        for op in &ops {
            let (done, expected) = match op {
                CappedOp::TryAcquire => (sem.try_acquire(), model > lower),
                CappedOp::AcquireZeroTimeout => (sem.acquire_blocking_timeout(Duration::ZERO), model > lower),
                CappedOp::TryRelease => (sem.try_release(), model < upper),
                CappedOp::ReleaseZeroTimeout => (sem.release_blocking_timeout(Duration::ZERO), model < upper),
            };
            prop_assert_eq!(done, expected, "{:?} at count {}", op, model);
            match (op, done) {
                (CappedOp::TryAcquire | CappedOp::AcquireZeroTimeout, true) => model -= 1,
                (CappedOp::TryRelease | CappedOp::ReleaseZeroTimeout, true) => model += 1,
                _ => {}
            }
            let formula = 2 * isize::try_from(model).unwrap() - isize::try_from(lower + upper).unwrap();
            prop_assert_eq!((sem.count(), sem.locked(), sem.bounded()), (model, model <= lower, model >= upper));
            prop_assert_eq!(sem.balance(), formula);
        }
    }

    #[test]
    fn event_matches_its_model(ops in prop::collection::vec(event_op(), 0..40)) {
        let event = Event::<u8, u8>::with_error_type();
        let mut model: Option<Result<u8, u8>> = None;
        for op in &ops {
            match *op {
                EventOp::Send(value) => {
                    let expected = if model.is_some() { Err(AlreadySent(value)) } else { Ok(()) };
                    prop_assert_eq!(event.send(value), expected);
                    model.get_or_insert(Ok(value));
                }
                EventOp::SendException(error) => {
                    let expected = if model.is_some() { Err(AlreadySent(error)) } else { Ok(()) };
                    prop_assert_eq!(event.send_exception(error), expected);
                    model.get_or_insert(Err(error));
                }
                EventOp::Reset => {
                    let expected = if model.is_some() { Ok(()) } else { Err(NotSent) };
                    prop_assert_eq!(event.reset(), expected);
                    model = None;
                }
                EventOp::Poll => {
                prop_assert_eq!(event.poll(), model);
            }
                EventOp::WaitZeroTimeout => {
                prop_assert_eq!(event.wait_blocking_timeout(Duration::ZERO), model);
            }
            }
            prop_assert_eq!(
                (event.ready(), event.has_result(), event.has_exception()),
                (model.is_some(), matches!(model, Some(Ok(_))), matches!(model, Some(Err(_))))
            );
            prop_assert_eq!((event.poll_result(), event.poll_exception()), (model.and_then(Result::ok), model.and_then(Result::err)));
        }
    }
}
