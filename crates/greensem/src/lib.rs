//! eventlet's `Semaphore`, `BoundedSemaphore` and `CappedSemaphore`, FIFO and
//! cancel-safe, on any executor or OS thread.
//!
//! Not yet written: the greensem issue fills this crate.
