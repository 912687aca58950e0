//! Deadlines for the blocking faces of event-listener futures.
//!
//! Every waiting operation of this workspace is one
//! [`EventListenerFuture`]: polled with the non-blocking strategy it is the
//! async face, polled with the blocking strategy it is the `*_blocking` face.
//! [`wait_timeout`] is the `*_blocking_timeout` face: the same future, polled
//! with a strategy that blocks the thread until a deadline and then gives up.
//! The future is dropped on timeout, so its cancel safety is what keeps a
//! timed-out blocking wait from losing anything.
//!
//! ```
//! use std::pin::Pin;
//! use std::task::Poll;
//! use std::time::Duration;
//! use event_listener_strategy::{EventListenerFuture, Strategy};
//!
//! // An operation whose fast path succeeds: a zero timeout still runs it.
//! struct Done;
//! impl EventListenerFuture for Done {
//!     type Output = u8;
//!     fn poll_with_strategy<'x, S: Strategy<'x>>(
//!         self: Pin<&mut Self>, _: &mut S, _: &mut S::Context,
//!     ) -> Poll<u8> {
//!         Poll::Ready(3)
//!     }
//! }
//! assert_eq!(greentimeout::blocking::wait_timeout(Done, Duration::ZERO), Some(3));
//! ```

use std::future::{Future, Ready, ready};
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use event_listener_strategy::event_listener::{EventListener, Listener};
use event_listener_strategy::{EventListenerFuture, Strategy};

use crate::timeout::deadline_after;

/// Drives `future` on this thread until it finishes or `timeout` passes.
///
/// `Some(output)` if it finished, `None` if it timed out (the future is then
/// dropped). A zero timeout still runs the future's fast path, so an operation
/// that can complete at once does.
///
/// # Blocking
/// This blocks the calling thread: do not call it from async code.
///
/// ```
/// use std::pin::Pin;
/// use std::task::Poll;
/// use std::time::Duration;
/// use event_listener_strategy::{event_listener::{Event, EventListener}, EventListenerFuture, Strategy};
///
/// // A future that waits for one notification of an event.
/// struct Notified<'a> { event: &'a Event, listener: Option<EventListener> }
///
/// impl EventListenerFuture for Notified<'_> {
///     type Output = ();
///     fn poll_with_strategy<'x, S: Strategy<'x>>(
///         mut self: Pin<&mut Self>, strategy: &mut S, cx: &mut S::Context,
///     ) -> Poll<()> {
///         if self.listener.is_none() {
///             self.listener = Some(self.event.listen());
///         }
///         strategy.poll(&mut self.listener, cx)
///     }
/// }
///
/// let event = Event::new();
/// let waiting = Notified { event: &event, listener: None };
/// assert_eq!(greentimeout::blocking::wait_timeout(waiting, Duration::from_millis(5)), None);
/// ```
pub fn wait_timeout<F: EventListenerFuture>(future: F, timeout: Duration) -> Option<F::Output> {
    wait_deadline(future, deadline_after(timeout))
}

/// Drives `future` on this thread until it finishes or `deadline` passes;
/// `None` as the deadline waits without limit.
///
/// # Blocking
/// This blocks the calling thread: do not call it from async code.
///
/// ```
/// use std::time::Instant;
/// use event_listener_strategy::{EventListenerFuture, Strategy};
///
/// struct Ready;
/// impl EventListenerFuture for Ready {
///     type Output = u8;
///     fn poll_with_strategy<'x, S: Strategy<'x>>(
///         self: std::pin::Pin<&mut Self>, _: &mut S, _: &mut S::Context,
///     ) -> std::task::Poll<u8> {
///         std::task::Poll::Ready(1)
///     }
/// }
/// // Ready at once: the past deadline does not matter.
/// assert_eq!(greentimeout::blocking::wait_deadline(Ready, Some(Instant::now())), Some(1));
/// ```
pub fn wait_deadline<F: EventListenerFuture>(
    future: F,
    deadline: Option<Instant>,
) -> Option<F::Output> {
    wait_pinned(pin!(future), deadline)
}

