//! `imap` and `starmap`: a stream of results in input order, at most the
//! pool's size in flight.
//!
//! As eventlet's, an `imap` runs in a greenthread of its own (a
//! [`MapDriver`]) that takes items while fewer than `size` are started and
//! not yet consumed, so items start and run while the consumer does other
//! things. eventlet gives the map "a whole new pool with the same size so
//! as not to block other users"; here too the items take none of the
//! pool's slots.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_lite::Stream;
use greenhub::WaitError;

use crate::map_driver::{MapDriver, Window};
use crate::{GreenPool, Spawner};

impl<H> GreenPool<H> {
    /// Runs `f(item)` for each of `items` and gives their results **in
    /// input order**: eventlet's `imap`. A greenthread of the map's own, on
    /// the pool's hub, takes items while fewer than
    /// [`size`](GreenPool::size) (read now; at least one) are started and
    /// not yet consumed, so memory stays bounded however long `items` is,
    /// and the items run while the consumer does other things. A later
    /// result waits for the earlier ones without holding them up.
    ///
    /// As in eventlet, which gives the map a new pool of the same size, the
    /// items take none of this pool's slots (so an `imap` from one of the
    /// pool's own greenthreads never waits for itself). They take turns in
    /// the map's greenthread, as eventlet's greenthreads share one OS
    /// thread: for parallel work on a multi-threaded hub,
    /// [`spawn`](GreenPool::spawn) each item instead.
    ///
    /// Each result is `Ok`, or `Err(WaitError::Panicked)` if `f` or the
    /// item's future panicked (eventlet re-raises it there): the stream goes
    /// on after it. A panic in the iterator ends the stream with that
    /// error; if the map's greenthread is killed with its hub, the items it
    /// did not finish give `Err(WaitError::Killed)`.
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
    pub fn imap<I, F, Fut>(&self, f: F, items: I) -> Imap<Fut::Output>
    where
        I: IntoIterator,
        F: MapFn<I::Item, Fut>,
        Fut: Future,
        H: Spawner<MapDriver<I::IntoIter, F, Fut>>,
    {
        let (driver, window) = MapDriver::new(items.into_iter(), f, self.size());
        self.hub.spawn_n(driver);
        Imap { window }
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
    pub fn starmap<I, F, Fut>(&self, f: F, items: I) -> Imap<Fut::Output>
    where
        I: IntoIterator,
        F: StarFn<I::Item, Fut>,
        Fut: Future,
        H: Spawner<MapDriver<I::IntoIter, Spread<F>, Fut>>,
    {
        self.imap(Spread(f), items)
    }
}

/// What a map calls for each item: any `FnMut(item) -> future`
/// ([`imap`](GreenPool::imap)'s functions), or a [`Spread`] function
/// ([`starmap`](GreenPool::starmap)'s).
///
/// ```
/// use greenpool::{MapFn, Spread};
///
/// let mut negate = |n: i32| -n;
/// assert_eq!(negate.call_item(2), -2);
/// let mut add = Spread(|a: i32, b: i32| a + b);
/// assert_eq!(add.call_item((2, 3)), 5);
/// ```
pub trait MapFn<Item, Out> {
    /// Calls the function for `item`.
    fn call_item(&mut self, item: Item) -> Out;
}

impl<Item, Out, Func> MapFn<Item, Out> for Func
where
    Func: FnMut(Item) -> Out,
{
    fn call_item(&mut self, item: Item) -> Out {
        self(item)
    }
}

/// A function called with each item's elements as its arguments: what
/// [`starmap`](GreenPool::starmap) maps.
///
/// ```
/// use greenpool::{MapFn, Spread};
///
/// let mut join = Spread(|a: &str, b: &str, c: &str| format!("{a}{b}{c}"));
/// assert_eq!(join.call_item(("x", "y", "z")), "xyz");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Spread<F>(pub F);

impl<Args, Out, F: StarFn<Args, Out>> MapFn<Args, Out> for Spread<F> {
    fn call_item(&mut self, args: Args) -> Out {
        self.0.call_with(args)
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
/// Dropping it stops the map from taking items; items started run to their
/// end and their results are dropped.
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
#[must_use = "streams do nothing unless polled"]
pub struct Imap<T> {
    window: Arc<Window<T>>,
}

impl<T> Stream for Imap<T> {
    type Item = Result<T, WaitError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.window.poll_next(cx)
    }
}

impl<T> Drop for Imap<T> {
    fn drop(&mut self) {
        self.window.leave();
    }
}

impl<T> fmt::Debug for Imap<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Imap { .. }")
    }
}
