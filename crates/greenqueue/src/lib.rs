//! eventlet's `Queue`, `LightQueue`, `PriorityQueue` and `LifoQueue`, with
//! `task_done`/`join`, rendezvous and resize, on any executor or OS thread.
//!
//! Not yet written: the greenqueue issue fills this crate.
