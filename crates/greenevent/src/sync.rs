//! What the crate synchronizes with: std's lock, or loom's when the loom
//! models run (`cargo xtask loom` builds with `--cfg eventlet_loom`).

#[cfg(eventlet_loom)]
pub(crate) use loom::sync::{Mutex, MutexGuard, atomic::AtomicU64};
#[cfg(not(eventlet_loom))]
pub(crate) use std::sync::{Mutex, MutexGuard, atomic::AtomicU64};

/// A `const fn`, except under loom, whose locks cannot be made in a constant.
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
