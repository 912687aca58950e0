//! eventlet's `greenpool` over greenhub: [`GreenPool`] bounds how many
//! greenthreads run at once, [`GreenPile`] collects results in spawn order,
//! and [`GreenPool::imap`] maps a function over any number of items with
//! results in input order.
//!
//! As in eventlet, a greenthread of a pool that spawns into its full pool
//! runs the new work inline instead of waiting for a slot it may itself
//! hold, so recursive work (a crawler that spawns for each link it finds)
//! finishes even with a pool of one.
//!
//! ```
//! use futures_lite::StreamExt;
//! use greenpool::GreenPool;
//!
//! // eventlet: `for body in pool.imap(fetch, urls): print(body)`
//! async fn fetch(url: &'static str) -> usize {
//!     greenhub::sleep(std::time::Duration::from_millis(1)).await;
//!     url.len()
//! }
//!
//! let lengths: Vec<usize> = greenhub::run(async {
//!     let pool = GreenPool::new(200);
//!     let urls = ["http://a.example", "http://bb.example"];
//!     pool.imap(fetch, urls).map(Result::unwrap).collect().await
//! });
//! assert_eq!(lengths, vec![16, 17]);
//! ```
//!
//! A pool spawns on the calling thread's own hub by default (futures need
//! not be `Send`); [`GreenPool::on`] takes an explicit multi-threaded
//! [`Hub`](greenhub::Hub) instead (futures must be `Send`).
//!
//! # Timed waits
//!
//! Every `*_timeout` face follows one rule across the workspace: what
//! eventlet's call returns on timeout, made unambiguous, handing back
//! anything it was given (the table is in the `eventlet` facade's docs
//! and the repository's `docs/semantics.md`). Here: `spawn_timeout` returns
//! `Err(PoolFull(future))`, the future not started, and `waitall_timeout`
//! returns `false`.

mod error;
pub mod futures;
mod imap;
mod map_driver;
mod pile;
mod pool;
mod slots;
mod spawner;

pub use error::PoolFull;
pub use imap::{MapFn, Spread, StarFn};
pub use pile::GreenPile;
pub use pool::GreenPool;
pub use spawner::{BlockOn, Spawner, ThisThread};
