//! What the crate synchronizes with: std's atomics and lock, or loom's when
//! the loom models run (`cargo xtask loom` builds with `--cfg eventlet_loom`).

#[cfg(eventlet_loom)]
pub(crate) use loom::sync::{
    Mutex, MutexGuard,
    atomic::{AtomicBool, AtomicUsize, fence},
};
#[cfg(not(eventlet_loom))]
pub(crate) use std::sync::{
    Mutex, MutexGuard,
    atomic::{AtomicBool, AtomicUsize, fence},
};

/// Locks `mutex`, through poisoning: user code (an item's `Ord`) can panic
/// under the crate's locks, and every update leaves its data consistent
/// before calling it.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Between a write to one counter and a read of the other (a put stores its
/// item, then reads whether getters wait; a getter counts its slot, then
/// looks for an item), `SeqCst` accesses guarantee that one side sees the
/// other. loom models `SeqCst` accesses as `AcqRel`, which would let both
/// miss, but it does model `SeqCst` fences: under loom this fence states the
/// guarantee the real accesses already give. Outside loom it is nothing.
#[inline]
pub(crate) fn seq_cst_for_loom() {
    #[cfg(eventlet_loom)]
    fence(std::sync::atomic::Ordering::SeqCst);
}

/// Keeps a counter that every operation writes off the cache line of the
/// read-mostly fields beside it, so readers don't miss on each write.
#[repr(align(128))]
#[derive(Debug, Default)]
pub(crate) struct Padded<T>(pub(crate) T);

impl<T> std::ops::Deref for Padded<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}
