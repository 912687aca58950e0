use std::error::Error;
use std::fmt;

/// [`Event::send`](crate::Event::send) or
/// [`send_exception`](crate::Event::send_exception) on an event that was
/// already sent; hands the rejected value back. The event keeps its first value.
///
/// ```
/// use greenevent::Event;
///
/// let event = Event::<&str>::new();
/// event.send("first").unwrap();
/// let rejected = event.send("second").unwrap_err();
/// assert_eq!(rejected.into_inner(), "second");
/// assert_eq!(event.poll(), Some(Ok("first")));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AlreadySent<T>(pub T);

impl<T> AlreadySent<T> {
    /// The value that was not sent.
    ///
    /// ```
    /// assert_eq!(greenevent::AlreadySent(3).into_inner(), 3);
    /// ```
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for AlreadySent<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AlreadySent(..)")
    }
}

impl<T> fmt::Display for AlreadySent<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("event was already sent")
    }
}

impl<T> Error for AlreadySent<T> {}

/// [`Event::reset`](crate::Event::reset) on an event that was not sent.
///
/// ```
/// use greenevent::{Event, NotSent};
///
/// assert_eq!(Event::<()>::new().reset(), Err(NotSent));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NotSent;

impl fmt::Display for NotSent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("event was not sent")
    }
}

impl Error for NotSent {}

/// A greenthread was killed: eventlet's `GreenletExit`.
///
/// The default error type of an [`Event`](crate::Event), and what greenhub's
/// `GreenThread::wait` reports for a killed or cancelled task.
///
/// ```
/// use greenevent::{Event, Killed};
///
/// let event: Event<u8> = Event::new();
/// event.send_exception(Killed).unwrap();
/// assert_eq!(event.wait_blocking(), Err(Killed));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Killed;

impl fmt::Display for Killed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("greenthread was killed")
    }
}

impl Error for Killed {}
