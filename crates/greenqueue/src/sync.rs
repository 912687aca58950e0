//! What the crate synchronizes with: std's lock, or loom's when the loom
//! models run (`cargo xtask loom` builds with `--cfg eventlet_loom`).

#[cfg(eventlet_loom)]
pub(crate) use loom::sync::{Mutex, MutexGuard};
#[cfg(not(eventlet_loom))]
pub(crate) use std::sync::{Mutex, MutexGuard};