/// As [`wait_deadline`], on a pinned future that stays with the caller: after a
/// timeout it is still there, so the caller can take back what it holds (a
/// queue put its item) before dropping it.
///
/// # Blocking
/// This blocks the calling thread: do not call it from async code.
///
/// ```
/// use std::pin::pin;
/// use std::time::Instant;
/// use event_listener_strategy::{EventListenerFuture, Strategy};
///
/// struct Ready;
/// impl EventListenerFuture for Ready {
///     type Output = u8;
///     fn poll_with_strategy<'x, S: Strategy<'x>>(
///         self: std::pin::Pin<&mut Self>, _: &mut S, _: &mut S::Context,
///     ) -> std::task::Poll<u8> {
///         std::task::Poll::Ready(2)
///     }
/// }
/// let mut ready = pin!(Ready);
/// assert_eq!(greentimeout::blocking::wait_pinned(ready.as_mut(), Some(Instant::now())), Some(2));
/// ```
pub fn wait_pinned<F: EventListenerFuture + ?Sized>(
    mut future: Pin<&mut F>,
    deadline: Option<Instant>,
) -> Option<F::Output> {
    let mut strategy = Deadline { deadline };
    loop {
        if let Poll::Ready(output) = future.as_mut().poll_with_strategy(&mut strategy, &mut ()) {
            return Some(output);
        }
        if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
            return None;
        }
    }
}

/// Blocks on a listener until it is notified or the deadline passes, in which
/// case the future sees `Pending` and [`wait_deadline`] gives up.
///
/// A listener that times out stays where it is, registered: the future's own
/// drop then decides what becomes of a notification that raced with the
/// timeout (a semaphore passes it to its next waiter, an event discards it).
/// Dropping it here instead would let event-listener pass it on by itself.
#[derive(Debug)]
struct Deadline {
    deadline: Option<Instant>,
}

impl Strategy<'_> for Deadline {
    type Context = ();
    type Future = Ready<()>;

    fn poll<T, L: Listener<T> + Unpin>(
        &mut self,
        listener: &mut Option<L>,
        (): &mut (),
    ) -> Poll<T> {
        let Some(deadline) = self.deadline else {
            let listener = listener
                .take()
                .expect("a listener is registered before the strategy polls it");
            return Poll::Ready(listener.wait());
        };
        let (parker, unparker) = parking::pair();
        let waker = Waker::from(unparker);
        let mut cx = Context::from_waker(&waker);
        loop {
            let registered = listener
                .as_mut()
                .expect("a listener is registered before the strategy polls it");
            if let Poll::Ready(tag) = Pin::new(registered).poll(&mut cx) {
                *listener = None;
                return Poll::Ready(tag);
            }
            if !parker.park_deadline(deadline) {
                return Poll::Pending;
            }
        }
    }

    /// Callers re-check their condition after this returns, so a timed-out
    /// wait reads as a spurious wake-up.
    fn wait(&mut self, listener: EventListener) -> Ready<()> {
        match self.deadline {
            Some(deadline) => drop(listener.wait_deadline(deadline)),
            None => listener.wait(),
        }
        ready(())
    }
}

/// Drives a plain future on this thread until it finishes or `deadline`
/// passes (`None`: no deadline), for the blocking faces of waits that keep
/// their own wakers instead of an event-listener (a queue's getters and
/// putters). The thread parks between polls; the future stays with the
/// caller, so after a timeout the caller can take back what it holds.
///
/// # Blocking
/// This blocks the calling thread: do not call it from async code.
///
/// ```
/// use std::pin::pin;
/// use std::time::{Duration, Instant};
///
/// let mut ready = pin!(async { 5 });
/// assert_eq!(greentimeout::blocking::block_on_pinned(ready.as_mut(), None), Some(5));
/// let mut never = pin!(std::future::pending::<()>());
/// let soon = Some(Instant::now() + Duration::from_millis(5));
/// assert_eq!(greentimeout::blocking::block_on_pinned(never.as_mut(), soon), None);
/// ```
pub fn block_on_pinned<F: Future + ?Sized>(
    mut future: Pin<&mut F>,
    deadline: Option<Instant>,
) -> Option<F::Output> {
    let (parker, unparker) = parking::pair();
    let waker = Waker::from(unparker);
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return Some(output);
        }
        match deadline {
            None => parker.park(),
            Some(deadline) => {
                if !parker.park_deadline(deadline) && Instant::now() >= deadline {
                    // One last look: what came with the deadline still counts.
                    return match future.as_mut().poll(&mut cx) {
                        Poll::Ready(output) => Some(output),
                        Poll::Pending => None,
                    };
                }
            }
        }
    }
}
