//! The faces every queue type shares, and the task faces of the tracked ones:
//! each a thin call into `Core` and its one loop per operation.

/// Constructors, put, get and the queries.
macro_rules! queue_faces {
    ($ty:ident, $buffer:ident $(, $bound:path)?) => {
        impl<T $(: $bound)?> $ty<T> {
            /// An unbounded queue: `put` never waits.
            ///
            /// ```
            #[doc = concat!("let queue = greenqueue::", stringify!($ty), "::<u8>::new();")]
            /// assert_eq!(queue.maxsize(), None);
            /// ```
            pub fn new() -> Self {
                $ty { core: $crate::core::Core::new(None, Self::TRACKED) }
            }

            /// A queue that holds at most `maxsize` items; `put` waits for room.
            /// `bounded(0)` is a rendezvous (eventlet's `Queue(0)`): a put
            /// completes only when a getter takes the item, and nothing is
            /// ever buffered.
            ///
            /// ```
            #[doc = concat!("let queue = greenqueue::", stringify!($ty), "::bounded(2);")]
            /// queue.try_put(1).unwrap();
            /// queue.try_put(2).unwrap();
            /// assert!(queue.try_put(3).is_err());
            /// ```
            pub fn bounded(maxsize: usize) -> Self {
                $ty { core: $crate::core::Core::new(Some(maxsize), Self::TRACKED) }
            }

            /// Puts `item`, waiting for room (or, for a rendezvous, for a
            /// getter). Putters are served in arrival order.
            ///
            /// Cancel-safe: dropped before its item was taken, the future takes
            /// it along and leaves no trace; once taken, the item stays put.
            ///
            /// ```
            #[doc = concat!("let queue = greenqueue::", stringify!($ty), "::new();")]
            /// futures_lite::future::block_on(queue.put(5));
            /// assert_eq!(queue.try_get(), Ok(5));
            /// ```
            pub fn put(&self, item: T) -> $crate::futures::Put<'_, T, $crate::buffer::$buffer<T>> {
                $crate::futures::Put::new(&self.core, item)
            }

            /// [`put`](Self::put), bounded: `Err(Full(item))` with the item back
            /// if it was not taken in time. A failed put is not a task.
            ///
            /// ```
            /// use std::time::Duration;
            #[doc = concat!("let queue = greenqueue::", stringify!($ty), "::bounded(0);")]
            /// let put = futures_lite::future::block_on(queue.put_timeout(1, Duration::from_millis(5)));
            /// assert_eq!(put.unwrap_err().into_inner(), 1);
            /// ```
            pub fn put_timeout(
                &self,
                item: T,
                timeout: std::time::Duration,
            ) -> $crate::futures::PutTimeout<'_, T, $crate::buffer::$buffer<T>> {
                let put = $crate::futures::Put::new(&self.core, item);
                $crate::futures::PutTimeout::new(greentimeout::with_timeout(timeout, put))
            }

            /// [`put`](Self::put) for OS threads.
            ///
            /// # Blocking
            /// This blocks the calling thread: in async code use [`put`](Self::put).
            ///
            /// ```
            #[doc = concat!("let queue = greenqueue::", stringify!($ty), "::bounded(0);")]
            /// std::thread::scope(|s| {
            ///     s.spawn(|| queue.put_blocking(9));
            ///     assert_eq!(queue.get_blocking(), 9);
            /// });
            /// ```
            pub fn put_blocking(&self, item: T) {
                futures_lite::future::block_on($crate::core::PutInner::new(&self.core, item));
            }

            /// [`put_blocking`](Self::put_blocking), bounded: `Err(Full(item))`
            /// with the item back if it was not taken in time.
            ///
            /// # Blocking
            /// This blocks the calling thread: in async code use
            /// [`put_timeout`](Self::put_timeout).
            ///
            /// ```
            /// use std::time::Duration;
            #[doc = concat!("let queue = greenqueue::", stringify!($ty), "::bounded(1);")]
            /// queue.put_blocking(1);
            /// assert_eq!(queue.put_blocking_timeout(2, Duration::from_millis(5)).unwrap_err().0, 2);
            /// ```
            pub fn put_blocking_timeout(
                &self,
                item: T,
                timeout: std::time::Duration,
            ) -> Result<(), $crate::Full<T>> {
                let mut put = std::pin::pin!($crate::core::PutInner::new(&self.core, item));
                let deadline = std::time::Instant::now().checked_add(timeout);
                match greentimeout::blocking::block_on_pinned(put.as_mut(), deadline) {
                    Some(()) => Ok(()),
                    None => put.withdraw().map_err($crate::Full),
                }
            }

            /// Puts `item` if there is room (or, for a rendezvous, a getter
            /// waiting to take it), without waiting; else `Err(Full(item))`.
            /// eventlet's `put_nowait`.
            ///
            /// ```
            #[doc = concat!("let queue = greenqueue::", stringify!($ty), "::bounded(1);")]
            /// assert!(queue.try_put(1).is_ok());
            /// assert_eq!(queue.try_put(2).unwrap_err().into_inner(), 2);
            /// ```
            #[doc(alias = "put_nowait")]
            pub fn try_put(&self, item: T) -> Result<(), $crate::Full<T>> {
                self.core.try_put(item)
            }

            /// Takes the next item, waiting until there is one. Getters that
            /// wait are served in arrival order.
            ///
            /// Cancel-safe: dropped at any point, the future has taken no item;
            /// one handed to it before it ran goes to the next waiting getter,
            /// or back as the oldest item.
            ///
            /// ```
            #[doc = concat!("let queue = greenqueue::", stringify!($ty), "::new();")]
            /// queue.try_put(3).unwrap();
            /// assert_eq!(futures_lite::future::block_on(queue.get()), 3);
            /// ```
            pub fn get(&self) -> $crate::futures::Get<'_, T, $crate::buffer::$buffer<T>> {
                $crate::futures::Get::new(&self.core)
            }

            /// [`get`](Self::get), bounded: `Err(Empty)` if nothing came in time.
            /// An item handed to it by then is returned, not put back.
            ///
            /// ```
            /// use std::time::Duration;
            #[doc = concat!("let queue = greenqueue::", stringify!($ty), "::<u8>::new();")]
            /// let got = futures_lite::future::block_on(queue.get_timeout(Duration::from_millis(5)));
            /// assert_eq!(got, Err(greenqueue::Empty));
            /// ```
            pub fn get_timeout(
                &self,
                timeout: std::time::Duration,
            ) -> $crate::futures::GetTimeout<'_, T, $crate::buffer::$buffer<T>> {
                let get = $crate::futures::Get::new(&self.core);
                $crate::futures::GetTimeout::new(greentimeout::with_timeout(timeout, get))
            }

            /// [`get`](Self::get) for OS threads.
            ///
            /// # Blocking
            /// This blocks the calling thread: in async code use [`get`](Self::get).
            ///
            /// ```
            #[doc = concat!("let queue = greenqueue::", stringify!($ty), "::new();")]
            /// std::thread::scope(|s| {
            ///     s.spawn(|| queue.try_put(4).unwrap());
            ///     assert_eq!(queue.get_blocking(), 4);
            /// });
            /// ```
            pub fn get_blocking(&self) -> T {
                futures_lite::future::block_on($crate::core::GetInner::new(&self.core))
            }

            /// [`get_blocking`](Self::get_blocking), bounded: `Err(Empty)` if
            /// nothing came in time.
            ///
            /// # Blocking
            /// This blocks the calling thread: in async code use
            /// [`get_timeout`](Self::get_timeout).
            ///
            /// ```
            /// use std::time::Duration;
            #[doc = concat!("let queue = greenqueue::", stringify!($ty), "::<u8>::new();")]
            /// assert!(queue.get_blocking_timeout(Duration::from_millis(5)).is_err());
            /// ```
            pub fn get_blocking_timeout(&self, timeout: std::time::Duration) -> Result<T, $crate::Empty> {
                let mut get = std::pin::pin!($crate::core::GetInner::new(&self.core));
                let deadline = std::time::Instant::now().checked_add(timeout);
                match greentimeout::blocking::block_on_pinned(get.as_mut(), deadline) {
                    Some(item) => Ok(item),
                    // An item handed to us by the deadline is ours.
                    None => get.withdraw().ok_or($crate::Empty),
                }
            }

            /// Takes an item if one is buffered (or, for a rendezvous, a putter
            /// is waiting), without waiting; else `Err(Empty)`. eventlet's
            /// `get_nowait`.
            ///
            /// ```
            #[doc = concat!("let queue = greenqueue::", stringify!($ty), "::new();")]
            /// assert!(queue.try_get().is_err());
            /// queue.try_put(1).unwrap();
            /// assert_eq!(queue.try_get(), Ok(1));
            /// ```
            #[doc(alias = "get_nowait")]
            pub fn try_get(&self) -> Result<T, $crate::Empty> {
                self.core.try_get().ok_or($crate::Empty)
            }

            /// A never-ending stream of items, each taken as by [`get`](Self::get).
            ///
            /// ```
            /// use futures_lite::StreamExt;
            #[doc = concat!("let queue = greenqueue::", stringify!($ty), "::new();")]
            /// queue.try_put(8).unwrap();
            /// assert_eq!(futures_lite::future::block_on(queue.stream().next()), Some(8));
            /// ```
            pub fn stream(&self) -> $crate::futures::Items<'_, T, $crate::buffer::$buffer<T>> {
                $crate::futures::Items::new(&self.core)
            }

            /// The number of buffered items (always 0 for a rendezvous).
            /// eventlet's `qsize()`.
            ///
            /// ```
            #[doc = concat!("let queue = greenqueue::", stringify!($ty), "::new();")]
            /// queue.try_put(1).unwrap();
            /// assert_eq!(queue.len(), 1);
            /// ```
            #[doc(alias = "qsize")]
            pub fn len(&self) -> usize {
                self.core.len()
            }

            /// Whether no item is buffered (always true for a rendezvous).
            /// eventlet's `empty()`.
            ///
            /// ```
            #[doc = concat!("assert!(greenqueue::", stringify!($ty), "::<u8>::new().is_empty());")]
            /// ```
            #[doc(alias = "empty")]
            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }

            /// Whether a put would have to wait (always true for a
            /// rendezvous). eventlet's `full()`.
            ///
            /// ```
            #[doc = concat!("assert!(greenqueue::", stringify!($ty), "::<u8>::bounded(0).is_full());")]
            /// ```
            #[doc(alias = "full")]
            pub fn is_full(&self) -> bool {
                self.core.is_full()
            }

            /// The capacity: `None` if unbounded.
            ///
            /// ```
            #[doc = concat!("assert_eq!(greenqueue::", stringify!($ty), "::<u8>::bounded(3).maxsize(), Some(3));")]
            /// ```
            pub fn maxsize(&self) -> Option<usize> {
                self.core.capacity()
            }

            /// Changes the capacity (`None`: unbounded). Growing takes in as
            /// many waiting putters' items as the new room allows, in arrival
            /// order; shrinking drops nothing, the queue stays over-full until
            /// drained.
            ///
            /// ```
            #[doc = concat!("let queue = greenqueue::", stringify!($ty), "::bounded(1);")]
            /// queue.try_put(1).unwrap();
            /// queue.resize(Some(2));
            /// assert!(queue.try_put(2).is_ok());
            /// ```
            pub fn resize(&self, maxsize: Option<usize>) {
                self.core.resize(maxsize);
            }

            /// The number of waiting getters.
            ///
            /// ```
            #[doc = concat!("assert_eq!(greenqueue::", stringify!($ty), "::<u8>::new().getting(), 0);")]
            /// ```
            pub fn getting(&self) -> usize {
                self.core.getting()
            }

            /// The number of waiting putters.
            ///
            /// ```
            #[doc = concat!("assert_eq!(greenqueue::", stringify!($ty), "::<u8>::new().putting(), 0);")]
            /// ```
            pub fn putting(&self) -> usize {
                self.core.putting()
            }
        }

        impl<T $(: $bound)?> Default for $ty<T> {
            fn default() -> Self {
                Self::new()
            }
        }

        impl<T $(: $bound)?> std::fmt::Debug for $ty<T> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(&self.core, f)
            }
        }
    };
}

