//! `cargo xtask sanitize`: the crates with `unsafe` (today greenqueue's
//! `crates/greenqueue/src/raw/`: its spin lock and the hand-off cell of a
//! waiting getter), their tests and a bounded stress, under the address
//! sanitizer and the thread sanitizer.
//!
//! Both need nightly flags, which the stable toolchain takes with
//! `RUSTC_BOOTSTRAP=1`, and a `--target`, so that build scripts and proc
//! macros are built without them. Each sanitizer has a target dir of its own:
//! its flags rebuild everything.
//!
//! std comes precompiled, without the thread sanitizer's instrumentation (that
//! needs `-Zbuild-std` and the rust-src component). Its own synchronization
//! (a thread's result packet, `Arc`'s release fence, libtest's channel, futex
//! waits) is invisible to the sanitizer, which then reports races in std
//! that are not there. So the run goes on past reports, and this step fails
//! on any report with one of our crate's functions among the first frames of
//! either racing access: the races our code could have. With the lock's
//! release store weakened to `Relaxed`, most reports are ours (173 of 193
//! in one run) and the step fails; as written, none is.

use std::process::Command;

use crate::{cargo, cargo_command, workspace_root};

/// The crates whose code has `unsafe`, with the tests each runs: its own
/// (`--lib --tests`), and integration tests of `eventlet-tests` over it.
const CRATES: &[(&str, &[&str])] = &[(
    "greenqueue",
    &[
        "greenqueue_queue",
        "handoff_order",
        "linearizability",
        "stress",
    ],
)];

/// How many frames of each racing access are searched for our functions.
const FRAMES_SEARCHED: usize = 4;

pub(crate) fn sanitize() -> Result<(), String> {
    let target = host_triple()?;
    let stress_secs = std::env::var("STRESS_SECS").unwrap_or_else(|_| "5".into());
    for (krate, integration_tests) in CRATES {
        address(krate, integration_tests, &target, &stress_secs)?;
        thread(krate, &target)?;
    }
    println!("xtask sanitize: no report in our code");
    Ok(())
}

/// The address sanitizer has no false reports: any report fails the run.
fn address(krate: &str, tests: &[&str], target: &str, stress_secs: &str) -> Result<(), String> {
    let envs = [
        ("RUSTC_BOOTSTRAP", "1"),
        ("RUSTFLAGS", "-Zsanitizer=address"),
        ("STRESS_SECS", stress_secs),
    ];
    let common = test_args(target, "address");
    let mut own: Vec<&str> = common.iter().map(String::as_str).collect();
    own.extend(["-p", krate, "--lib", "--tests"]);
    cargo(&format!("address sanitizer: {krate}"), &own, &envs)?;
    let mut integration: Vec<&str> = common.iter().map(String::as_str).collect();
    integration.extend(["-p", "eventlet-tests"]);
    for test in tests {
        integration.extend(["--test", test]);
    }
    // The ignored test is the full stress run, bounded by STRESS_SECS.
    integration.extend(["--", "--include-ignored"]);
    cargo(
        &format!("address sanitizer: tests over {krate}"),
        &integration,
        &envs,
    )
}

fn thread(krate: &str, target: &str) -> Result<(), String> {
    let step = format!("thread sanitizer: {krate}");
    let mut args: Vec<&str> = Vec::new();
    let common = test_args(target, "thread");
    args.extend(common.iter().map(String::as_str));
    args.extend(["-p", krate, "--lib", "--tests"]);
    let mut command = cargo_command(&args);
    command.envs([
        ("RUSTC_BOOTSTRAP", "1"),
        (
            "RUSTFLAGS",
            "-Zsanitizer=thread -Cunsafe-allow-abi-mismatch=sanitizer",
        ),
        // Reports are sorted below; the tests' own verdict is the exit code.
        ("TSAN_OPTIONS", "exitcode=0"),
    ]);
    eprintln!("==> {step}: {command:?}");
    let output = command
        .output()
        .map_err(|e| format!("step `{step}` could not start: {e}"))?;
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if !output.status.success() {
        eprint!("{printed}");
        return Err(format!("step `{step}` failed ({})", output.status));
    }
    let reports = races(&printed);
    let ours: Vec<&Race<'_>> = reports.iter().filter(|race| race.in_crate(krate)).collect();
    eprintln!(
        "thread sanitizer: {} reports, {} with {krate}'s functions in the racing accesses",
        reports.len(),
        ours.len()
    );
    if let Some(race) = ours.first() {
        eprintln!("the first of them:\n{}", race.text);
        return Err(format!("step `{step}`: {} races in {krate}", ours.len()));
    }
    Ok(())
}

