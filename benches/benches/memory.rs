//! Memory of a queue and of its waiters, against kanal, flume and
//! async-channel, measured with a counting global allocator (one thread, no
//! executor: futures are polled by hand with a no-op waker).
//!
//! - an empty queue: heap bytes it keeps, plus its handles' own size (ours
//!   is one value, boxed here as it would be shared; a peer's is a sender
//!   and a receiver over a shared allocation);
//! - per buffered item (`u64`), in an unbounded queue and a `bounded(1024)`;
//! - per waiting getter and per waiting putter: the future's own size
//!   (boxed) plus what waiting made it allocate;
//! - allocations per round trip of a steady ping-pong through two
//!   `bounded(1)` queues: a wait that allocates shows up here.
//!
//! Prints a markdown table and writes it to `<target>/tmp/memory.md`, which
//! `cargo xtask bench` puts in its report. Not a criterion bench: bytes need
//! no statistics.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::task::{Context, Poll, Waker};

struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);
static FREED: AtomicUsize = AtomicUsize::new(0);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

/// Bytes allocated and not freed yet.
fn live() -> isize {
    let signed = |bytes: usize| isize::try_from(bytes).expect("less than isize::MAX bytes");
    signed(ALLOCATED.load(Relaxed)) - signed(FREED.load(Relaxed))
}

#[allow(unsafe_code)] // a GlobalAlloc impl is unsafe by definition; it only delegates
// SAFETY: every method forwards to the system allocator unchanged; the
// counters are atomics, touched without allocating.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Relaxed);
        ALLOCATIONS.fetch_add(1, Relaxed);
        // SAFETY: the caller's contract is System's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        FREED.fetch_add(layout.size(), Relaxed);
        // SAFETY: the caller's contract is System's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(new_size, Relaxed);
        FREED.fetch_add(layout.size(), Relaxed);
        ALLOCATIONS.fetch_add(1, Relaxed);
        // SAFETY: the caller's contract is System's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Heap bytes that `make` leaves allocated, with what it made still alive.
fn live_bytes<T>(make: impl FnOnce() -> T) -> (isize, T) {
    let before = live();
    let made = make();
    (live() - before, made)
}

const ITEMS: usize = 1000;
const WAITERS: usize = 100;
const ROUND_TRIPS: usize = 1000;

