//! The queue's lock: a spin lock.
//!
//! Why not std's `Mutex`: everything a queue does happens under its one
//! lock, so the lock *is* the fast path. std's lock and unlock are an atomic
//! read-modify-write each (the unlock must learn whether to wake a parked
//! thread); this lock's unlock is a plain release store, because nobody
//! parks on it. That halves the atomic operations of every put and get: on
//! this workspace's 2-core machine a `VecDeque` push and pop cost 21 ns
//! under std's lock and 13 ns under this one (`cargo xtask bench`'s queue
//! rows show the whole effect).
//!
//! Spinning is only sound for short critical sections: the queue never calls
//! user code under this lock except an item's `Ord` (a `PriorityQueue`) and
//! `Waker::clone`, and it wakes waiters only after letting go. A waiter that
//! spins too long yields its thread, so a holder that was preempted gets the
//! core back.
//!
//! A panic under the lock (an item's `Ord`) unlocks it as the guard drops;
//! the queue leaves its state consistent before each call into user code, so
//! there is no poisoning.
//!
//! Under `cargo xtask loom` the flag and the cell are loom's, and this
//! module's own models check that no two guards ever reach the value at
//! once. The queue's models run the queue on [`QueueLock`], which is then a
//! loom `Mutex` with the same contract: loom explores every interleaving of
//! a few threads, and threads that spin while a preempted holder waits make
//! it give up at its branch limit, whatever the queue does.

#![allow(unsafe_code)]
#![deny(clippy::undocumented_unsafe_blocks)]

use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};

#[cfg(eventlet_loom)]
use loom::{cell::UnsafeCell, sync::atomic::AtomicBool, thread::yield_now};
#[cfg(not(eventlet_loom))]
use std::{cell::UnsafeCell, sync::atomic::AtomicBool, thread::yield_now};

/// Whether the machine has more than one CPU, asked once.
fn more_than_one_cpu() -> bool {
    // 0: not asked yet. A plain cache: racing first askers store the same.
    static CPUS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let mut cpus = CPUS.load(Relaxed);
    if cpus == 0 {
        cpus = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        CPUS.store(cpus, Relaxed);
    }
    cpus > 1
}

/// Spins `spins` times. Under loom, where a spin is a switch to another
/// thread and the models have a branch limit, it yields once.
#[inline]
fn pause(spins: u32) {
    #[cfg(not(eventlet_loom))]
    for _ in 0..spins {
        std::hint::spin_loop();
    }
    #[cfg(eventlet_loom)]
    {
        let _ = spins;
        yield_now();
    }
}

/// Tries, one spin apart, before a waiter backs off.
const QUICK_TRIES: u32 = 4;
/// Spins between tries as a waiter backs off: this many (a microsecond on
/// this workspace's machine, where a spin is 8 ns; a few on CPUs whose spin
/// hint is slower), doubling up to `LAST_PAUSES`; past that (about 70 us of
/// spinning here), it yields its thread between tries.
const FIRST_PAUSES: u32 = 128;
const LAST_PAUSES: u32 = 4096;

/// The lock behind every queue.
#[cfg(not(eventlet_loom))]
pub(crate) type QueueLock<T> = SpinLock<T>;
#[cfg(not(eventlet_loom))]
pub(crate) type QueueGuard<'a, T> = Guard<'a, T>;
#[cfg(eventlet_loom)]
pub(crate) type QueueLock<T> = stand_in::BlockingLock<T>;
#[cfg(eventlet_loom)]
pub(crate) type QueueGuard<'a, T> = loom::sync::MutexGuard<'a, T>;

#[cfg(eventlet_loom)]
mod stand_in {
    /// The queue's lock under loom: blocks where the spin lock spins.
    pub(crate) struct BlockingLock<T>(loom::sync::Mutex<T>);

    impl<T> BlockingLock<T> {
        pub(crate) fn new(value: T) -> Self {
            BlockingLock(loom::sync::Mutex::new(value))
        }

        pub(crate) fn lock(&self) -> loom::sync::MutexGuard<'_, T> {
            self.0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        }
    }
}

#[cfg_attr(eventlet_loom, allow(dead_code))]
pub(crate) struct SpinLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the lock gives the value to one guard at a time, and a guard's
// access ends (its release store) before the next guard's begins (its
// acquiring exchange). So sharing the lock between threads only moves the
// value between them, one at a time: `T: Send` is enough, as for std's
// `Mutex`. (`Send` comes by itself: the lock owns its value.)
unsafe impl<T: Send> Sync for SpinLock<T> {}

/// Access to the value until dropped.
pub(crate) struct Guard<'a, T> {
    lock: &'a SpinLock<T>,
    /// loom's record of this guard's access, ended before the unlock.
    #[cfg(eventlet_loom)]
    access: Option<loom::cell::MutPtr<T>>,
    /// A guard shares the value as `&mut T` does: `Sync` only if `T` is.
    _value: PhantomData<&'a mut T>,
}

