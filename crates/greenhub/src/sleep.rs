use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use async_io::Timer;

/// Suspends the current greenthread for at least `duration`: eventlet's
/// `sleep`. `sleep(Duration::ZERO)` yields exactly once, so the other ready
/// greenthreads run first (eventlet's round-robin).
///
/// ```
/// use std::time::{Duration, Instant};
///
/// greenhub::run(async {
///     let started = Instant::now();
///     greenhub::sleep(Duration::from_millis(5)).await;
///     assert!(started.elapsed() >= Duration::from_millis(5));
/// });
/// ```
pub fn sleep(duration: Duration) -> Sleep {
    Sleep {
        wait: if duration.is_zero() {
            Wait::Yield { yielded: false }
        } else {
            Wait::Timer(Timer::after(duration))
        },
    }
}

/// The future of [`sleep`].
///
/// ```
/// let pause: greenhub::Sleep = greenhub::sleep(std::time::Duration::ZERO);
/// greenhub::run(pause);
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct Sleep {
    wait: Wait,
}

enum Wait {
    Yield { yielded: bool },
    Timer(Timer),
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match &mut self.wait {
            Wait::Yield { yielded: true } => Poll::Ready(()),
            Wait::Yield { yielded } => {
                *yielded = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            Wait::Timer(timer) => Pin::new(timer).poll(cx).map(drop),
        }
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.wait {
            Wait::Yield { .. } => f.write_str("Sleep(0)"),
            Wait::Timer(timer) => f.debug_tuple("Sleep").field(timer).finish(),
        }
    }
}
