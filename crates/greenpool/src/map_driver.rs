//! The greenthread behind an `imap`, as eventlet's `_do_map` greenthread:
//! it takes items while the window has room, runs their futures, and hands
//! their results to the stream in input order.
//!
//! Its items take turns inside it, each future polled with a waker of its
//! own slot, so a wake-up polls that item alone (as a `FuturesUnordered`
//! does). A spawn per item would cost a task, a handle and a join; this
//! costs none of them, and a slot's box is reused by the items that follow,
//! so an item allocates nothing once `size` slots exist.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::mem;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::task::{Context, Poll, Wake, Waker};

use greenhub::WaitError;

use crate::MapFn;

/// A result on its way to the consumer.
type Outcome<T> = Result<T, WaitError>;

/// The greenthread that runs an [`imap`](crate::GreenPool::imap)'s items:
/// it appears in `imap`'s bounds only ([`Spawner`](crate::Spawner) starts
/// it), and has no other use.
///
/// ```
/// use futures_lite::StreamExt;
///
/// greenhub::run(async {
///     let pool = greenpool::GreenPool::new(2);
///     // Starts a MapDriver, which runs the items.
///     let mut doubled = pool.imap(|n: u8| async move { n * 2 }, [1, 2]);
///     assert_eq!(doubled.next().await, Some(Ok(2)));
/// });
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct MapDriver<I: Iterator, F, Fut: Future> {
    /// `None` once it gave its last item, or the consumer left.
    items: Option<I>,
    f: F,
    /// The most items started and not yet taken by the consumer.
    size: usize,
    /// Where the items run; a free slot keeps its box for the next item.
    slots: Vec<RunSlot<Fut>>,
    free: Vec<usize>,
    /// The items started and not yet handed to the window, in input order;
    /// `None` while one runs. Numbered from `next_seq - len`.
    unpublished: VecDeque<Option<Outcome<Fut::Output>>>,
    next_seq: u64,
    /// The consumer dropped the stream: results go nowhere.
    consumer_gone: bool,
    doorbell: Arc<Doorbell>,
    /// A spare list the doorbell's woken slots are swapped into.
    woken: Vec<usize>,
    window: Arc<Window<Fut::Output>>,
}

/// One item's place: its future, pinned in a box that outlives it.
struct RunSlot<Fut> {
    future: Pin<Box<Option<Fut>>>,
    seq: u64,
    waker: Waker,
}

