//! `imap` and `starmap`: a stream of results in input order, at most the
//! pool's size in flight.
//!
//! eventlet runs a producer greenthread that spawns into the pool and feeds
//! a bounded queue of greenthreads. Here the stream is its own producer:
//! each poll tops up the items in flight (waiting for a slot as a FIFO
//! spawner) and then looks at the oldest. That needs no extra greenthread,
//! no queue and no `'static` or `Send` bound beyond the pool's own, and the
//! items in flight run on their own while the consumer does other things.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_lite::Stream;
use greenhub::WaitError;
use greenhub::futures::Join;
use greensem::futures::AcquireArc;

use crate::slots::{Pooled, Slot, Slots};
use crate::{GreenPool, Spawner};

impl<H> GreenPool<H> {
    /// Runs `f(item)` for each of `items` as a greenthread of the pool, and
    /// gives their results **in input order**: eventlet's `imap`. Items are
    /// taken as slots come free, at most [`size`](GreenPool::size) of them
    /// in flight (running, or finished and waiting for the consumer), so
    /// memory stays bounded however long `items` is. A later result waits
    /// for the earlier ones without holding them up.
    ///
    /// Each result is `Ok`, or the item's `WaitError` (it panicked or was
    /// killed): the stream goes on after it.
    ///
    /// ```
    /// use std::time::Duration;
    /// use futures_lite::StreamExt;
    ///
    /// let doubled: Vec<_> = greenhub::run(async {
    ///     let pool = greenpool::GreenPool::new(3);
    ///     // The first item is the slowest: results still come in input order.
    ///     pool.imap(|n: u64| async move {
    ///         greenhub::sleep(Duration::from_millis(10 - n)).await;
    ///         n * 2
    ///     }, 0..6)
    ///     .map(Result::unwrap)
    ///     .collect()
    ///     .await
    /// });
    /// assert_eq!(doubled, vec![0, 2, 4, 6, 8, 10]);
    /// ```
    pub fn imap<I, F, Fut>(&self, f: F, items: I) -> Imap<I::IntoIter, F, Fut, H>
    where
        I: IntoIterator,
        F: FnMut(I::Item) -> Fut,
        Fut: Future,
        H: Spawner<Pooled<Fut>> + Clone,
    {
        Imap {
            pool: self.clone(),
            items: Some(items.into_iter()),
            f,
            next_item: None,
            acquiring: None,
            in_flight: VecDeque::new(),
            inline: None,
        }
    }

    /// [`imap`](GreenPool::imap) for items that are argument tuples:
    /// `f(a, b)` for each `(a, b)`, as eventlet's `starmap` (tuples of one
    /// to four arguments).
    ///
    /// ```
    /// use futures_lite::StreamExt;
    ///
    /// let sums: Vec<_> = greenhub::run(async {
    ///     let pool = greenpool::GreenPool::new(2);
    ///     pool.starmap(|a: u32, b: u32| async move { a + b }, [(1, 2), (3, 4), (5, 6)])
    ///         .map(Result::unwrap)
    ///         .collect()
    ///         .await
    /// });
    /// assert_eq!(sums, vec![3, 7, 11]);
    /// ```
    pub fn starmap<I, F, Fut>(
        &self,
        mut f: F,
        items: I,
    ) -> Imap<I::IntoIter, impl FnMut(I::Item) -> Fut, Fut, H>
    where
        I: IntoIterator,
        F: StarFn<I::Item, Fut>,
        Fut: Future,
        H: Spawner<Pooled<Fut>> + Clone,
    {
        self.imap(move |args| f.call_with(args), items)
    }
}

/// A function that takes a tuple's elements as its arguments: what
/// [`starmap`](GreenPool::starmap) calls. Implemented for `FnMut` of one to
/// four arguments.
///
/// ```
/// use greenpool::StarFn;
///
/// let mut add = |a: i32, b: i32| a + b;
/// assert_eq!(add.call_with((2, 3)), 5);
/// ```
pub trait StarFn<Args, Out> {
    /// Calls the function with `args` spread.
    fn call_with(&mut self, args: Args) -> Out;
}

macro_rules! star_fn {
    ($($arg:ident),+) => {
        impl<Func, Out, $($arg),+> StarFn<($($arg,)+), Out> for Func
        where
            Func: FnMut($($arg),+) -> Out,
        {
            #[allow(non_snake_case)]
            fn call_with(&mut self, ($($arg,)+): ($($arg,)+)) -> Out {
                self($($arg),+)
            }
        }
    };
}

star_fn!(A);
star_fn!(A, B);
star_fn!(A, B, C);
star_fn!(A, B, C, D);

