use std::error::Error;
use std::fmt;
use std::io;

use crate::Elapsed;

/// Errors that can say whether they mean "timed out": eventlet's
/// `is_timeout` attribute.
///
/// Implemented by [`Elapsed`], [`TaggedTimeout`], [`std::io::Error`] (kind
/// `TimedOut`) and `dyn Error`, where it walks the `source()` chain like
/// [`is_timeout`]. Implement it for your own error types so that callers can
/// ask them directly.
///
/// ```
/// use std::io;
/// use greentimeout::IsTimeout;
///
/// assert!(io::Error::from(io::ErrorKind::TimedOut).is_timeout());
/// assert!(!io::Error::from(io::ErrorKind::NotFound).is_timeout());
/// ```
pub trait IsTimeout {
    /// Whether this error means an operation timed out.
    ///
    /// ```
    /// use greentimeout::IsTimeout;
    /// assert!(greentimeout::wrap_is_timeout("late").is_timeout());
    /// ```
    fn is_timeout(&self) -> bool;
}

impl IsTimeout for Elapsed {
    fn is_timeout(&self) -> bool {
        true
    }
}

impl IsTimeout for TaggedTimeout {
    fn is_timeout(&self) -> bool {
        true
    }
}

impl IsTimeout for io::Error {
    fn is_timeout(&self) -> bool {
        self.kind() == io::ErrorKind::TimedOut
            || self.get_ref().is_some_and(|inner| is_timeout(inner))
    }
}

impl IsTimeout for dyn Error + 'static {
    fn is_timeout(&self) -> bool {
        is_timeout(self)
    }
}

impl IsTimeout for dyn Error + Send + Sync + 'static {
    fn is_timeout(&self) -> bool {
        is_timeout(self)
    }
}

/// Whether `error`, or any error in its `source()` chain, means "timed out":
/// eventlet's `is_timeout(obj)`.
///
/// True for [`Elapsed`], for [`std::io::Error`] of kind `TimedOut` (eventlet
/// counts the builtin `TimeoutError`), for anything [`wrap_is_timeout`]
/// tagged, and for an `io::Error` that wraps one of those.
///
/// ```
/// use std::io;
/// use greentimeout::{is_timeout, wrap_is_timeout};
///
/// let timed_out = io::Error::from(io::ErrorKind::TimedOut);
/// assert!(is_timeout(&timed_out));
/// let tagged = wrap_is_timeout("the backend took too long");
/// assert!(is_timeout(&tagged));
/// assert!(!is_timeout(&io::Error::from(io::ErrorKind::NotFound)));
/// ```
pub fn is_timeout(error: &(dyn Error + 'static)) -> bool {
    let mut link = Some(error);
    while let Some(error) = link {
        if error.is::<Elapsed>() || error.is::<TaggedTimeout>() {
            return true;
        }
        if let Some(io) = error.downcast_ref::<io::Error>() {
            if io.is_timeout() {
                return true;
            }
        }
        link = error.source();
    }
    false
}

/// Tags an error as a timeout, so that [`is_timeout`] recognises it: eventlet's
/// `wrap_is_timeout`.
///
/// To tag the errors a closure returns, map them: `f().map_err(wrap_is_timeout)`.
/// (eventlet's form that mutates a class has no Rust counterpart: implement
/// [`IsTimeout`] for the type instead.)
///
/// ```
/// use greentimeout::{is_timeout, wrap_is_timeout};
///
/// fn fetch() -> Result<u32, std::num::ParseIntError> {
///     "slow".parse()
/// }
/// let err = fetch().map_err(wrap_is_timeout).unwrap_err();
/// assert!(is_timeout(&err));
/// assert_eq!(err.to_string(), "invalid digit found in string");
/// assert!(err.downcast_ref::<std::num::ParseIntError>().is_some());
/// ```
pub fn wrap_is_timeout<E>(error: E) -> TaggedTimeout
where
    E: Into<Box<dyn Error + Send + Sync + 'static>>,
{
    TaggedTimeout {
        inner: error.into(),
    }
}

/// An error tagged as a timeout by [`wrap_is_timeout`].
///
/// It displays as the error it wraps, keeps that error's `source()` chain, and
/// gives it back through [`into_inner`](TaggedTimeout::into_inner) or
/// [`downcast_ref`](TaggedTimeout::downcast_ref).
///
/// ```
/// use greentimeout::{wrap_is_timeout, IsTimeout};
///
/// let tagged = wrap_is_timeout(std::fmt::Error);
/// assert!(tagged.is_timeout());
/// assert!(tagged.into_inner().is::<std::fmt::Error>());
/// ```
pub struct TaggedTimeout {
    inner: Box<dyn Error + Send + Sync + 'static>,
}

impl TaggedTimeout {
    /// The wrapped error.
    ///
    /// ```
    /// let tagged = greentimeout::wrap_is_timeout("late");
    /// assert_eq!(tagged.get_ref().to_string(), "late");
    /// ```
    pub fn get_ref(&self) -> &(dyn Error + Send + Sync + 'static) {
        &*self.inner
    }

    /// The wrapped error, if it is an `E`.
    ///
    /// ```
    /// let tagged = greentimeout::wrap_is_timeout(std::fmt::Error);
    /// assert!(tagged.downcast_ref::<std::fmt::Error>().is_some());
    /// assert!(tagged.downcast_ref::<std::io::Error>().is_none());
    /// ```
    pub fn downcast_ref<E: Error + 'static>(&self) -> Option<&E> {
        self.inner.downcast_ref()
    }

    /// Gives the wrapped error back.
    ///
    /// ```
    /// let tagged = greentimeout::wrap_is_timeout("late");
    /// assert_eq!(tagged.into_inner().to_string(), "late");
    /// ```
    pub fn into_inner(self) -> Box<dyn Error + Send + Sync + 'static> {
        self.inner
    }
}

impl fmt::Debug for TaggedTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TaggedTimeout").field(&self.inner).finish()
    }
}

impl fmt::Display for TaggedTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)
    }
}

impl Error for TaggedTimeout {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.inner.source()
    }
}
