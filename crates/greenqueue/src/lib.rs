//! eventlet's queues: [`Queue`], [`LightQueue`], [`PriorityQueue`] and
//! [`LifoQueue`], with `task_done`/`join`, rendezvous and resize, on any
//! executor or OS thread.
//!
//! ```
//! use greenqueue::Queue;
//!
//! futures_lite::future::block_on(async {
//!     let queue = Queue::bounded(2);
//!     queue.put("a").await;
//!     queue.put("b").await;
//!     assert!(queue.is_full());
//!     assert_eq!(queue.get().await, "a");
//!     queue.task_done().unwrap();
//! });
//! ```
//!
//! The four types share one core: only the order items leave in differs.
//! Every waiting operation comes in the workspace's faces, one implementation
//! each: `put` / `put_timeout` / `put_blocking` / `put_blocking_timeout` /
//! `try_put`, the same for `get`, and `join` for the tracked types. A put that
//! fails hands its item back in [`Full`].
//!
//! `bounded(0)` is a rendezvous, as eventlet's `Queue(0)`: a put completes
//! only when a getter has the item. Waiting getters and putters are served in
//! arrival order, and items leave in the queue's order (FIFO, LIFO, smallest
//! first) whatever path they take: a put that finds a getter waiting hands
//! the item to the one waiting longest, at once, so no later get can pass
//! it, and [`getting`](Queue::getting) counts only getters still without an
//! item. Every operation is linearizable.
//!
//! Dropping any future at any point loses no item. A get dropped after an
//! item was handed to it (before it ran) passes the item to the next waiting
//! getter, else puts it back as the oldest item: never lost, never to a
//! newcomer ahead of a waiter, but a consumer that took a later item in the
//! meantime sees this one after it. The timeout faces
//! ([`get_timeout`](Queue::get_timeout),
//! [`get_blocking_timeout`](Queue::get_blocking_timeout)) return such an
//! item instead, so they keep every consumer's order.
//!
//! Everything a queue holds (its items, its waiting getters and putters, its
//! task count) is under one lock, a spin lock held only for a few
//! instructions: a put or get that need not wait is one lock, a push or pop
//! and an unlock. Each waiting getter and putter keeps its waker in its place
//! in line (the queue keeps its own lines rather than event-listener's, which
//! cost a ping-pong round trip nearly twice as much and two allocations), so
//! a wait allocates nothing and a wake-up goes to exactly the waiter it is
//! for, after the lock is let go. A put hands a waiting getter its item by
//! writing it into the getter's future, which the woken getter takes without
//! the lock; so a get future is not `Unpin` (pin it to poll it by hand; the
//! [`stream`](Queue::stream) is `Unpin`). Buffers allocate as they fill and
//! keep their room: an empty queue allocates nothing.
//!
//! # Timed waits
//!
//! Every `*_timeout` face follows one rule across the workspace: what
//! eventlet's call returns on timeout, made unambiguous, handing back
//! anything it was given (the table is in the `eventlet` facade's docs
//! and the repository's `docs/semantics.md`). Here:
//! `get_timeout` returns `Result<T, Empty>` and `put_timeout` `Result<(),
//! Full<T>>` with the item back (eventlet raises `Empty` and `Full`);
//! `join_timeout`, which eventlet lacks, returns `bool`.

pub mod buffer;
mod core;
mod error;
mod faces;
pub mod futures;
mod lifo;
mod light;
mod priority;
mod queue;
mod raw;

pub use error::{Empty, Full, TaskDoneTooManyTimes};
pub use lifo::LifoQueue;
pub use light::LightQueue;
pub use priority::PriorityQueue;
pub use queue::Queue;