/// The stream of [`GreenPool::imap`] and [`GreenPool::starmap`]: results in
/// input order.
///
/// Dropping it stops taking items; items in flight run to their end and
/// their results are dropped. A spawn it was waiting for is given up, and
/// its turn passes on.
///
/// ```
/// use futures_lite::StreamExt;
///
/// greenhub::run(async {
///     let pool = greenpool::GreenPool::new(2);
///     let mut results = pool.imap(|n: i32| async move { -n }, 1..=3);
///     assert_eq!(results.next().await, Some(Ok(-1)));
///     assert_eq!(results.next().await, Some(Ok(-2)));
///     assert_eq!(results.next().await, Some(Ok(-3)));
///     assert_eq!(results.next().await, None);
/// });
/// ```
pub struct Imap<I: Iterator, F, Fut: Future, H> {
    pool: GreenPool<H>,
    /// `None` once it gave its last item.
    items: Option<I>,
    f: F,
    /// Taken from `items`, waiting for a slot.
    next_item: Option<I::Item>,
    acquiring: Option<Acquiring>,
    /// The items started, oldest first.
    in_flight: VecDeque<Join<Fut::Output>>,
    /// An item run inline: this stream is polled by one of the pool's own
    /// greenthreads, the pool is full and nothing of its own is in flight
    /// to free a slot (eventlet's rule, as in `spawn`).
    inline: Option<Pin<Box<Fut>>>,
}

/// A wait for a slot. Given up without one, it tells `waitall`, which may
/// have been waiting for it.
struct Acquiring {
    acquire: Option<AcquireArc>,
    slots: Arc<Slots>,
}

impl Drop for Acquiring {
    fn drop(&mut self) {
        if self.acquire.take().is_some() {
            self.slots.wake_if_idle();
        }
    }
}

impl<I, F, Fut, H> Imap<I, F, Fut, H>
where
    I: Iterator,
    F: FnMut(I::Item) -> Fut,
    Fut: Future,
    H: Spawner<Pooled<Fut>>,
{
    /// The next item to start, taken from `items` once.
    fn peek_item(&mut self) -> bool {
        if self.next_item.is_none() {
            self.next_item = self.items.as_mut().and_then(Iterator::next);
            if self.next_item.is_none() {
                self.items = None;
            }
        }
        self.next_item.is_some()
    }

    /// Starts items while slots come free, up to `limit` (the pool's size,
    /// read once per poll) in flight.
    fn top_up(&mut self, cx: &mut Context<'_>, limit: usize) {
        while self.in_flight.len() < limit && self.inline.is_none() && self.peek_item() {
            if self.acquiring.is_none() {
                if self.in_flight.is_empty() && self.pool.is_own_and_full() {
                    let item = self.next_item.take().expect("peeked");
                    self.inline = Some(Box::pin((self.f)(item)));
                    return;
                }
                self.acquiring = Some(Acquiring {
                    acquire: Some(self.pool.slots.permits.acquire_arc()),
                    slots: self.pool.slots.clone(),
                });
            }
            let acquiring = self.acquiring.as_mut().expect("set above");
            let acquire = acquiring.acquire.as_mut().expect("taken only when served");
            let Poll::Ready(permit) = Pin::new(acquire).poll(cx) else {
                return; // woken when a slot comes free
            };
            acquiring.acquire = None; // served: nothing to tell
            self.acquiring = None;
            let item = self.next_item.take().expect("peeked");
            let future = (self.f)(item);
            let slot = Slot::of(permit, &self.pool.slots);
            let thread = self.pool.start_unshared(slot, future);
            self.in_flight.push_back(thread.join());
        }
    }
}

// Nothing in it is pinned in place: the item run inline is boxed, and the
// joins and the acquire are Unpin.
impl<I: Iterator, F, Fut: Future, H> Unpin for Imap<I, F, Fut, H> {}

impl<I, F, Fut, H> Stream for Imap<I, F, Fut, H>
where
    I: Iterator,
    F: FnMut(I::Item) -> Fut,
    Fut: Future,
    H: Spawner<Pooled<Fut>>,
{
    type Item = Result<Fut::Output, WaitError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let limit = this.pool.size().max(1);
        this.top_up(cx, limit);
        if let Some(inline) = this.inline.as_mut() {
            let output = std::task::ready!(inline.as_mut().poll(cx));
            this.inline = None;
            return Poll::Ready(Some(Ok(output)));
        }
        if let Some(oldest) = this.in_flight.front_mut() {
            let result = std::task::ready!(Pin::new(oldest).poll(cx));
            this.in_flight.pop_front();
            // Its slot may have gone to our next item: start it now, so it
            // runs while the consumer handles this result.
            this.top_up(cx, limit);
            return Poll::Ready(Some(result));
        }
        if this.acquiring.is_some() {
            return Poll::Pending; // the first item waits for a slot
        }
        Poll::Ready(None)
    }
}

impl<I: Iterator, F, Fut: Future, H> fmt::Debug for Imap<I, F, Fut, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Imap")
            .field("in_flight", &self.in_flight.len())
            .field("exhausted", &self.items.is_none())
            .finish_non_exhaustive()
    }
}
