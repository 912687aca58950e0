//! The hand-off cell: where a put writes the item of a waiting getter, so
//! that the woken getter takes it without the queue's lock.
//!
//! Each getter future holds a [`HandOff`], pinned with it. A getter that
//! waits [`link`](HandOff::link)s its cell, which gives the one [`Filler`]
//! of that wait; the filler joins the queue's line of getters. Then exactly
//! one of two things uses the filler up, both under the queue's lock:
//!
//! - a put takes it from the front of the line and
//!   [`fill`](Filler::fill)s the cell with its item (a release store marks
//!   the cell full, the filler's last touch of it); the getter, woken, sees
//!   the mark with an acquire load and [`take`](HandOff::take)s the item, no
//!   lock taken;
//! - or the getter leaves the line (cancelled, timed out) and gives the
//!   filler back to its own cell, [`unlink`](HandOff::unlink).
//!
//! So a filler always points at a live cell: the cell is pinned (its memory
//! stays put, and is not reused before its drop runs), and a cell dropped
//! while a filler for it is out aborts the process instead of letting the
//! filler write into freed memory. The queue's own code never lets that
//! happen (a getter leaves the line in its drop, before its cell goes); the
//! abort makes this module's API safe to use whatever the caller does,
//! since a panic there would unwind into freeing the memory all the same.
//!
//! Why it is worth `unsafe`: on the ping-pong benchmark every item waits,
//! and taking the item from a slot under the lock cost the woken getter a
//! second lock of the queue per item (`docs/architecture.md` has the
//! figures).
//!
//! Under `cargo xtask loom` the state and the cell are loom's, and the
//! queue's models (`tests/tests/loom_models.rs`, with getters cancelled
//! mid-hand-off) check every interleaving of fill, take and unlink.

#![allow(unsafe_code)]
#![deny(clippy::undocumented_unsafe_blocks)]

use std::marker::PhantomPinned;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::ptr::NonNull;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};

#[cfg(eventlet_loom)]
use loom::{cell::UnsafeCell, sync::atomic::AtomicU8};
#[cfg(not(eventlet_loom))]
use std::{cell::UnsafeCell, sync::atomic::AtomicU8};

/// No item, no filler out: the owner may link it.
const EMPTY: u8 = 0;
/// A filler is out, in the queue's line; no item yet.
const LINKED: u8 = 1;
/// The filler wrote the item, and is used up.
const FULL: u8 = 2;

/// A waiting getter's cell for its item. Pinned in the getter's future.
pub(crate) struct HandOff<T> {
    /// `EMPTY`, `LINKED` or `FULL`. Moved to `FULL` only by the filler
    /// (release, after writing the item); every other move is the owner's.
    state: AtomicU8,
    /// Holds an item exactly when `state` is `FULL`.
    item: UnsafeCell<MaybeUninit<T>>,
    /// A filler points here while the getter waits.
    _pinned: PhantomPinned,
}

// SAFETY: every method but `new` takes the cell pinned and `&mut`: through a
// shared reference nothing can be done with it, so sharing one between
// threads is harmless. (`Send` comes by itself: the state is an atomic, and
// `UnsafeCell<MaybeUninit<T>>` is `Send` when `T` is.)
unsafe impl<T: Send> Sync for HandOff<T> {}

/// The right to write one item into one linked cell: what the queue's line
/// holds for a waiting getter. Not `Clone`: one per wait.
pub(crate) struct Filler<T>(NonNull<HandOff<T>>);

// SAFETY: a filler moves an item from the thread that fills into the cell of
// the getter's future, wherever that runs: as sending the item there, which
// `T: Send` allows. The pointer itself is only used by `fill`.
unsafe impl<T: Send> Send for Filler<T> {}

impl<T> HandOff<T> {
    pub(crate) fn new() -> Self {
        HandOff {
            state: AtomicU8::new(EMPTY),
            item: UnsafeCell::new(MaybeUninit::uninit()),
            _pinned: PhantomPinned,
        }
    }

    /// Starts a wait: the filler that will write this wait's item.
    ///
    /// # Panics
    /// If a filler is out, or an item was not taken: a getter waits once
    /// at a time, and takes what it was handed.
    pub(crate) fn link(self: Pin<&mut Self>) -> Filler<T> {
        let this = self.into_ref().get_ref();
        assert_eq!(
            this.state.load(Relaxed),
            EMPTY,
            "a getter's cell linked while in use"
        );
        this.state.store(LINKED, Relaxed);
        Filler(NonNull::from(this))
    }

    /// The item a filler wrote, if it did; the cell is then empty.
    #[inline]
    pub(crate) fn take(self: Pin<&mut Self>) -> Option<T> {
        let this = self.into_ref().get_ref();
        if this.state.load(Acquire) != FULL {
            return None;
        }
        // SAFETY: `FULL`: the filler wrote the item before its release store
        // of `FULL`, which this acquire load read, and it was used up by
        // that; nobody else reaches the item (the owner alone links again,
        // after this). So the item is initialized and this read is the only
        // access, and it moves the item out once: the state says `EMPTY`
        // from here on.
        let item = unsafe { this.read_item() };
        this.state.store(EMPTY, Relaxed);
        Some(item)
    }

