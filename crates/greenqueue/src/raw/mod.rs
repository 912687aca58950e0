//! The crate's only `unsafe` code, in two small parts, each with its
//! `// SAFETY:` proofs, its loom models (`cargo xtask loom`) and its runs
//! under the address and thread sanitizers (`cargo xtask sanitize`):
//!
//! - [`lock`]: the spin lock every queue's state lives under;
//! - [`handoff`]: the cell, pinned in a waiting getter's future, that a put
//!   writes the getter's item into, so that the woken getter takes it
//!   without the lock.
//!
//! The rest of the crate is safe code (the workspace denies `unsafe_code`).

pub(crate) mod handoff;
pub(crate) mod lock;