/// `task_done`, `join` and `unfinished_tasks`, for the tracked queue types.
macro_rules! task_faces {
    ($ty:ident, $buffer:ident $(, $bound:path)?) => {
        impl<T $(: $bound)?> $ty<T> {
            const TRACKED: bool = true;

            /// Marks one put item as done. When none is left unfinished, every
            /// `join` returns. `Err(TaskDoneTooManyTimes)` (and no change) if
            /// nothing is unfinished.
            ///
            /// ```
            #[doc = concat!("let queue = greenqueue::", stringify!($ty), "::new();")]
            /// queue.try_put(1).unwrap();
            /// assert_eq!(queue.task_done(), Ok(()));
            /// assert!(queue.task_done().is_err());
            /// ```
            pub fn task_done(&self) -> Result<(), $crate::TaskDoneTooManyTimes> {
                self.core.task_done()
            }

            /// Items put (taken in by the queue) and not yet marked done.
            ///
            /// ```
            #[doc = concat!("let queue = greenqueue::", stringify!($ty), "::new();")]
            /// queue.try_put(1).unwrap();
            /// let _ = queue.try_get();
            /// assert_eq!(queue.unfinished_tasks(), 1, "taken but not done");
            /// ```
            pub fn unfinished_tasks(&self) -> usize {
                self.core.unfinished_tasks()
            }

            /// Waits until every item put has been marked done; at once if none
            /// is unfinished. A later put makes it wait again.
            ///
            /// ```
            #[doc = concat!("let queue = greenqueue::", stringify!($ty), "::new();")]
            /// queue.try_put(1).unwrap();
            /// std::thread::scope(|s| {
            ///     s.spawn(|| {
            ///         queue.get_blocking();
            ///         queue.task_done().unwrap();
            ///     });
            ///     futures_lite::future::block_on(queue.join());
            /// });
            /// ```
            pub fn join(&self) -> $crate::futures::Join<'_, T, $crate::buffer::$buffer<T>> {
                $crate::futures::Join::new(&self.core)
            }

            /// Whether every item put has been marked done, without waiting: the
            /// never-waits face of [`join`](Self::join).
            ///
            /// ```
            #[doc = concat!("let queue = greenqueue::", stringify!($ty), "::new();")]
            /// assert!(queue.try_join());
            /// queue.try_put(1).unwrap();
            /// assert!(!queue.try_join());
            /// ```
            pub fn try_join(&self) -> bool {
                self.core.unfinished_tasks() == 0
            }

            /// [`join`](Self::join), bounded: `false` if tasks were still
            /// unfinished when `timeout` passed (eventlet has no such form).
            ///
            /// ```
            /// use std::time::Duration;
            #[doc = concat!("let queue = greenqueue::", stringify!($ty), "::new();")]
            /// queue.try_put(1).unwrap();
            /// assert!(!futures_lite::future::block_on(queue.join_timeout(Duration::from_millis(5))));
            /// ```
            pub fn join_timeout(
                &self,
                timeout: std::time::Duration,
            ) -> $crate::futures::JoinTimeout<'_, T, $crate::buffer::$buffer<T>> {
                let join = $crate::futures::Join::new(&self.core);
                $crate::futures::JoinTimeout::new(greentimeout::with_timeout(timeout, join))
            }

            /// [`join`](Self::join) for OS threads.
            ///
            /// # Blocking
            /// This blocks the calling thread: in async code use [`join`](Self::join).
            ///
            /// ```
            #[doc = concat!("let queue = greenqueue::", stringify!($ty), "::<u8>::new();")]
            /// queue.join_blocking(); // nothing unfinished
            /// ```
            pub fn join_blocking(&self) {
                use event_listener_strategy::EventListenerFuture;
                $crate::core::JoinInner::new(&self.core).wait();
            }

            /// [`join_blocking`](Self::join_blocking), bounded: `false` if tasks
            /// were still unfinished when `timeout` passed.
            ///
            /// # Blocking
            /// This blocks the calling thread: in async code use
            /// [`join_timeout`](Self::join_timeout).
            ///
            /// ```
            /// use std::time::Duration;
            #[doc = concat!("let queue = greenqueue::", stringify!($ty), "::new();")]
            /// queue.try_put(1).unwrap();
            /// assert!(!queue.join_blocking_timeout(Duration::from_millis(5)));
            /// ```
            pub fn join_blocking_timeout(&self, timeout: std::time::Duration) -> bool {
                greentimeout::blocking::wait_timeout($crate::core::JoinInner::new(&self.core), timeout)
                    .is_some()
            }
        }
    };
}

pub(crate) use {queue_faces, task_faces};