    /// Ends a wait whose filler came back unused (the getter left the line).
    ///
    /// # Panics
    /// If `filler` is not this cell's.
    // By value, so that the filler is used up: it cannot fill the cell after.
    #[allow(clippy::needless_pass_by_value)]
    pub(crate) fn unlink(self: Pin<&mut Self>, filler: Filler<T>) {
        let this = self.into_ref().get_ref();
        assert!(
            std::ptr::eq(filler.0.as_ptr(), this),
            "a filler given back to another cell"
        );
        debug_assert_eq!(this.state.load(Relaxed), LINKED);
        this.state.store(EMPTY, Relaxed);
    }

    /// # Safety
    /// The cell holds an item that nothing else reads or moves.
    unsafe fn read_item(&self) -> T {
        #[cfg(not(eventlet_loom))]
        // SAFETY: as the caller promises.
        unsafe {
            (*self.item.get()).assume_init_read()
        }
        #[cfg(eventlet_loom)]
        // SAFETY: as the caller promises.
        unsafe {
            self.item.with(|item| (*item).assume_init_read())
        }
    }
}

impl<T> Filler<T> {
    /// Writes `item` into the cell and marks it full, for its getter to
    /// take; the filler is used up.
    #[inline]
    pub(crate) fn fill(self, item: T) {
        let cell = self.0.as_ptr();
        // SAFETY: the cell is alive: it was pinned when this filler was made
        // (`link` takes it pinned), so its memory stays put and is not
        // reused before its drop; and its drop, finding this filler out
        // (`LINKED`), aborts rather than returning. Nothing else touches the
        // item now: the state is `LINKED` (only this filler, used up here,
        // or `unlink`, which takes it, end that), and the owner reads the
        // item only once the state is `FULL`.
        unsafe {
            (*cell).write_item(item);
            // The filler's last touch of the cell: once the owner sees
            // `FULL`, it may take the item and drop the cell at once.
            (*cell).state.store(FULL, Release);
        }
    }
}

impl<T> HandOff<T> {
    /// # Safety
    /// The cell holds no item, and nothing else reads or writes it now.
    unsafe fn write_item(&self, item: T) {
        #[cfg(not(eventlet_loom))]
        // SAFETY: as the caller promises.
        unsafe {
            (*self.item.get()).write(item);
        }
        #[cfg(eventlet_loom)]
        // SAFETY: as the caller promises.
        unsafe {
            self.item.with_mut(|cell| {
                (*cell).write(item);
            });
        }
    }
}

impl<T> Drop for HandOff<T> {
    #[inline]
    fn drop(&mut self) {
        match self.state.load(Acquire) {
            EMPTY => {}
            // SAFETY: `FULL`, read with acquire: as in `take`; the item is
            // dropped once, as the cell goes.
            FULL => drop(unsafe { self.read_item() }),
            _ => {
                // A filler for this cell is out: freeing the cell would let
                // it write into freed memory, and a panic would unwind into
                // freeing it all the same.
                eprintln!("greenqueue: a waiting getter's cell dropped while still in line");
                std::process::abort();
            }
        }
    }
}

/// `cargo xtask loom` runs these with loom's state and cell: loom fails a
/// model in which the owner reads the item before the filler's write is
/// visible to it, or in which both touch the item at once.
#[cfg(all(test, eventlet_loom))]
mod loom_models {
    use super::HandOff;

    #[test]
    fn loom_hand_off_a_fill_from_another_thread_is_taken_once() {
        loom::model(|| {
            let mut cell = Box::pin(HandOff::new());
            let filler = cell.as_mut().link();
            let other = loom::thread::spawn(move || filler.fill(String::from("item")));
            let got = loop {
                if let Some(item) = cell.as_mut().take() {
                    break item;
                }
                loom::thread::yield_now();
            };
            other.join().unwrap();
            assert_eq!(got, "item");
            assert_eq!(cell.as_mut().take(), None);
        });
    }

    #[test]
    fn loom_hand_off_a_cell_dropped_full_drops_its_item() {
        loom::model(|| {
            let item = loom::sync::Arc::new(());
            let mut cell = Box::pin(HandOff::new());
            let filler = cell.as_mut().link();
            let sent = item.clone();
            let other = loom::thread::spawn(move || filler.fill(sent));
            other.join().unwrap();
            drop(cell);
            assert_eq!(loom::sync::Arc::strong_count(&item), 1);
        });
    }
}

#[cfg(all(test, not(eventlet_loom)))]
mod tests {
    use super::HandOff;
    use std::pin::pin;

    #[test]
    fn a_filled_cell_gives_its_item_once() {
        let mut cell = pin!(HandOff::new());
        let filler = cell.as_mut().link();
        assert_eq!(cell.as_mut().take(), None, "nothing before the fill");
        filler.fill(String::from("item"));
        assert_eq!(cell.as_mut().take().as_deref(), Some("item"));
        assert_eq!(cell.as_mut().take(), None);
        // Emptied, it links again.
        let filler = cell.as_mut().link();
        cell.as_mut().unlink(filler);
    }

    #[test]
    fn a_cell_dropped_full_drops_its_item() {
        let item = std::sync::Arc::new(());
        {
            let mut cell = pin!(HandOff::new());
            cell.as_mut().link().fill(item.clone());
            assert_eq!(std::sync::Arc::strong_count(&item), 2);
        }
        assert_eq!(std::sync::Arc::strong_count(&item), 1);
    }

    #[test]
    fn a_fill_from_another_thread_is_seen() {
        let mut cell = pin!(HandOff::new());
        let filler = cell.as_mut().link();
        std::thread::scope(|s| {
            s.spawn(move || filler.fill(vec![1, 2, 3])).join().unwrap();
        });
        assert_eq!(cell.as_mut().take(), Some(vec![1, 2, 3]));
    }
}
