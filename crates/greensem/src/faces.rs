//! The acquire futures, and the faces every semaphore type shares.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use greentimeout::futures::WithTimeout;
use pin_project_lite::pin_project;

use crate::core::{AcquirePermit, Core, HasCore};
use crate::{SemaphoreGuard, SemaphoreGuardArc};

pin_project! {
    /// The future of `acquire` on a [`Semaphore`](crate::Semaphore) or
    /// [`BoundedSemaphore`](crate::BoundedSemaphore).
    ///
    /// Cancel-safe: dropped at any point, it holds no permit and passes a
    /// wake-up it received to the next waiter.
    ///
    /// ```
    /// let sem = greensem::Semaphore::new(1);
    /// let acquiring: greensem::futures::Acquire<'_> = sem.acquire();
    /// let guard = futures_lite::future::block_on(acquiring);
    /// assert!(sem.locked());
    /// # drop(guard);
    /// ```
    #[must_use = "futures do nothing unless awaited"]
    pub struct Acquire<'a> {
        #[pin]
        inner: AcquirePermit<&'a Core>,
    }
}

impl<'a> Acquire<'a> {
    pub(crate) fn new(core: &'a Core, barge: bool) -> Self {
        Acquire {
            inner: AcquirePermit::new(core, barge),
        }
    }
}

impl<'a> Future for Acquire<'a> {
    type Output = SemaphoreGuard<'a>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<SemaphoreGuard<'a>> {
        self.project()
            .inner
            .poll(cx)
            .map(|core| SemaphoreGuard { core })
    }
}

impl fmt::Debug for Acquire<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Acquire { .. }")
    }
}

pin_project! {
    /// The future of `acquire_arc`: as [`Acquire`], for a semaphore in an `Arc`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let sem = Arc::new(greensem::Semaphore::new(1));
    /// let acquiring: greensem::futures::AcquireArc = sem.acquire_arc();
    /// let guard = futures_lite::future::block_on(acquiring);
    /// # drop(guard);
    /// ```
    #[must_use = "futures do nothing unless awaited"]
    pub struct AcquireArc {
        #[pin]
        inner: AcquirePermit<Arc<dyn HasCore>>,
    }
}

impl AcquireArc {
    pub(crate) fn new(semaphore: Arc<dyn HasCore>, barge: bool) -> Self {
        AcquireArc {
            inner: AcquirePermit::new(semaphore, barge),
        }
    }
}

impl Future for AcquireArc {
    type Output = SemaphoreGuardArc;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<SemaphoreGuardArc> {
        self.project()
            .inner
            .poll(cx)
            .map(|semaphore| SemaphoreGuardArc {
                semaphore: Some(semaphore),
            })
    }
}

impl fmt::Debug for AcquireArc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AcquireArc { .. }")
    }
}

pin_project! {
    /// The future of `acquire_timeout`: `None` if the timeout passed first.
    ///
    /// ```
    /// use std::time::Duration;
    /// let sem = greensem::Semaphore::new(0);
    /// let acquiring: greensem::futures::AcquireTimeout<'_> = sem.acquire_timeout(Duration::ZERO);
    /// assert!(futures_lite::future::block_on(acquiring).is_none());
    /// ```
    #[must_use = "futures do nothing unless awaited"]
    pub struct AcquireTimeout<'a> {
        #[pin]
        inner: WithTimeout<Acquire<'a>>,
    }
}

impl<'a> AcquireTimeout<'a> {
    pub(crate) fn new(inner: WithTimeout<Acquire<'a>>) -> Self {
        AcquireTimeout { inner }
    }
}

impl<'a> Future for AcquireTimeout<'a> {
    type Output = Option<SemaphoreGuard<'a>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project().inner.poll(cx).map(Result::ok)
    }
}

impl fmt::Debug for AcquireTimeout<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AcquireTimeout { .. }")
    }
}

