use std::error::Error;
use std::fmt;
use std::time::Duration;

use crate::Timeout;

/// The error of a bounded future whose timeout fired first.
///
/// It displays like eventlet's `str(Timeout(...))`: `"1 second"`,
/// `"2.5 seconds"`. [`Elapsed::is`] tells which [`Timeout`] fired, which is how
/// nested timeouts are told apart (eventlet compares the raised object).
///
/// ```
/// use std::time::Duration;
/// use greentimeout::with_timeout;
///
/// let pending = futures_lite::future::pending::<()>();
/// let bounded = with_timeout(Duration::from_millis(1), pending);
/// let err = futures_lite::future::block_on(bounded).unwrap_err();
/// assert_eq!(err.to_string(), "0.001 seconds");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Elapsed {
    /// The id of the [`Timeout`] that fired; 0 for the anonymous timeout of
    /// [`with_timeout`](crate::with_timeout), which no `Timeout` carries.
    pub(crate) timeout_id: u64,
    pub(crate) duration: Duration,
}

impl Elapsed {
    /// Whether this error came from `timeout` (and not from another, for
    /// example an outer one).
    ///
    /// ```
    /// use std::time::Duration;
    /// use greentimeout::Timeout;
    ///
    /// futures_lite::future::block_on(async {
    ///     let outer = Timeout::new(Duration::from_millis(5));
    ///     let inner = Timeout::new(Duration::from_secs(60));
    ///     let forever = futures_lite::future::pending::<()>();
    ///     let err = outer.scope(inner.scope(forever)).await.unwrap_err();
    ///     assert!(err.is(&outer));
    ///     assert!(!err.is(&inner));
    /// });
    /// ```
    pub fn is(&self, timeout: &Timeout) -> bool {
        self.timeout_id != 0 && self.timeout_id == timeout.id()
    }

    /// The duration of the timeout that fired.
    ///
    /// ```
    /// use std::time::Duration;
    /// use greentimeout::with_timeout;
    ///
    /// let pending = futures_lite::future::pending::<()>();
    /// let err = futures_lite::future::block_on(with_timeout(Duration::from_millis(2), pending));
    /// assert_eq!(err.unwrap_err().duration(), Duration::from_millis(2));
    /// ```
    pub fn duration(&self) -> Duration {
        self.duration
    }
}

impl fmt::Display for Elapsed {
    /// eventlet's `str(Timeout)`: `"{s} second"` when `s == 1`, else
    /// `"{s} seconds"`, where `s` is the duration in seconds.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.duration.as_secs_f64();
        #[allow(clippy::float_cmp)] // exactly one second is the only singular
        let unit = if seconds == 1.0 { "second" } else { "seconds" };
        write!(f, "{seconds} {unit}")
    }
}

impl Error for Elapsed {}

/// [`Timeout::start`] was called while the timeout was still pending.
///
/// eventlet raises `AssertionError` here; cancel the timeout first to restart it.
///
/// ```
/// use std::time::Duration;
/// use greentimeout::{AlreadyStarted, Timeout};
///
/// let timeout = Timeout::new(Duration::from_secs(60));
/// assert_eq!(timeout.start(), Err(AlreadyStarted));
/// timeout.cancel();
/// assert_eq!(timeout.start(), Ok(()));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AlreadyStarted;

impl fmt::Display for AlreadyStarted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("timeout is already started; cancel it first to restart it")
    }
}

impl Error for AlreadyStarted {}

#[cfg(test)]
mod tests {
    use super::*;

    fn elapsed(duration: Duration) -> String {
        Elapsed {
            timeout_id: 0,
            duration,
        }
        .to_string()
    }

    #[test]
    fn display_matches_eventlet_str() {
        assert_eq!(elapsed(Duration::from_secs(1)), "1 second");
        assert_eq!(elapsed(Duration::from_secs(5)), "5 seconds");
        assert_eq!(elapsed(Duration::from_millis(2500)), "2.5 seconds");
        assert_eq!(elapsed(Duration::from_millis(100)), "0.1 seconds");
        assert_eq!(elapsed(Duration::ZERO), "0 seconds");
    }
}