impl<I, F, Fut> MapDriver<I, F, Fut>
where
    I: Iterator,
    F: MapFn<I::Item, Fut>,
    Fut: Future,
{
    /// A driver for `f` over `items`, and the stream of its results.
    pub(crate) fn new(items: I, f: F, size: usize) -> (Self, Arc<Window<Fut::Output>>) {
        let window = Arc::new(Window {
            state: Mutex::new(WindowState {
                ready: VecDeque::new(),
                consumer: None,
                driver: None,
                finished: false,
                consumer_gone: false,
            }),
        });
        let driver = MapDriver {
            items: Some(items),
            f,
            size: size.max(1),
            slots: Vec::new(),
            free: Vec::new(),
            unpublished: VecDeque::new(),
            next_seq: 0,
            consumer_gone: false,
            doorbell: Arc::new(Doorbell::default()),
            woken: Vec::new(),
            window: window.clone(),
        };
        (driver, window)
    }

    /// Polls the items whose wakers rang.
    fn poll_woken(&mut self) {
        let mut woken = mem::take(&mut self.woken);
        self.doorbell.take_rung(&mut woken);
        for &index in &woken {
            self.poll_slot(index);
        }
        woken.clear();
        self.woken = woken;
    }

    /// Polls the item in `index`, and frees the slot if it ended: finished
    /// or panicked (its panic becomes its result).
    fn poll_slot(&mut self, index: usize) {
        let slot = &mut self.slots[index];
        // A waker of an item that ended may still ring: nothing to poll.
        let Some(future) = slot.future.as_mut().as_pin_mut() else {
            return;
        };
        let mut cx = Context::from_waker(&slot.waker);
        let outcome = match catch_unwind(AssertUnwindSafe(|| future.poll(&mut cx))) {
            Ok(Poll::Pending) => return,
            Ok(Poll::Ready(output)) => Ok(output),
            Err(panic) => Err(WaitError::from_panic(&*panic)),
        };
        slot.future.set(None);
        let seq = slot.seq;
        self.free.push(index);
        self.record(seq, outcome);
    }

    /// Stores the outcome of item `seq` in its place in line.
    fn record(&mut self, seq: u64, outcome: Outcome<Fut::Output>) {
        if self.consumer_gone {
            return;
        }
        let first = self.next_seq - self.unpublished.len() as u64;
        let place = usize::try_from(seq - first).expect("in flight are at most `size`");
        self.unpublished[place] = Some(outcome);
    }

    /// Starts up to `room` items, each polled once at once.
    fn start(&mut self, room: usize) {
        for _ in 0..room {
            let Some(items) = self.items.as_mut() else {
                return;
            };
            let item = match catch_unwind(AssertUnwindSafe(|| items.next())) {
                Ok(Some(item)) => item,
                Ok(None) => {
                    self.items = None;
                    return;
                }
                // The iterator panicked: that is the last result.
                Err(panic) => {
                    self.items = None;
                    self.unpublished
                        .push_back(Some(Err(WaitError::from_panic(&*panic))));
                    return;
                }
            };
            let seq = self.next_seq;
            self.next_seq += 1;
            self.unpublished.push_back(None);
            match catch_unwind(AssertUnwindSafe(|| self.f.call_item(item))) {
                Ok(future) => {
                    let index = self.free.pop().unwrap_or_else(|| self.new_slot());
                    let slot = &mut self.slots[index];
                    slot.future.set(Some(future));
                    slot.seq = seq;
                    self.poll_slot(index);
                }
                Err(panic) => self.record(seq, Err(WaitError::from_panic(&*panic))),
            }
        }
    }

    fn new_slot(&mut self) -> usize {
        let index = self.slots.len();
        let waker = Waker::from(Arc::new(SlotWaker {
            index,
            doorbell: Arc::downgrade(&self.doorbell),
        }));
        self.slots.push(RunSlot {
            future: Box::pin(None),
            seq: 0,
            waker,
        });
        index
    }

    /// Hands the finished front of the line to the window, and returns the
    /// room left for new items (`None` if the consumer left). With no room
    /// and items left, the driver is woken when the consumer takes one.
    fn publish(&mut self, cx: &Context<'_>) -> Option<usize> {
        let mut window = self.window.lock();
        if window.consumer_gone {
            drop(window);
            self.consumer_gone = true;
            self.unpublished.clear();
            self.items = None;
            return None;
        }
        let before = window.ready.len();
        while let Some(Some(_)) = self.unpublished.front() {
            let outcome = self.unpublished.pop_front().flatten().expect("finished");
            window.ready.push_back(outcome);
        }
        let room = self
            .size
            .saturating_sub(self.unpublished.len() + window.ready.len());
        if room == 0 && self.items.is_some() {
            set_waker(&mut window.driver, cx);
        }
        let consumer = if window.ready.len() > before {
            window.consumer.take()
        } else {
            None
        };
        drop(window);
        if let Some(consumer) = consumer {
            consumer.wake();
        }
        Some(room)
    }
}

impl<I: Iterator, F, Fut: Future> MapDriver<I, F, Fut> {
    /// Items started and not finished: the slots in use.
    fn running(&self) -> usize {
        self.slots.len() - self.free.len()
    }
}

impl<I, F, Fut> Future for MapDriver<I, F, Fut>
where
    I: Iterator,
    F: MapFn<I::Item, Fut>,
    Fut: Future,
{
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        this.poll_woken();
        // Up to `size` items start per turn: a consumer on another thread
        // that keeps taking results must not keep this greenthread from
        // yielding.
        let mut budget = this.size;
        while let Some(room) = this.publish(cx) {
            if room == 0 || this.items.is_none() {
                break;
            }
            if budget == 0 {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            let started = room.min(budget);
            budget -= started;
            this.start(started);
        }
        if this.items.is_none() && this.unpublished.is_empty() && this.running() == 0 {
            return Poll::Ready(()); // `drop` closes the window
        }
        // An item woken meanwhile (by its own poll, as a yield does) is
        // polled on the next turn, after the hub's other greenthreads had
        // theirs: polling it again at once could spin here forever.
        if this.doorbell.wait(cx) {
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}

// Nothing in it is pinned in place: the items' futures are boxed, and the
// iterator and the function are only used by `&mut`.
impl<I: Iterator, F, Fut: Future> Unpin for MapDriver<I, F, Fut> {}

impl<I: Iterator, F, Fut: Future> Drop for MapDriver<I, F, Fut> {
    /// The driver's end, however it comes (all done, or killed with its
    /// hub): what never finished is `Killed`, and the stream ends after it.
    fn drop(&mut self) {
        let rest: Vec<_> = self
            .unpublished
            .drain(..)
            .map(|outcome| outcome.unwrap_or(Err(WaitError::Killed)))
            .collect();
        let mut window = self.window.lock();
        if !window.consumer_gone {
            window.ready.extend(rest);
        }
        window.finished = true;
        let consumer = window.consumer.take();
        drop(window);
        if let Some(consumer) = consumer {
            consumer.wake();
        }
    }
}

impl<I: Iterator, F, Fut: Future> fmt::Debug for MapDriver<I, F, Fut> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapDriver")
            .field("running", &self.running())
            .field("unpublished", &self.unpublished.len())
            .field("exhausted", &self.items.is_none())
            .finish_non_exhaustive()
    }
}