fn poll_once<F: Future + ?Sized>(future: Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

/// One peer's figures.
struct Figures {
    name: &'static str,
    empty_bounded: isize,
    empty_unbounded: isize,
    per_item_unbounded: f64,
    per_item_bounded: f64,
    per_getter: f64,
    per_putter: f64,
    allocations_per_round_trip: f64,
}

/// A channel's operations, for the measurements.
trait Channel: Sized {
    type Handle;
    fn bounded(capacity: usize) -> Self::Handle;
    fn unbounded() -> Self::Handle;
    fn try_send(handle: &Self::Handle, item: u64);
    fn recv(handle: &Self::Handle) -> Pin<Box<dyn Future<Output = u64> + '_>>;
    fn send(handle: &Self::Handle, item: u64) -> Pin<Box<dyn Future<Output = ()> + '_>>;
}

fn measure<C: Channel>(name: &'static str) -> Figures {
    let (empty_bounded, bounded) = live_bytes(|| Box::new(C::bounded(1024)));
    let (empty_unbounded, unbounded) = live_bytes(|| Box::new(C::unbounded()));
    let (items_unbounded, ()) = live_bytes(|| {
        for item in 0..ITEMS as u64 {
            C::try_send(&unbounded, item);
        }
    });
    let (items_bounded, ()) = live_bytes(|| {
        for item in 0..ITEMS as u64 {
            C::try_send(&bounded, item);
        }
    });
    drop((bounded, unbounded));

    // Waiting getters on an empty queue.
    let empty = C::unbounded();
    let (getters, waiting) = live_bytes(|| {
        let mut waiting: Vec<_> = (0..WAITERS).map(|_| C::recv(&empty)).collect();
        for getter in &mut waiting {
            assert!(poll_once(getter.as_mut()).is_pending());
        }
        waiting
    });
    drop(waiting);
    drop(empty);

    // Waiting putters on a full bounded(1).
    let full = C::bounded(1);
    C::try_send(&full, 0);
    let (putters, waiting) = live_bytes(|| {
        let mut waiting: Vec<_> = (0..WAITERS as u64).map(|n| C::send(&full, n)).collect();
        for putter in &mut waiting {
            assert!(poll_once(putter.as_mut()).is_pending());
        }
        waiting
    });
    drop(waiting);
    drop(full);

    Figures {
        name,
        empty_bounded,
        empty_unbounded,
        per_item_unbounded: per(items_unbounded, ITEMS),
        per_item_bounded: per(items_bounded, ITEMS),
        per_getter: per(getters, WAITERS) - per_vec_slot(),
        per_putter: per(putters, WAITERS) - per_vec_slot(),
        allocations_per_round_trip: ping_pong_allocations::<C>(),
    }
}

/// The Vec of boxed futures itself: a fat pointer per waiter, not theirs.
#[allow(clippy::cast_precision_loss)]
fn per_vec_slot() -> f64 {
    std::mem::size_of::<Pin<Box<dyn Future<Output = u64>>>>() as f64
}

#[allow(clippy::cast_precision_loss)]
fn per(bytes: isize, count: usize) -> f64 {
    bytes as f64 / count as f64
}

/// Allocations per round trip of a steady ping-pong, on one thread: the
/// echo side and the main side polled by hand in turn.
#[allow(clippy::cast_precision_loss)]
fn ping_pong_allocations<C: Channel>() -> f64 {
    let (ping, pong) = (C::bounded(1), C::bounded(1));
    let round_trip = |n: u64| {
        // main: send, then wait for the echo; echo: receive, send back.
        let mut get_pong = C::recv(&pong);
        assert!(
            poll_once(get_pong.as_mut()).is_pending(),
            "main waits for the echo"
        );
        let mut get_ping = C::recv(&ping);
        assert!(poll_once(get_ping.as_mut()).is_pending(), "the echo waits");
        let mut put = C::send(&ping, n);
        assert!(poll_once(put.as_mut()).is_ready());
        let Poll::Ready(item) = poll_once(get_ping.as_mut()) else {
            panic!("the echo got its item")
        };
        let mut back = C::send(&pong, item);
        assert!(poll_once(back.as_mut()).is_ready());
        let Poll::Ready(echoed) = poll_once(get_pong.as_mut()) else {
            panic!("main got the echo")
        };
        assert_eq!(echoed, n);
    };
    for n in 0..100 {
        round_trip(n); // warm up: buffers grown, caches made
    }
    let before = ALLOCATIONS.load(Relaxed);
    for n in 0..ROUND_TRIPS as u64 {
        round_trip(n);
    }
    let allocations = ALLOCATIONS.load(Relaxed) - before;
    // Each round trip boxes its four futures here: those are the harness's.
    (allocations as f64 / ROUND_TRIPS as f64) - 4.0
}

macro_rules! green {
    ($ty:ident) => {
        pub(crate) struct $ty;
        impl Channel for $ty {
            type Handle = greenqueue::$ty<u64>;
            fn bounded(capacity: usize) -> Self::Handle {
                greenqueue::$ty::bounded(capacity)
            }
            fn unbounded() -> Self::Handle {
                greenqueue::$ty::new()
            }
            fn try_send(handle: &Self::Handle, item: u64) {
                handle.try_put(item).unwrap();
            }
            fn recv(handle: &Self::Handle) -> Pin<Box<dyn Future<Output = u64> + '_>> {
                Box::pin(handle.get())
            }
            fn send(handle: &Self::Handle, item: u64) -> Pin<Box<dyn Future<Output = ()> + '_>> {
                Box::pin(handle.put(item))
            }
        }
    };
}

mod green {
    use super::{Channel, Future, Pin};
    green!(LightQueue);
    green!(Queue);
}

