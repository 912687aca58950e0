//! A linearizability checker for small recorded histories (Wing & Gong's
//! search with Lowe's memoisation, as Porcupine and Lincheck do it).
//!
//! A history is a set of completed operations, each with the logical time it
//! was called and the time it returned (from one shared counter, so "A
//! returned before B was called" is exact). It is linearizable when some
//! order of all the operations that respects real time (A before B whenever
//! A returned before B was called) explains every result, applied one by one
//! to a sequential [`Model`]. The search tries, at each step, every
//! operation that no pending one must precede, and remembers each (set of
//! operations done, model state) it has already ruled out, so a history of
//! a few dozen operations is checked in microseconds.
//!
//! ```
//! use eventlet_tests::linearizability::{Model, Recorder, check};
//!
//! // A register: write(v) or read() -> v.
//! #[derive(Clone, PartialEq, Eq, Hash, Debug)]
//! struct Register(u8);
//! impl Model for Register {
//!     type Op = Option<u8>; // Some(v): write v; None: read
//!     type Ret = u8;
//!     fn step(&self, op: &Option<u8>, ret: &u8) -> Option<Self> {
//!         match op {
//!             Some(v) => Some(Register(*v)),
//!             None => (self.0 == *ret).then(|| self.clone()),
//!         }
//!     }
//! }
//! let recorder = Recorder::new();
//! recorder.record(Some(1), || 0);
//! recorder.record(None, || 1);
//! assert!(check(&Register(0), &recorder.history()).is_ok());
//! let stale = Recorder::new();
//! stale.record(Some(1), || 0);
//! stale.record(None, || 0); // reads the old value after the write returned
//! assert!(check(&Register(0), &stale.history()).is_err());
//! ```

use std::collections::HashSet;
use std::fmt::Debug;
use std::hash::Hash;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};

/// A sequential specification.
pub trait Model: Clone + Eq + Hash {
    /// An operation, with its arguments.
    type Op: Debug;
    /// What the operation returned.
    type Ret: Debug;
    /// The state after `op` returns `ret`, or `None` if `op` cannot return
    /// `ret` in this state (a get of the wrong item, a get that waited
    /// while this state has an item to give, ...).
    fn step(&self, op: &Self::Op, ret: &Self::Ret) -> Option<Self>;
}

/// One completed operation.
#[derive(Debug, Clone)]
pub struct Entry<Op, Ret> {
    /// Which actor (thread or task) ran it: for messages only.
    pub actor: usize,
    /// The operation.
    pub op: Op,
    /// Its result.
    pub ret: Ret,
    /// Logical time of the call.
    pub call: u64,
    /// Logical time of the return.
    pub returned: u64,
}

/// Records operations from any number of threads and tasks.
#[derive(Debug)]
pub struct Recorder<Op, Ret> {
    clock: AtomicU64,
    entries: Mutex<Vec<Entry<Op, Ret>>>,
}

impl<Op, Ret> Default for Recorder<Op, Ret> {
    fn default() -> Self {
        Recorder {
            clock: AtomicU64::new(0),
            entries: Mutex::new(Vec::new()),
        }
    }
}

impl<Op: Clone, Ret: Clone> Recorder<Op, Ret> {
    /// An empty history.
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs `run` as operation `op` of actor 0 and records it.
    pub fn record(&self, op: Op, run: impl FnOnce() -> Ret) -> Ret {
        self.record_as(0, op, run)
    }

    /// Runs `run` as operation `op` of `actor` and records it.
    pub fn record_as(&self, actor: usize, op: Op, run: impl FnOnce() -> Ret) -> Ret {
        let call = self.clock.fetch_add(1, SeqCst);
        let ret = run();
        let returned = self.clock.fetch_add(1, SeqCst);
        self.push(actor, op, ret.clone(), call, returned);
        ret
    }

    /// Records an async operation: `call` before the future is first polled,
    /// the return after it completes.
    pub async fn record_async<F: std::future::Future<Output = Ret>>(
        &self,
        actor: usize,
        op: Op,
        run: F,
    ) -> Ret {
        let call = self.clock.fetch_add(1, SeqCst);
        let ret = run.await;
        let returned = self.clock.fetch_add(1, SeqCst);
        self.push(actor, op, ret.clone(), call, returned);
        ret
    }

    fn push(&self, actor: usize, op: Op, ret: Ret, call: u64, returned: u64) {
        self.entries.lock().unwrap().push(Entry {
            actor,
            op,
            ret,
            call,
            returned,
        });
    }

    /// The operations recorded so far.
    ///
    /// # Panics
    /// If an actor panicked while recording (the lock is poisoned).
    pub fn history(&self) -> Vec<Entry<Op, Ret>> {
        self.entries.lock().unwrap().clone()
    }
}

/// Checks that `history`, started from `init`, is linearizable. The error
/// shows the history in call order.
///
/// # Panics
/// If the history has more than 64 operations.
pub fn check<M: Model>(init: &M, history: &[Entry<M::Op, M::Ret>]) -> Result<(), String> {
    assert!(
        history.len() <= 64,
        "the checker takes at most 64 operations"
    );
    let all = if history.len() == 64 {
        u64::MAX
    } else {
        (1u64 << history.len()) - 1
    };
    let mut ruled_out = HashSet::new();
    if search(init, 0, all, history, &mut ruled_out) {
        return Ok(());
    }
    let mut sorted: Vec<_> = history.iter().collect();
    sorted.sort_by_key(|entry| entry.call);
    let lines: Vec<String> = sorted
        .iter()
        .map(|e| {
            format!(
                "  [{:>3}, {:>3}] actor {}: {:?} -> {:?}",
                e.call, e.returned, e.actor, e.op, e.ret
            )
        })
        .collect();
    Err(format!("not linearizable:\n{}", lines.join("\n")))
}

fn search<M: Model>(
    model: &M,
    done: u64,
    all: u64,
    history: &[Entry<M::Op, M::Ret>],
    ruled_out: &mut HashSet<(u64, M)>,
) -> bool {
    if done == all {
        return true;
    }
    if ruled_out.contains(&(done, model.clone())) {
        return false;
    }
    // An operation may go next only if it was called before every pending
    // operation returned.
    let pending = || (0..history.len()).filter(move |&i| done & (1 << i) == 0);
    let first_return = pending()
        .map(|i| history[i].returned)
        .min()
        .expect("not done, so something is pending");
    for i in pending() {
        let entry = &history[i];
        if entry.call > first_return {
            continue;
        }
        if let Some(next) = model.step(&entry.op, &entry.ret) {
            if search(&next, done | (1 << i), all, history, ruled_out) {
                return true;
            }
        }
    }
    ruled_out.insert((done, model.clone()));
    false
}

/// A small deterministic generator for the histories' random choices.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// A number below `n`.
    ///
    /// # Panics
    /// If `n` is zero.
    pub fn below(&mut self, n: usize) -> usize {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let n = u64::try_from(n).expect("usize fits u64");
        usize::try_from(self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n).expect("below n")
    }
}
