use std::future::Future;
use std::time::Duration;

use crate::futures::{Clock, WithTimeout, WithTimeoutOr};
use crate::timeout::deadline_after;

/// Runs `future` under a timeout that starts now: eventlet's
/// `with_timeout(seconds, func)`.
///
/// `Ok(output)` if the future finishes first, `Err(Elapsed)` if the timeout
/// fires while it is pending (the future is dropped there). `None` means no
/// limit. This form allocates nothing; use [`Timeout`](crate::Timeout) when
/// the timeout must be cancelled, restarted or compared with
/// [`Elapsed::is`](crate::Elapsed::is).
///
/// ```
/// use std::time::Duration;
/// use greentimeout::with_timeout;
///
/// futures_lite::future::block_on(async {
///     let slow = async_io::Timer::after(Duration::from_secs(60));
///     assert!(with_timeout(Duration::from_millis(5), slow).await.is_err());
///     assert_eq!(with_timeout(None, async { "done" }).await, Ok("done"));
/// });
/// ```
pub fn with_timeout<F: Future>(duration: impl Into<Option<Duration>>, future: F) -> WithTimeout<F> {
    let duration = duration.into();
    let clock = Clock::Fixed {
        deadline: duration.and_then(deadline_after),
        duration: duration.unwrap_or(Duration::MAX),
    };
    WithTimeout::new(future, clock)
}

/// Runs `future` under a timeout and gives `fallback` if that timeout fires:
/// eventlet's `with_timeout(seconds, func, timeout_value=fallback)`.
///
/// Only this call's own timeout yields the fallback; an outer timeout that
/// fires first still ends the outer scope with its own `Elapsed`.
///
/// ```
/// use std::time::Duration;
/// use greentimeout::{with_timeout, with_timeout_or};
///
/// futures_lite::future::block_on(async {
///     let never = futures_lite::future::pending::<i32>();
///     assert_eq!(with_timeout_or(Duration::from_millis(5), never, -1).await, -1);
///
///     // The outer timeout fires first: no fallback, the outer error.
///     let never = futures_lite::future::pending::<i32>();
///     let inner = with_timeout_or(Duration::from_secs(60), never, -1);
///     assert!(with_timeout(Duration::from_millis(5), inner).await.is_err());
/// });
/// ```
pub fn with_timeout_or<F: Future>(
    duration: impl Into<Option<Duration>>,
    future: F,
    fallback: F::Output,
) -> WithTimeoutOr<F> {
    WithTimeoutOr::new(with_timeout(duration, future), fallback)
}
