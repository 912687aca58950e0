//! eventlet's `Event`: one sender broadcasts a value or an error to any
//! number of waiters, on any executor or OS thread.
//!
//! Not yet written: the greenevent issue fills this crate.