/// What the driver and the stream share: results in input order, and who
/// waits for what.
pub(crate) struct Window<T> {
    state: Mutex<WindowState<T>>,
}

struct WindowState<T> {
    /// Results the consumer has not taken, in input order.
    ready: VecDeque<Outcome<T>>,
    /// The stream, waiting for a result.
    consumer: Option<Waker>,
    /// The driver, waiting for room.
    driver: Option<Waker>,
    /// The driver ended: once `ready` is taken, the stream ends.
    finished: bool,
    /// The stream was dropped: the driver starts nothing more.
    consumer_gone: bool,
}

impl<T> Window<T> {
    fn lock(&self) -> MutexGuard<'_, WindowState<T>> {
        // Nothing under this lock panics; a poisoned state is still whole.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The consumer's side: the next result, or `None` once the driver
    /// ended and everything was taken.
    pub(crate) fn poll_next(&self, cx: &Context<'_>) -> Poll<Option<Outcome<T>>> {
        let mut window = self.lock();
        if let Some(outcome) = window.ready.pop_front() {
            // One taken is room for one more item.
            let driver = window.driver.take();
            drop(window);
            if let Some(driver) = driver {
                driver.wake();
            }
            return Poll::Ready(Some(outcome));
        }
        if window.finished {
            return Poll::Ready(None);
        }
        set_waker(&mut window.consumer, cx);
        Poll::Pending
    }

    /// The consumer leaves: results are dropped, and the driver runs what
    /// it started to its end and starts nothing more.
    pub(crate) fn leave(&self) {
        let mut window = self.lock();
        window.consumer_gone = true;
        let ready = mem::take(&mut window.ready);
        let driver = window.driver.take();
        drop(window);
        drop(ready);
        if let Some(driver) = driver {
            driver.wake();
        }
    }
}

fn set_waker(slot: &mut Option<Waker>, cx: &Context<'_>) {
    match slot {
        Some(waker) if waker.will_wake(cx.waker()) => {}
        _ => *slot = Some(cx.waker().clone()),
    }
}

/// Where the items' wakers ring for the driver: the slots to poll.
#[derive(Default)]
struct Doorbell {
    state: Mutex<Rung>,
}

#[derive(Default)]
struct Rung {
    /// Slots rung since the driver last looked, each once.
    slots: Vec<usize>,
    /// Whether a slot is in `slots` already, by index.
    listed: Vec<bool>,
    /// The driver, waiting for a ring.
    driver: Option<Waker>,
}

impl Doorbell {
    fn lock(&self) -> MutexGuard<'_, Rung> {
        // Nothing under this lock panics; a poisoned state is still whole.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Moves the rung slots into `into` (empty).
    fn take_rung(&self, into: &mut Vec<usize>) {
        let mut rung = self.lock();
        mem::swap(&mut rung.slots, into);
        for &index in into.iter() {
            rung.listed[index] = false;
        }
    }

    /// Registers the driver to be woken by the next ring, unless a slot
    /// rang meanwhile (then `true`: the driver has polling to do).
    fn wait(&self, cx: &Context<'_>) -> bool {
        let mut rung = self.lock();
        if !rung.slots.is_empty() {
            return true;
        }
        set_waker(&mut rung.driver, cx);
        false
    }

    fn ring(&self, index: usize) {
        let mut rung = self.lock();
        if rung.listed.len() <= index {
            rung.listed.resize(index + 1, false);
        }
        if mem::replace(&mut rung.listed[index], true) {
            return; // listed already
        }
        rung.slots.push(index);
        let driver = rung.driver.take();
        drop(rung);
        if let Some(driver) = driver {
            driver.wake();
        }
    }
}

/// The waker an item's future gets: it rings its slot. It holds the
/// doorbell weakly, so a waker kept by a timer after the driver ended
/// keeps nothing alive.
struct SlotWaker {
    index: usize,
    doorbell: Weak<Doorbell>,
}

impl Wake for SlotWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if let Some(doorbell) = self.doorbell.upgrade() {
            doorbell.ring(self.index);
        }
    }
}
