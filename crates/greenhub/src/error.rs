use std::any::Any;
use std::error::Error;
use std::fmt;

use greenevent::Killed;

/// Why a greenthread gave no output: it was killed (or cancelled), or it
/// panicked. eventlet's `wait()` raises `GreenletExit` or re-raises the
/// exception; here both come back as this error, and the hub carries on.
///
/// ```
/// use greenhub::WaitError;
///
/// let panicked = greenhub::run(async {
///     greenhub::spawn(async { panic!("boom") }).wait().await.map(|()| ())
/// });
/// assert_eq!(panicked, Err(WaitError::Panicked("boom".into())));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum WaitError {
    /// Killed, or cancelled before it started: eventlet's `GreenletExit`.
    Killed,
    /// The task panicked; the panic's message.
    Panicked(String),
    /// The task finished, but its output was taken by a consuming
    /// [`join`](crate::GreenThread::join) on another handle.
    Taken,
}

impl WaitError {
    /// Whether the greenthread was killed (or cancelled).
    ///
    /// ```
    /// assert!(greenhub::WaitError::Killed.is_killed());
    /// ```
    pub fn is_killed(&self) -> bool {
        matches!(self, WaitError::Killed)
    }

    /// The error of a task that panicked with `payload` (what
    /// `catch_unwind` returns): [`WaitError::Panicked`] with the panic's
    /// message, as the panic hook prints it. For code that runs futures in
    /// a greenthread of its own and reports their panics as greenthreads'.
    ///
    /// ```
    /// use greenhub::WaitError;
    ///
    /// let payload = std::panic::catch_unwind(|| panic!("boom {}", 7)).unwrap_err();
    /// assert_eq!(WaitError::from_panic(&*payload), WaitError::Panicked("boom 7".into()));
    /// ```
    pub fn from_panic(payload: &(dyn Any + Send)) -> Self {
        WaitError::Panicked(panic_message(payload))
    }
}

/// The message of a panic payload, as the panic hook prints it.
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_string()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "a panic with a non-string payload".to_string()
    }
}

impl From<Killed> for WaitError {
    fn from(Killed: Killed) -> Self {
        WaitError::Killed
    }
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Killed => fmt::Display::fmt(&Killed, f),
            WaitError::Panicked(message) => write!(f, "greenthread panicked: {message}"),
            WaitError::Taken => f.write_str("greenthread output already taken by join"),
        }
    }
}

impl Error for WaitError {}
