//! The named futures and the stream of this crate, for users who store them.
//!
//! They are generic over the queue's [`Buffer`]; the
//! default is the FIFO of [`Queue`](crate::Queue) and
//! [`LightQueue`](crate::LightQueue).
//!
//! ```
//! let stack = greenqueue::LifoQueue::<u8>::new();
//! let getting: greenqueue::futures::Get<'_, u8, greenqueue::buffer::Lifo<u8>> = stack.get();
//! # drop(getting);
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use event_listener_strategy::FutureWrapper;
use futures_lite::Stream;
use greentimeout::futures::WithTimeout;
use pin_project_lite::pin_project;

use crate::buffer::{Buffer, Fifo};
use crate::core::{Core, GetInner, JoinInner, PutInner};
use crate::{Empty, Full};

pin_project! {
    /// The future of `get`: the next item, waiting as long as it takes.
    ///
    /// Cancel-safe: dropped at any point, it has taken no item (an item
    /// handed to it goes to the next getter).
    ///
    /// Not `Unpin`, as the receive futures of kanal, tokio and
    /// async-channel: while it waits, a put writes its item into the future
    /// itself. `.await` pins it; to poll it by hand, pin it with
    /// `std::pin::pin!` or `Box::pin` (or use the `Unpin` stream,
    /// [`Items`]).
    ///
    /// ```
    /// let queue = greenqueue::Queue::new();
    /// queue.try_put(1).unwrap();
    /// let getting: greenqueue::futures::Get<'_, i32> = queue.get();
    /// assert_eq!(futures_lite::future::block_on(getting), 1);
    ///
    /// let mut waiting = std::pin::pin!(queue.get());
    /// assert!(futures_lite::future::block_on(futures_lite::future::poll_once(waiting.as_mut())).is_none());
    /// queue.try_put(2).unwrap();
    /// assert_eq!(futures_lite::future::block_on(waiting), 2);
    /// ```
    #[must_use = "futures do nothing unless awaited"]
    pub struct Get<'a, T, B: Buffer<T> = Fifo<T>> {
        #[pin]
        inner: GetInner<'a, T, B>,
    }
}

impl<'a, T, B: Buffer<T>> Get<'a, T, B> {
    pub(crate) fn new(core: &'a Core<T, B>) -> Self {
        Get {
            inner: GetInner::new(core),
        }
    }

    /// Stops getting: the item handed to it if there is one.
    fn withdraw(self: Pin<&mut Self>) -> Option<T> {
        self.project().inner.withdraw()
    }
}

impl<T, B: Buffer<T>> Future for Get<'_, T, B> {
    type Output = T;

    // Inlined down to the caller's future, as the poll it wraps (core.rs).
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        self.project().inner.poll(cx)
    }
}

pin_project! {
    /// The future of `get_timeout`: `Err(Empty)` if nothing came in time. An
    /// item handed to it by the time the timeout passes is returned.
    ///
    /// ```
    /// use std::time::Duration;
    /// let queue = greenqueue::Queue::<u8>::new();
    /// let getting: greenqueue::futures::GetTimeout<'_, u8> = queue.get_timeout(Duration::ZERO);
    /// assert!(futures_lite::future::block_on(getting).is_err());
    /// ```
    #[must_use = "futures do nothing unless awaited"]
    pub struct GetTimeout<'a, T, B: Buffer<T> = Fifo<T>> {
        #[pin]
        inner: WithTimeout<Get<'a, T, B>>,
    }
}

impl<'a, T, B: Buffer<T>> GetTimeout<'a, T, B> {
    pub(crate) fn new(inner: WithTimeout<Get<'a, T, B>>) -> Self {
        GetTimeout { inner }
    }
}

impl<T, B: Buffer<T>> Future for GetTimeout<'_, T, B> {
    type Output = Result<T, Empty>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut inner = self.project().inner;
        match inner.as_mut().poll(cx) {
            Poll::Ready(Ok(item)) => Poll::Ready(Ok(item)),
            // Timed out: leave the line, unless an item was handed to us
            // first (then the get took effect, and it is ours).
            Poll::Ready(Err(_)) => Poll::Ready(inner.get_pin_mut().withdraw().ok_or(Empty)),
            Poll::Pending => Poll::Pending,
        }
    }
}

pin_project! {
    /// The future of `put`: waits for room (or, for a rendezvous, for a
    /// getter to take the item).
    ///
    /// Cancel-safe: dropped before its item was taken, it takes the item with
    /// it and leaves no trace; an item that was taken stays put.
    ///
    /// ```
    /// let queue = greenqueue::Queue::bounded(1);
    /// let putting: greenqueue::futures::Put<'_, &str> = queue.put("x");
    /// futures_lite::future::block_on(putting);
    /// assert_eq!(queue.len(), 1);
    /// ```
    #[must_use = "futures do nothing unless awaited"]
    pub struct Put<'a, T, B: Buffer<T> = Fifo<T>> {
        #[pin]
        inner: PutInner<'a, T, B>,
    }
}

impl<'a, T, B: Buffer<T>> Put<'a, T, B> {
    pub(crate) fn new(core: &'a Core<T, B>, item: T) -> Self {
        Put {
            inner: PutInner::new(core, item),
        }
    }

    /// Stops putting: `Err(item)` if the item was not taken yet.
    fn withdraw(self: Pin<&mut Self>) -> Result<(), T> {
        self.project().inner.get_mut().withdraw()
    }
}

impl<T, B: Buffer<T>> Future for Put<'_, T, B> {
    type Output = ();

    // Inlined down to the caller's future, as the poll it wraps (core.rs).
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.project().inner.poll(cx)
    }
}

