//! What the crate synchronizes with: std's atomics and lock, or loom's when the loom
//! models run (`cargo xtask loom` builds with `--cfg eventlet_loom`).

#[cfg(eventlet_loom)]
pub(crate) use loom::sync::{Mutex, MutexGuard, atomic::AtomicUsize};
#[cfg(not(eventlet_loom))]
pub(crate) use std::sync::{Mutex, MutexGuard, atomic::AtomicUsize};

/// Between a write to one counter and a read of the other (a release counts
/// its permit, then reads the waiters; a waiter counts itself, then reads the
/// permits), `SeqCst` guarantees that one side sees the other. loom models
/// `SeqCst` accesses as `AcqRel`, which would let both miss; it does model
/// `SeqCst` fences, so under loom this fence states the guarantee the real
/// accesses already give. Outside loom this is nothing.
#[inline]
pub(crate) fn seq_cst_for_loom() {
    #[cfg(eventlet_loom)]
    loom::sync::atomic::fence(std::sync::atomic::Ordering::SeqCst);
}

/// A `const fn`, except under loom, whose atomics cannot be made in a constant.
macro_rules! const_unless_loom {
    ($(#[$meta:meta])* $vis:vis fn $name:ident($($args:tt)*) -> $ret:ty $body:block) => {
        #[cfg(not(eventlet_loom))]
        $(#[$meta])*
        $vis const fn $name($($args)*) -> $ret $body

        #[cfg(eventlet_loom)]
        $(#[$meta])*
        $vis fn $name($($args)*) -> $ret $body
    };
}