pin_project! {
    /// The future of `acquire_arc_timeout`: `None` if the timeout passed first.
    ///
    /// ```
    /// use std::{sync::Arc, time::Duration};
    /// let sem = Arc::new(greensem::Semaphore::new(0));
    /// let acquiring: greensem::futures::AcquireArcTimeout = sem.acquire_arc_timeout(Duration::ZERO);
    /// assert!(futures_lite::future::block_on(acquiring).is_none());
    /// ```
    #[must_use = "futures do nothing unless awaited"]
    pub struct AcquireArcTimeout {
        #[pin]
        inner: WithTimeout<AcquireArc>,
    }
}

impl AcquireArcTimeout {
    pub(crate) fn new(inner: WithTimeout<AcquireArc>) -> Self {
        AcquireArcTimeout { inner }
    }
}

impl Future for AcquireArcTimeout {
    type Output = Option<SemaphoreGuardArc>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project().inner.poll(cx).map(Result::ok)
    }
}

impl fmt::Debug for AcquireArcTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AcquireArcTimeout { .. }")
    }
}

/// The acquire faces and queries, identical for `Semaphore` and
/// `BoundedSemaphore`: each is a thin call into `Core` and `AcquirePermit`.
macro_rules! semaphore_faces {
    ($ty:ident) => {
        impl $ty {
            /// Runs `body` while holding a permit: eventlet's `with sem:`
            /// block, and the form to reach for first. It waits for a permit
            /// as [`acquire`](Self::acquire) does, runs `body`, and gives the
            /// permit back when `body` ends, panics, or is dropped (a
            /// timeout, a kill). Nothing can release the permit early.
            ///
            /// ```python
            /// with sem:
            ///     print("working")
            /// ```
            ///
            /// ```
            #[doc = concat!("let sem = greensem::", stringify!($ty), "::new(1);")]
            /// futures_lite::future::block_on(sem.with(async {
            ///     println!("working");
            ///     assert!(sem.locked());
            /// }));
            /// assert!(!sem.locked());
            /// ```
            pub async fn with<F: std::future::Future>(&self, body: F) -> F::Output {
                let _permit = self.acquire().await;
                body.await
            }

            /// Waits for a permit, behind every task already waiting (FIFO).
            ///
            /// Cancel-safe: dropping the future at any point takes no permit
            /// and passes on a wake-up it received.
            ///
            /// ```
            #[doc = concat!("let sem = greensem::", stringify!($ty), "::new(1);")]
            /// futures_lite::future::block_on(async {
            ///     let guard = sem.acquire().await;
            ///     assert!(sem.locked());
            ///     drop(guard);
            /// });
            /// ```
            pub fn acquire(&self) -> $crate::futures::Acquire<'_> {
                $crate::futures::Acquire::new(&self.core, false)
            }

            /// [`acquire`](Self::acquire), bounded: `None` if `timeout` passes
            /// first. Like eventlet's timed acquire, it takes a free permit at
            /// once even while others wait.
            ///
            /// ```
            /// use std::time::Duration;
            #[doc = concat!("let sem = greensem::", stringify!($ty), "::new(0);")]
            /// let got = futures_lite::future::block_on(sem.acquire_timeout(Duration::from_millis(5)));
            /// assert!(got.is_none());
            /// ```
            pub fn acquire_timeout(
                &self,
                timeout: std::time::Duration,
            ) -> $crate::futures::AcquireTimeout<'_> {
                let acquire = $crate::futures::Acquire::new(&self.core, true);
                $crate::futures::AcquireTimeout::new(greentimeout::with_timeout(timeout, acquire))
            }

            /// [`acquire`](Self::acquire) for OS threads: blocks this thread.
            ///
            /// # Blocking
            /// This blocks the calling thread: in async code use
            /// [`acquire`](Self::acquire).
            ///
            /// ```
            #[doc = concat!("let sem = greensem::", stringify!($ty), "::new(1);")]
            /// let guard = sem.acquire_blocking();
            /// assert!(sem.locked());
            /// # drop(guard);
            /// ```
            pub fn acquire_blocking(&self) -> $crate::SemaphoreGuard<'_> {
                let core = futures_lite::future::block_on($crate::core::AcquirePermit::new(
                    &self.core, false,
                ));
                $crate::SemaphoreGuard { core }
            }

            /// [`acquire_blocking`](Self::acquire_blocking), bounded: `None` if
            /// `timeout` passes first.
            ///
            /// # Blocking
            /// This blocks the calling thread: in async code use
            /// [`acquire_timeout`](Self::acquire_timeout).
            ///
            /// ```
            /// use std::time::Duration;
            #[doc = concat!("let sem = greensem::", stringify!($ty), "::new(0);")]
            /// assert!(sem.acquire_blocking_timeout(Duration::from_millis(5)).is_none());
            /// ```
            pub fn acquire_blocking_timeout(
                &self,
                timeout: std::time::Duration,
            ) -> Option<$crate::SemaphoreGuard<'_>> {
                let permit = std::pin::pin!($crate::core::AcquirePermit::new(&self.core, true));
                // A timeout too long to add to now is no deadline.
                let deadline = std::time::Instant::now().checked_add(timeout);
                greentimeout::blocking::block_on_pinned(permit, deadline)
                    .map(|core| $crate::SemaphoreGuard { core })
            }

            /// Takes a permit if one is free, without waiting: eventlet's
            /// `acquire(blocking=False)`. It may take a permit that a release
            /// meant for a waiter which has not run yet; that waiter keeps its
            /// place.
            ///
            /// ```
            #[doc = concat!("let sem = greensem::", stringify!($ty), "::new(1);")]
            /// let guard = sem.try_acquire().unwrap();
            /// assert!(sem.try_acquire().is_none());
            /// # drop(guard);
            /// ```
            pub fn try_acquire(&self) -> Option<$crate::SemaphoreGuard<'_>> {
                self.core
                    .try_take()
                    .then(|| $crate::SemaphoreGuard { core: &self.core })
            }

            /// [`acquire`](Self::acquire) on a semaphore in an `Arc`: the guard
            /// borrows nothing.
            ///
            /// ```
            /// use std::sync::Arc;
            #[doc = concat!("let sem = Arc::new(greensem::", stringify!($ty), "::new(1));")]
            /// let guard = futures_lite::future::block_on(sem.acquire_arc());
            /// std::thread::spawn(move || drop(guard)).join().unwrap();
            /// ```
            pub fn acquire_arc(self: &std::sync::Arc<Self>) -> $crate::futures::AcquireArc {
                $crate::futures::AcquireArc::new(self.clone(), false)
            }

            /// [`acquire_timeout`](Self::acquire_timeout) on a semaphore in an `Arc`.
            ///
            /// ```
            /// use std::{sync::Arc, time::Duration};
            #[doc = concat!("let sem = Arc::new(greensem::", stringify!($ty), "::new(0));")]
            /// assert!(futures_lite::future::block_on(sem.acquire_arc_timeout(Duration::ZERO)).is_none());
            /// ```
            pub fn acquire_arc_timeout(
                self: &std::sync::Arc<Self>,
                timeout: std::time::Duration,
            ) -> $crate::futures::AcquireArcTimeout {
                let acquire = $crate::futures::AcquireArc::new(self.clone(), true);
                $crate::futures::AcquireArcTimeout::new(greentimeout::with_timeout(
                    timeout, acquire,
                ))
            }

            /// [`acquire_blocking`](Self::acquire_blocking) on a semaphore in an `Arc`.
            ///
            /// # Blocking
            /// This blocks the calling thread: in async code use
            /// [`acquire_arc`](Self::acquire_arc).
            ///
            /// ```
            /// use std::sync::Arc;
            #[doc = concat!("let sem = Arc::new(greensem::", stringify!($ty), "::new(1));")]
            /// let guard = sem.acquire_arc_blocking();
            /// # drop(guard);
            /// ```
            pub fn acquire_arc_blocking(self: &std::sync::Arc<Self>) -> $crate::SemaphoreGuardArc {
                let semaphore: std::sync::Arc<dyn $crate::core::HasCore> = self.clone();
                let semaphore = futures_lite::future::block_on($crate::core::AcquirePermit::new(
                    semaphore, false,
                ));
                $crate::SemaphoreGuardArc {
                    semaphore: Some(semaphore),
                }
            }

            /// [`acquire_blocking_timeout`](Self::acquire_blocking_timeout) on a
            /// semaphore in an `Arc`.
            ///
            /// # Blocking
            /// This blocks the calling thread: in async code use
            /// [`acquire_arc_timeout`](Self::acquire_arc_timeout).
            ///
            /// ```
            /// use std::{sync::Arc, time::Duration};
            #[doc = concat!("let sem = Arc::new(greensem::", stringify!($ty), "::new(0));")]
            /// assert!(sem.acquire_arc_blocking_timeout(Duration::ZERO).is_none());
            /// ```
            pub fn acquire_arc_blocking_timeout(
                self: &std::sync::Arc<Self>,
                timeout: std::time::Duration,
            ) -> Option<$crate::SemaphoreGuardArc> {
                let semaphore: std::sync::Arc<dyn $crate::core::HasCore> = self.clone();
                let permit = std::pin::pin!($crate::core::AcquirePermit::new(semaphore, true));
                let deadline = std::time::Instant::now().checked_add(timeout);
                greentimeout::blocking::block_on_pinned(permit, deadline).map(|semaphore| {
                    $crate::SemaphoreGuardArc {
                        semaphore: Some(semaphore),
                    }
                })
            }

            /// [`try_acquire`](Self::try_acquire) on a semaphore in an `Arc`.
            ///
            /// ```
            /// use std::sync::Arc;
            #[doc = concat!("let sem = Arc::new(greensem::", stringify!($ty), "::new(1));")]
            /// let guard = sem.try_acquire_arc().unwrap();
            /// assert!(sem.try_acquire_arc().is_none());
            /// # drop(guard);
            /// ```
            pub fn try_acquire_arc(
                self: &std::sync::Arc<Self>,
            ) -> Option<$crate::SemaphoreGuardArc> {
                self.core.try_take().then(|| $crate::SemaphoreGuardArc {
                    semaphore: Some(self.clone()),
                })
            }

            /// Whether no permit is free (eventlet's `locked()`: the counter
            /// is 0, whatever the waiters).
            ///
            /// ```
            #[doc = concat!("let sem = greensem::", stringify!($ty), "::new(1);")]
            /// assert!(!sem.locked());
            /// let guard = sem.try_acquire();
            /// assert!(sem.locked());
            /// # drop(guard);
            /// ```
            pub fn locked(&self) -> bool {
                self.core.permits() == 0
            }

            /// The free permits minus the waiting tasks: eventlet's `balance`,
            /// negative while tasks wait.
            ///
            /// ```
            #[doc = concat!("let sem = greensem::", stringify!($ty), "::new(2);")]
            /// assert_eq!(sem.balance(), 2);
            /// ```
            pub fn balance(&self) -> isize {
                self.core.balance()
            }

            /// The number of free permits: eventlet's `counter`.
            ///
            /// ```
            #[doc = concat!("let sem = greensem::", stringify!($ty), "::new(3);")]
            /// let guard = sem.try_acquire();
            /// assert_eq!(sem.counter(), 2);
            /// # drop(guard);
            /// ```
            pub fn counter(&self) -> usize {
                self.core.permits()
            }
        }

        impl $crate::core::HasCore for $ty {
            fn core(&self) -> &$crate::core::Core {
                &self.core
            }
        }

        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(&self.core, f)
            }
        }
    };
}

pub(crate) use semaphore_faces;