pin_project! {
    /// The future of `put_timeout`: `Err(Full(item))` if the item was not
    /// taken in time; the item comes back and was never counted as a task.
    ///
    /// ```
    /// use std::time::Duration;
    /// let queue = greenqueue::Queue::bounded(0);
    /// let putting: greenqueue::futures::PutTimeout<'_, u8> = queue.put_timeout(7, Duration::ZERO);
    /// assert_eq!(futures_lite::future::block_on(putting).unwrap_err().into_inner(), 7);
    /// ```
    #[must_use = "futures do nothing unless awaited"]
    pub struct PutTimeout<'a, T, B: Buffer<T> = Fifo<T>> {
        #[pin]
        inner: WithTimeout<Put<'a, T, B>>,
    }
}

impl<'a, T, B: Buffer<T>> PutTimeout<'a, T, B> {
    pub(crate) fn new(inner: WithTimeout<Put<'a, T, B>>) -> Self {
        PutTimeout { inner }
    }
}

impl<T, B: Buffer<T>> Future for PutTimeout<'_, T, B> {
    type Output = Result<(), Full<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut inner = self.project().inner;
        match inner.as_mut().poll(cx) {
            Poll::Ready(Ok(())) => Poll::Ready(Ok(())),
            // Timed out: take the item back, unless a getter took it first.
            Poll::Ready(Err(_)) => Poll::Ready(inner.get_pin_mut().withdraw().map_err(Full)),
            Poll::Pending => Poll::Pending,
        }
    }
}

pin_project! {
    /// The future of `join`: waits until every item put has been marked done.
    ///
    /// ```
    /// let queue = greenqueue::Queue::<u8>::new();
    /// let joining: greenqueue::futures::Join<'_, u8> = queue.join();
    /// futures_lite::future::block_on(joining); // nothing unfinished
    /// ```
    #[must_use = "futures do nothing unless awaited"]
    pub struct Join<'a, T, B: Buffer<T> = Fifo<T>> {
        #[pin]
        inner: FutureWrapper<JoinInner<'a, T, B>>,
    }
}

impl<'a, T, B: Buffer<T>> Join<'a, T, B> {
    pub(crate) fn new(core: &'a Core<T, B>) -> Self {
        Join {
            inner: FutureWrapper::new(JoinInner::new(core)),
        }
    }
}

impl<T, B: Buffer<T>> Future for Join<'_, T, B> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.project().inner.poll(cx)
    }
}

pin_project! {
    /// The future of `join_timeout`: `false` if tasks were still unfinished
    /// when the timeout passed.
    ///
    /// ```
    /// use std::time::Duration;
    /// let queue = greenqueue::Queue::new();
    /// queue.try_put(1).unwrap();
    /// let joining: greenqueue::futures::JoinTimeout<'_, i32> = queue.join_timeout(Duration::ZERO);
    /// assert!(!futures_lite::future::block_on(joining));
    /// ```
    #[must_use = "futures do nothing unless awaited"]
    pub struct JoinTimeout<'a, T, B: Buffer<T> = Fifo<T>> {
        #[pin]
        inner: WithTimeout<Join<'a, T, B>>,
    }
}

impl<'a, T, B: Buffer<T>> JoinTimeout<'a, T, B> {
    pub(crate) fn new(inner: WithTimeout<Join<'a, T, B>>) -> Self {
        JoinTimeout { inner }
    }
}

impl<T, B: Buffer<T>> Future for JoinTimeout<'_, T, B> {
    type Output = bool;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<bool> {
        self.project().inner.poll(cx).map(|joined| joined.is_ok())
    }
}

/// A never-ending `Stream` of a queue's items: each is a `get`.
///
/// `Unpin`, so that `StreamExt::next` takes it as it is. A get future is
/// pinned (a waiting getter's item is written into it), so the stream boxes
/// one the first time it has to wait, and reuses it for every item after:
/// one allocation per stream, none per item.
///
/// ```
/// use futures_lite::StreamExt;
///
/// let queue = greenqueue::LightQueue::new();
/// for i in 0..3 {
///     queue.try_put(i).unwrap();
/// }
/// let items: greenqueue::futures::Items<'_, i32> = queue.stream();
/// let got: Vec<_> = futures_lite::future::block_on(items.take(3).collect());
/// assert_eq!(got, vec![0, 1, 2]);
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Items<'a, T, B: Buffer<T> = Fifo<T>> {
    core: &'a Core<T, B>,
    /// The get that waits, once one had to.
    waiting: Option<Pin<Box<Get<'a, T, B>>>>,
}

impl<'a, T, B: Buffer<T>> Items<'a, T, B> {
    pub(crate) fn new(core: &'a Core<T, B>) -> Self {
        Items {
            core,
            waiting: None,
        }
    }
}

impl<T, B: Buffer<T>> Stream for Items<'_, T, B> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = self.get_mut();
        let get = if let Some(get) = &mut this.waiting {
            get
        } else {
            if let Some(item) = this.core.try_get() {
                return Poll::Ready(Some(item));
            }
            this.waiting.insert(Box::pin(Get::new(this.core)))
        };
        // A get that returned its item starts over when polled again.
        get.as_mut().poll(cx).map(Some)
    }
}

macro_rules! opaque_debug {
    ($($name:ident),*) => {$(
        impl<T, B: Buffer<T>> fmt::Debug for $name<'_, T, B> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), " { .. }"))
            }
        }
    )*};
}

opaque_debug!(Get, GetTimeout, Put, PutTimeout, Join, JoinTimeout, Items);
