//! eventlet's hub over smol: `run`, `spawn`, `spawn_n`, `spawn_after`,
//! `sleep` and `GreenThread`.
//!
//! Not yet written: the greenhub issue fills this crate.
