//! `cargo xtask`: the one entry point for CI and for developers.
//!
//! std only, so that it builds before anything else and needs nothing more.

mod goals;
mod report;
mod sanitize;

use std::collections::BTreeMap;
use std::env;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const HELP: &str = "\
cargo xtask <command>

commands:
  ci             what CI runs: fmt check, clippy (-D warnings), all tests with
                 doctests, `sanitize`, docs (-D warnings), every example (its output checked
                 against its `// expect:` lines), the facade with each single
                 feature, and `cargo package` of the published crates
  loom           the loom models (tests/tests/loom_models.rs, built with --cfg eventlet_loom)
  stress         the bounded stress tests (STRESS_SECS sets their time, default 60)
  sanitize       the crates with `unsafe`, their tests and a bounded stress
                 (STRESS_SECS, default 5) under AddressSanitizer and
                 ThreadSanitizer (stable toolchain, through RUSTC_BOOTSTRAP=1)
  bench [--quick] [--eventlet] [--report]
                 every criterion bench in benches/, then bench-report.md in
                 cargo's target directory (CARGO_TARGET_DIR is honoured)
                 (ours against the peers); --quick runs each briefly;
                 --eventlet adds eventlet 0.41.3's figures (needs python3);
                 --report only rewrites the report from the last results
  demo           the tour of the API (crates/eventlet/examples/tour.rs)
  help           this text