#[cfg_attr(eventlet_loom, allow(dead_code))]
impl<T> SpinLock<T> {
    pub(crate) fn new(value: T) -> Self {
        SpinLock {
            locked: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    pub(crate) fn lock(&self) -> Guard<'_, T> {
        if self
            .locked
            .compare_exchange(false, true, Acquire, Relaxed)
            .is_err()
        {
            self.lock_contended();
        }
        Guard {
            lock: self,
            #[cfg(eventlet_loom)]
            access: Some(self.value.get_mut()),
            _value: PhantomData,
        }
    }

    /// Waits for the holder to let go: a few quick tries, for a holder about
    /// to unlock; then ever longer pauses between tries, not touching the
    /// flag meanwhile; past those, a yield of the thread between tries, for
    /// a holder that was preempted.
    ///
    /// The long pauses are what make a contended queue fast. Two threads
    /// that take turns at the lock move its cache line (the queue's state
    /// shares it) from core to core at each turn, 100 ns or more here,
    /// against 10 ns for an operation whose line stays put. A waiter that
    /// steps back for a microsecond lets the holder run a batch of
    /// operations on a line that stays in its cache: `cargo xtask bench`'s
    /// 4x4 MPMC row went from 180 ns an item with pauses that began at one
    /// spin to 21 ns with these (kanal's lock, which backs off the same way,
    /// 27).
    ///
    /// On a machine with one CPU the holder cannot run while a waiter spins,
    /// so there a waiter yields at once.
    #[cold]
    fn lock_contended(&self) {
        let spinning_helps = more_than_one_cpu();
        let mut quick_tries = 0;
        let mut pauses = FIRST_PAUSES;
        loop {
            if !spinning_helps {
                yield_now();
            } else if quick_tries < QUICK_TRIES {
                quick_tries += 1;
                pause(1);
            } else if pauses <= LAST_PAUSES {
                pause(pauses);
                pauses *= 2;
            } else {
                yield_now();
            }
            if !self.locked.load(Relaxed)
                && self
                    .locked
                    .compare_exchange_weak(false, true, Acquire, Relaxed)
                    .is_ok()
            {
                return;
            }
        }
    }
}

#[cfg(eventlet_loom)]
impl<T> Guard<'_, T> {
    /// loom's record of this guard's access, there until the drop.
    fn access(&self) -> &loom::cell::MutPtr<T> {
        self.access.as_ref().unwrap_or_else(|| unreachable!())
    }
}

impl<T> Deref for Guard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        #[cfg(not(eventlet_loom))]
        // SAFETY: this guard holds the lock (its exchange set the flag, and
        // only its drop clears it), so no other reference to the value exists
        // while the returned one, tied to `&self`, lives.
        unsafe {
            &*self.lock.value.get()
        }
        #[cfg(eventlet_loom)]
        // SAFETY: as above; the access lives until the drop.
        unsafe {
            self.access().deref()
        }
    }
}

impl<T> DerefMut for Guard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        #[cfg(not(eventlet_loom))]
        // SAFETY: this guard holds the lock, and the returned reference is
        // tied to `&mut self`: it is the only reference to the value.
        unsafe {
            &mut *self.lock.value.get()
        }
        #[cfg(eventlet_loom)]
        // SAFETY: as above; the access lives until the drop.
        unsafe {
            self.access().deref()
        }
    }
}

impl<T> Drop for Guard<'_, T> {
    fn drop(&mut self) {
        #[cfg(eventlet_loom)]
        drop(self.access.take());
        // Publishes this guard's writes to the next guard's acquire.
        self.lock.locked.store(false, Release);
    }
}

/// `cargo xtask loom` runs these with loom's flag and cell: loom fails a
/// model in which two guards reach the value at once, or a write is not
/// seen by the next guard.
#[cfg(all(test, eventlet_loom))]
mod loom_models {
    use super::SpinLock;
    use loom::sync::Arc;

    #[test]
    fn loom_spin_lock_passes_the_value_from_guard_to_guard() {
        loom::model(|| {
            let lock = Arc::new(SpinLock::new(0_u32));
            let other = {
                let lock = lock.clone();
                loom::thread::spawn(move || *lock.lock() += 1)
            };
            *lock.lock() += 1;
            other.join().unwrap();
            assert_eq!(*lock.lock(), 2);
        });
    }

    /// With three threads, two spin while a preempted holder waits; loom then
    /// runs out of branches past one preemption, so this model stops there.
    #[test]
    fn loom_spin_lock_serves_three_threads() {
        let mut model = loom::model::Builder::new();
        model.preemption_bound = Some(1);
        model.check(|| {
            let lock = Arc::new(SpinLock::new(Vec::new()));
            let others: Vec<_> = (1..3)
                .map(|n| {
                    let lock = lock.clone();
                    loom::thread::spawn(move || lock.lock().push(n))
                })
                .collect();
            lock.lock().push(0);
            for other in others {
                other.join().unwrap();
            }
            let mut seen = lock.lock().clone();
            seen.sort_unstable();
            assert_eq!(seen, [0, 1, 2]);
        });
    }
}

#[cfg(all(test, not(eventlet_loom)))]
mod tests {
    use super::SpinLock;

    #[test]
    fn threads_never_lose_an_increment() {
        let counter = SpinLock::new(0_u64);
        std::thread::scope(|s| {
            let threads: Vec<_> = (0..4)
                .map(|_| {
                    s.spawn(|| {
                        for _ in 0..100_000 {
                            *counter.lock() += 1;
                        }
                    })
                })
                .collect();
            // Joined by hand, so that the thread sanitizer sees the joins.
            for thread in threads {
                thread.join().unwrap();
            }
        });
        assert_eq!(*counter.lock(), 400_000);
    }

    #[test]
    fn a_panic_under_the_lock_lets_it_go() {
        let lock = SpinLock::new(Vec::<u8>::new());
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut guard = lock.lock();
            guard.push(1);
            panic!("user code");
        }));
        assert!(caught.is_err());
        assert_eq!(*lock.lock(), [1]);
    }
}
