use std::fmt;
use std::mem;
use std::sync::Arc;

use crate::core::{Core, HasCore};

/// A permit of a [`Semaphore`](crate::Semaphore) or
/// [`BoundedSemaphore`](crate::BoundedSemaphore), given back when dropped.
/// For eventlet's `with sem:` block, [`Semaphore::with`](crate::Semaphore::with)
/// is the form that cannot be misused; the guard is for a permit whose
/// holding does not fit one block.
///
/// Bind the guard to a named variable (`let _permit = ...`). **`let _ =
/// sem.acquire().await;` gives the permit back at once**: `_` is not a
/// variable, so the guard is dropped on that line. (rustc's hint for an
/// unused guard suggests exactly that form; don't take it.)
///
/// ```
/// let sem = greensem::Semaphore::new(1);
/// futures_lite::future::block_on(async {
///     let _ = sem.acquire().await; // taken and given back on this line
///     assert!(!sem.locked());
///     let _permit = sem.acquire().await; // held to the end of the block
///     assert!(sem.locked());
/// });
/// ```
///
/// The guard gives its permit back even when dropped during a panic.
///
/// # Panics
/// Dropping the guard of a `BoundedSemaphore` panics if its permit no longer
/// fits, because unpaired `release` calls filled the semaphore meanwhile
/// (eventlet raises `ValueError` there). It does not panic during a panic.
///
/// ```
/// use greensem::Semaphore;
///
/// let sem = Semaphore::new(1);
/// {
///     let _guard = sem.try_acquire().unwrap();
///     assert!(sem.locked());
/// }
/// assert!(!sem.locked());
/// ```
#[must_use = "the permit is given back as soon as the guard is dropped"]
pub struct SemaphoreGuard<'a> {
    pub(crate) core: &'a Core,
}

impl SemaphoreGuard<'_> {
    /// Keeps the permit: the semaphore gets it back only through a later
    /// unpaired `release`.
    ///
    /// ```
    /// let sem = greensem::Semaphore::new(1);
    /// sem.try_acquire().unwrap().forget();
    /// assert!(sem.locked());
    /// sem.release();
    /// assert!(!sem.locked());
    /// ```
    pub fn forget(self) {
        mem::forget(self);
    }
}

impl Drop for SemaphoreGuard<'_> {
    fn drop(&mut self) {
        give_back(self.core);
    }
}

impl fmt::Debug for SemaphoreGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SemaphoreGuard").field(self.core).finish()
    }
}

/// A permit of a semaphore held in an `Arc`, given back when dropped; it
/// borrows nothing, so it can move into a spawned task.
///
/// # Panics
/// As [`SemaphoreGuard`], for a `BoundedSemaphore` filled by unpaired releases.
///
/// ```
/// use std::sync::Arc;
/// use greensem::Semaphore;
///
/// let sem = Arc::new(Semaphore::new(1));
/// let guard = sem.try_acquire_arc().unwrap();
/// std::thread::spawn(move || drop(guard)).join().unwrap();
/// assert!(!sem.locked());
/// ```
#[must_use = "the permit is given back as soon as the guard is dropped"]
pub struct SemaphoreGuardArc {
    /// `None` once the permit is forgotten.
    pub(crate) semaphore: Option<Arc<dyn HasCore>>,
}

impl SemaphoreGuardArc {
    /// Keeps the permit; see [`SemaphoreGuard::forget`].
    ///
    /// ```
    /// use std::sync::Arc;
    /// let sem = Arc::new(greensem::Semaphore::new(1));
    /// sem.try_acquire_arc().unwrap().forget();
    /// assert!(sem.locked());
    /// ```
    pub fn forget(mut self) {
        self.semaphore = None;
    }
}

impl Drop for SemaphoreGuardArc {
    fn drop(&mut self) {
        if let Some(semaphore) = self.semaphore.take() {
            give_back(semaphore.core());
        }
    }
}

impl fmt::Debug for SemaphoreGuardArc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let core = self.semaphore.as_deref().map(HasCore::core);
        f.debug_tuple("SemaphoreGuardArc").field(&core).finish()
    }
}

fn give_back(core: &Core) {
    let released = core.release().is_ok();
    // Panicking while already panicking would abort; the permit is then lost.
    assert!(
        released || std::thread::panicking(),
        "BoundedSemaphore released too many times: a guard's permit no longer fits"
    );
}