struct Kanal;
impl Channel for Kanal {
    type Handle = (kanal::AsyncSender<u64>, kanal::AsyncReceiver<u64>);
    fn bounded(capacity: usize) -> Self::Handle {
        kanal::bounded_async(capacity)
    }
    fn unbounded() -> Self::Handle {
        kanal::unbounded_async()
    }
    fn try_send(handle: &Self::Handle, item: u64) {
        assert!(handle.0.try_send(item).unwrap());
    }
    fn recv(handle: &Self::Handle) -> Pin<Box<dyn Future<Output = u64> + '_>> {
        Box::pin(async move { handle.1.recv().await.unwrap() })
    }
    fn send(handle: &Self::Handle, item: u64) -> Pin<Box<dyn Future<Output = ()> + '_>> {
        Box::pin(async move { handle.0.send(item).await.unwrap() })
    }
}

struct Flume;
impl Channel for Flume {
    type Handle = (flume::Sender<u64>, flume::Receiver<u64>);
    fn bounded(capacity: usize) -> Self::Handle {
        flume::bounded(capacity)
    }
    fn unbounded() -> Self::Handle {
        flume::unbounded()
    }
    fn try_send(handle: &Self::Handle, item: u64) {
        handle.0.try_send(item).unwrap();
    }
    fn recv(handle: &Self::Handle) -> Pin<Box<dyn Future<Output = u64> + '_>> {
        Box::pin(async move { handle.1.recv_async().await.unwrap() })
    }
    fn send(handle: &Self::Handle, item: u64) -> Pin<Box<dyn Future<Output = ()> + '_>> {
        Box::pin(async move { handle.0.send_async(item).await.unwrap() })
    }
}

struct AsyncChannel;
impl Channel for AsyncChannel {
    type Handle = (async_channel::Sender<u64>, async_channel::Receiver<u64>);
    fn bounded(capacity: usize) -> Self::Handle {
        async_channel::bounded(capacity)
    }
    fn unbounded() -> Self::Handle {
        async_channel::unbounded()
    }
    fn try_send(handle: &Self::Handle, item: u64) {
        handle.0.try_send(item).unwrap();
    }
    fn recv(handle: &Self::Handle) -> Pin<Box<dyn Future<Output = u64> + '_>> {
        Box::pin(async move { handle.1.recv().await.unwrap() })
    }
    fn send(handle: &Self::Handle, item: u64) -> Pin<Box<dyn Future<Output = ()> + '_>> {
        Box::pin(async move { handle.0.send(item).await.unwrap() })
    }
}

fn main() {
    // `cargo bench` passes criterion's flags (--bench, a filter): a filter
    // that names another bench skips this one.
    if let Some(filter) = std::env::args().skip(1).find(|arg| !arg.starts_with('-')) {
        if !"memory".contains(&filter) && !filter.contains("memory") {
            return;
        }
    }
    let figures = [
        measure::<green::LightQueue>("greenqueue::LightQueue"),
        measure::<green::Queue>("greenqueue::Queue"),
        measure::<Kanal>("kanal"),
        measure::<Flume>("flume"),
        measure::<AsyncChannel>("async-channel"),
    ];
    let mut table = String::from(
        "| queue | empty bounded(1024), bytes | empty unbounded, bytes | per item, unbounded | \
         per item, bounded(1024) | per waiting getter | per waiting putter | allocations per \
         ping-pong round trip |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for f in &figures {
        let _ = writeln!(
            table,
            "| {} | {} | {} | {:.1} | {:.1} | {:.1} | {:.1} | {:.2} |",
            f.name,
            f.empty_bounded,
            f.empty_unbounded,
            f.per_item_unbounded,
            f.per_item_bounded,
            f.per_getter,
            f.per_putter,
            f.allocations_per_round_trip
        );
    }
    print!("{table}");
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("memory.md");
    std::fs::write(&path, &table).expect("the target directory is writable");
    println!("wrote {}", path.display());
}