";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("loom") => loom(),
        Some("stress") => stress(),
        Some("sanitize") => sanitize::sanitize(),
        Some("bench") => bench(&args[1..]),
        Some("demo") => demo(),
        Some("help" | "--help" | "-h") => {
            print!("{HELP}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{HELP}")),
        None => Err(format!("no command given\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn ci() -> Result<(), String> {
    cargo("fmt", &["fmt", "--all", "--check"], &[])?;
    cargo(
        "clippy",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    cargo("test", &["test", "--workspace"], &[])?;
    sanitize::sanitize()?;
    cargo(
        "doc",
        &["doc", "--workspace", "--no-deps"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    for (package, example, source) in examples()? {
        let step = format!("example {package}/{example}");
        let output = cargo_stdout(
            &step,
            &["run", "--quiet", "-p", &package, "--example", &example],
        )?;
        check_expected_lines(&step, &source, &output)?;
    }
    for feature in FACADE_FEATURES {
        let step = format!("facade with only `{feature}`");
        cargo(
            &step,
            &[
                "check",
                "-p",
                "eventlet",
                "--no-default-features",
                "--features",
                feature,
            ],
            &[],
        )?;
    }
    // Verifying builds each crate against the others from a local registry,
    // and cargo takes a registry crate of an unchanged version as unchanged:
    // an artifact or extraction from an earlier run would be reused. So the
    // step starts from nothing of its own: a target dir it clears, and no
    // extraction of ours left in cargo's registry sources.
    let target = workspace_root().join("target/package-verify");
    if target.exists() {
        fs::remove_dir_all(&target)
            .map_err(|e| format!("cannot clear {}: {e}", target.display()))?;
    }
    forget_packaged_sources()?;
    let target = target.to_string_lossy();
    let mut package = vec!["package", "--allow-dirty", "--target-dir", &target];
    for krate in PUBLISHED {
        package.extend(["-p", krate]);
    }
    cargo("package", &package, &[])?;
    println!("xtask ci: all steps passed");
    Ok(())
}

/// `cargo package` of several workspace crates verifies each one against the
/// others through a temporary local registry, which cargo extracts under
/// `$CARGO_HOME/registry/src/-<hash>/<crate>-<version>` and reuses while the
/// version number is unchanged: a later run would verify against an earlier
/// run's sources (a new API then "does not exist"). Removes those
/// extractions of our own crates, and nothing else.
fn forget_packaged_sources() -> Result<(), String> {
    let cargo_home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    let Some(sources) = cargo_home.map(|home| home.join("registry").join("src")) else {
        return Ok(());
    };
    let Ok(registries) = fs::read_dir(&sources) else {
        return Ok(());
    };
    for registry in registries.flatten() {
        // Local overlays are named `-<hash>`; crates.io's sources live in
        // `index.crates.io-<hash>` and are left alone.
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        for extracted in fs::read_dir(registry.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = extracted.file_name().to_string_lossy().into_owned();
            if PUBLISHED.iter().any(|krate| is_version_of(&name, krate)) {
                fs::remove_dir_all(extracted.path())
                    .map_err(|e| format!("cannot remove {}: {e}", extracted.path().display()))?;
            }
        }
    }
    Ok(())
}

/// Whether `dir` is `<krate>-<version>`.
fn is_version_of(dir: &str, krate: &str) -> bool {
    dir.strip_prefix(krate)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|version| version.starts_with(|c: char| c.is_ascii_digit()))
}

/// The facade's features: each must build on its own.
const FACADE_FEATURES: [&str; 6] = ["event", "semaphore", "queue", "timeout", "hub", "pool"];

/// The crates meant for crates.io, in dependency order.
const PUBLISHED: [&str; 7] = [
    "greentimeout",
    "greenevent",
    "greensem",
    "greenqueue",
    "greenhub",
    "greenpool",
    "eventlet",
];

fn loom() -> Result<(), String> {
    // `--cfg loom` would reach every dependency, and async-io does not build
    // against parking's loom mode; models switch on with a cfg of our own,
    // which dependencies ignore. A target dir of its own: the cfg rebuilds
    // everything, and sharing the normal one would throw that build away.
    let target = workspace_root().join("target/loom");
    cargo(
        "loom",
        &[
            "test",
            "--release",
            "-p",
            "eventlet-tests",
            "--test",
            "loom_models",
            // The queue's spin lock, private to its crate, has its model there.
            "-p",
            "greenqueue",
            "--lib",
            "--target-dir",
            &target.to_string_lossy(),
            "loom",
        ],
        &[
            ("RUSTFLAGS", "--cfg eventlet_loom"),
            ("LOOM_MAX_PREEMPTIONS", "2"),
        ],
    )
}

fn stress() -> Result<(), String> {
    // Stress tests are `#[ignore]`d so that `cargo test` stays quick; the
    // tests read STRESS_SECS themselves and print their figures.
    cargo(
        "stress",
        &[
            "test",
            "--release",
            "-p",
            "eventlet-tests",
            "stress",
            "--",
            "--ignored",
            "--nocapture",
        ],
        &[],
    )
}

fn bench(args: &[String]) -> Result<(), String> {
    let mut quick = false;
    let mut with_eventlet = false;
    let mut report_only = false;
    for arg in args {
        match arg.as_str() {
            "--quick" => quick = true,
            "--eventlet" => with_eventlet = true,
            "--report" => report_only = true,
            other => {
                return Err(format!(
                    "bench takes --quick, --eventlet and --report, not `{other}`\n\n{HELP}"
                ));
            }
        }
    }
    if !report_only {
        let mut cargo_args = vec!["bench", "-p", "eventlet-benches"];
        if quick {
            cargo_args.extend(["--", "--quick"]);
        }
        cargo("bench", &cargo_args, &[])?;
    }
    let eventlet = if with_eventlet {
        eventlet_figures(quick)?
    } else {
        BTreeMap::new()
    };
    let path = report::write(&target_dir(&[])?, &eventlet)?;
    println!("xtask bench: wrote {}", path.display());
    Ok(())
}

/// Runs `benches/eventlet/bench.py` with eventlet 0.41.3 in a virtualenv of
/// its own; each line it prints is `workload ns_per_item`. Without python3
/// it says so and gives nothing.
fn eventlet_figures(quick: bool) -> Result<BTreeMap<String, f64>, String> {
    let root = workspace_root();
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("xtask bench: python3 not found: the report has no eventlet column");
        return Ok(BTreeMap::new());
    }
    let venv = root.join("target/eventlet-venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        run(
            "eventlet virtualenv",
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
        )?;
    }
    run(
        "install eventlet",
        Command::new(&python).args(["-m", "pip", "install", "--quiet", "eventlet==0.41.3"]),
    )?;
    let script = root.join("benches/eventlet/bench.py");
    let mut command = Command::new(&python);
    command.arg(&script);
    if quick {
        command.arg("--quick");
    }
    eprintln!("==> eventlet benches: {command:?}");
    let output = command
        .output()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    if !output.status.success() {
        return Err(format!(
            "eventlet benches failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let figures = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let (workload, ns) = line.split_once(' ')?;
            Some((workload.to_string(), ns.trim().parse().ok()?))
        })
        .collect();
    Ok(figures)
}

fn run(step: &str, command: &mut Command) -> Result<(), String> {
    eprintln!("==> {step}: {command:?}");
    let status = command
        .status()
        .map_err(|e| format!("step `{step}` could not start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("step `{step}` failed ({status})"))
    }
}

fn demo() -> Result<(), String> {
    cargo(
        "demo",
        &["run", "--quiet", "-p", "eventlet", "--example", "tour"],
        &[],
    )
}

/// `cargo args` at the workspace root.
fn cargo_command(args: &[&str]) -> Command {
    let mut command = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.args(args).current_dir(workspace_root());
    command
}

/// Runs `cargo args` with `envs`; the error names the step.
fn cargo(step: &str, args: &[&str], envs: &[(&str, &str)]) -> Result<(), String> {
    run(step, cargo_command(args).envs(envs.iter().copied()))
}

/// Runs `cargo args` and returns what it printed (and prints it); stderr
/// passes through.
fn cargo_stdout(step: &str, args: &[&str]) -> Result<String, String> {
    let mut command = cargo_command(args);
    eprintln!("==> {step}: {command:?}");
    let output = command
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("step `{step}` could not start: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    print!("{stdout}");
    if output.status.success() {
        Ok(stdout)
    } else {
        Err(format!("step `{step}` failed ({})", output.status))
    }
}

/// Every `// expect: <line>` of an example's source must be a line of its
/// output. Order is not checked, as eventlet leaves much of it unspecified,
/// unless the source says `// expect-order: strict`: then the expected lines
/// must come in the order written (other lines may come between).
fn check_expected_lines(step: &str, source: &Path, output: &str) -> Result<(), String> {
    let source =
        fs::read_to_string(source).map_err(|e| format!("cannot read {}: {e}", source.display()))?;
    let expected: Vec<&str> = source
        .lines()
        .filter_map(|line| line.trim().strip_prefix("// expect: "))
        .collect();
    let missing: Vec<&str> = expected
        .iter()
        .copied()
        .filter(|expected| !output.lines().any(|line| line.trim() == *expected))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "step `{step}`: the output lacks the expected lines {missing:?}"
        ));
    }
    let strict = source
        .lines()
        .any(|line| line.trim() == "// expect-order: strict");
    if strict && !in_order(&expected, output) {
        return Err(format!(
            "step `{step}`: the expected lines are all there, but not in the order {expected:?}"
        ));
    }
    Ok(())
}

/// Whether `expected` appear among `output`'s lines in this order.
fn in_order(expected: &[&str], output: &str) -> bool {
    let mut lines = output.lines().map(str::trim);
    expected
        .iter()
        .all(|expected| lines.any(|line| line == *expected))
}

/// Every `crates/<package>/examples/<name>.rs`, as (package, name, path),
/// sorted. Each crate's directory is named after its package.
fn examples() -> Result<Vec<(String, String, PathBuf)>, String> {
    let mut found = Vec::new();
    for krate in read_dir(&workspace_root().join("crates"))? {
        let examples = krate.join("examples");
        if !examples.is_dir() {
            continue;
        }
        let package = file_name(&krate);
        for file in read_dir(&examples)? {
            if file.extension() == Some(OsStr::new("rs")) {
                let name = file.file_stem().map(|s| s.to_string_lossy().into_owned());
                found.push((package.clone(), name.unwrap_or_default(), file));
            }
        }
    }
    found.sort();
    Ok(found)
}

fn read_dir(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    entries
        .map(|entry| {
            entry
                .map(|e| e.path())
                .map_err(|e| format!("cannot read {}: {e}", dir.display()))
        })
        .collect()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The directory cargo builds into, as cargo itself resolves it
/// (`CARGO_TARGET_DIR`, `build.target-dir` in a config, or the workspace's
/// `target/`): `cargo metadata`'s `target_directory`. `envs` are set for
/// that cargo, on top of this process's environment.
fn target_dir(envs: &[(&str, &str)]) -> Result<PathBuf, String> {
    let output = cargo_command(&["metadata", "--format-version", "1", "--no-deps"])
        .envs(envs.iter().copied())
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    target_directory_of(&String::from_utf8_lossy(&output.stdout))
        .ok_or_else(|| "cargo metadata gave no target_directory".to_string())
}

/// The `target_directory` string of `cargo metadata`'s JSON, unescaped.
fn target_directory_of(metadata: &str) -> Option<PathBuf> {
    const KEY: &str = "\"target_directory\":\"";
    let start = metadata.find(KEY)? + KEY.len();
    let mut path = String::new();
    let mut chars = metadata[start..].chars();
    loop {
        match chars.next()? {
            '"' => return Some(PathBuf::from(path)),
            '\\' => path.push(chars.next()?),
            c => path.push(c),
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::in_order;

    #[test]
    fn the_target_directory_is_cargos_own_even_when_moved() {
        // `cargo xtask bench` once looked for criterion's results under
        // <workspace>/target only, and failed when CARGO_TARGET_DIR moved them.
        let moved = std::env::temp_dir().join("xtask-moved-target");
        let moved = moved.to_str().unwrap();
        assert_eq!(
            super::target_dir(&[("CARGO_TARGET_DIR", moved)]).unwrap(),
            std::path::PathBuf::from(moved)
        );
        let default = super::target_dir(&[]).unwrap();
        assert!(default.is_absolute(), "{}", default.display());
    }

    #[test]
    fn target_directory_is_read_and_unescaped_from_cargo_metadata() {
        let metadata = r#"{"packages":[],"target_directory":"/a \"quoted\" dir\\x","version":1}"#;
        assert_eq!(
            super::target_directory_of(metadata),
            Some(std::path::PathBuf::from(r#"/a "quoted" dir\x"#))
        );
        assert_eq!(super::target_directory_of("{}"), None);
    }

    #[test]
    fn only_our_crates_extractions_are_forgotten() {
        assert!(super::is_version_of("greensem-0.1.0", "greensem"));
        assert!(!super::is_version_of("greensemx-0.1.0", "greensem"));
        assert!(!super::is_version_of("eventlet-tests-0.1.0", "eventlet"));
    }

    #[test]
    fn strict_order_needs_the_written_order() {
        let output = "Worker 0 accessing\nnoise\nWorker 0 done\n";
        assert!(in_order(&["Worker 0 accessing", "Worker 0 done"], output));
        assert!(!in_order(&["Worker 0 done", "Worker 0 accessing"], output));
    }
}