/// One report of the thread sanitizer.
struct Race<'a> {
    text: &'a str,
}

impl Race<'_> {
    /// Whether one of `krate`'s library functions (not its unit tests) is
    /// among the first frames of either access (the racing write or read,
    /// and the previous one).
    fn in_crate(&self, krate: &str) -> bool {
        let own = [format!("{krate}::"), format!("<{krate}::")];
        // Frames left to search in the current access; 0 outside accesses
        // (the allocation's stack, the threads' creation).
        let mut frames_left = 0;
        for line in self.text.lines().map(str::trim_start) {
            if ["Write of", "Read of", "Previous ", "Atomic "]
                .iter()
                .any(|access| line.starts_with(access))
            {
                frames_left = FRAMES_SEARCHED;
            } else if let Some(frame) = line.strip_prefix('#') {
                if frames_left > 0 {
                    frames_left -= 1;
                    let function = frame.split_whitespace().nth(1).unwrap_or("");
                    // Unit tests' own closures sit under std's thread
                    // machinery in every spawned thread: not library code.
                    if own.iter().any(|prefix| function.starts_with(prefix))
                        && !function.contains("::tests::")
                    {
                        return true;
                    }
                }
            } else {
                frames_left = 0;
            }
        }
        false
    }
}

/// The data-race reports in what a thread sanitizer run printed.
fn races(printed: &str) -> Vec<Race<'_>> {
    printed
        .split("WARNING: ThreadSanitizer: data race")
        .skip(1)
        .map(|report| Race {
            text: report.split("SUMMARY:").next().unwrap_or(report),
        })
        .collect()
}

/// `cargo test` in release, for `target`, in the sanitizer's own target
/// directory.
fn test_args(target: &str, sanitizer: &str) -> Vec<String> {
    let target_dir = workspace_root()
        .join("target")
        .join(format!("sanitize-{sanitizer}"));
    ["test", "--release", "--target", target, "--target-dir"]
        .into_iter()
        .map(str::to_owned)
        .chain([target_dir.to_string_lossy().into_owned()])
        .collect()
}

/// The host's target triple, from `rustc -vV`.
fn host_triple() -> Result<String, String> {
    let output = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
        .arg("-vV")
        .output()
        .map_err(|e| format!("cannot run rustc -vV: {e}"))?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(str::to_owned)
        .ok_or_else(|| "rustc -vV printed no host".into())
}

#[cfg(test)]
mod tests {
    use super::races;

    const REPORTS: &str = "\
==================
WARNING: ThreadSanitizer: data race (pid=1)
  Write of size 8 at 0x1 by thread T6:
    #0 free <null> (x+0x1)
    #1 <std::thread::lifecycle::spawn_unchecked<greenqueue::lock::tests::t::{closure#0}, ()>::{closure#1}> x
  Previous atomic write of size 8 at 0x1 by thread T2:
    #0 std::panicking::catch_unwind::do_call::<greenqueue::x> x
    #1 <greenqueue::lock::tests::t::{closure#0} as core::ops::function::FnOnce<()>>::call_once x

SUMMARY: ThreadSanitizer: data race in free
==================
==================
WARNING: ThreadSanitizer: data race (pid=1)
  Read of size 8 at 0x2 by thread T3:
    #0 <alloc::collections::vec_deque::VecDeque<u64>>::pop_front x
    #1 <greenqueue::core::GetInner<u64, greenqueue::buffer::Fifo<u64>> as core::future::future::Future>::poll x
  Previous write of size 8 at 0x2 by thread T4:
    #0 <alloc::collections::vec_deque::VecDeque<u64>>::push_back_mut x

SUMMARY: ThreadSanitizer: data race in pop_front
==================
";

    #[test]
    fn a_race_is_ours_when_our_function_is_near_the_top_of_an_access() {
        let found = races(REPORTS);
        assert_eq!(found.len(), 2);
        // Our name only inside std's generic arguments, or in a unit test's
        // closure under std's thread machinery: std's own race.
        assert!(!found[0].in_crate("greenqueue"));
        assert!(found[1].in_crate("greenqueue"));
        assert!(!found[1].in_crate("greensem"));
    }
}
