//! `target/bench-report.md` from criterion's own results: one table per
//! workload with the median for ours and each peer from the same run, the
//! ratio to the fastest peer, and eventlet's figure where it was measured;
//! before them, the goals, each met or missed on this run.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// One measured implementation of one workload.
struct Row {
    name: String,
    /// Median nanoseconds per item (per iteration when no throughput is set).
    per_item: f64,
}

/// Writes the report from the criterion results in `target` (cargo's
/// target directory, wherever `CARGO_TARGET_DIR` or a config put it), into
/// `target/bench-report.md`; `eventlet` maps a workload to eventlet's ns per
/// item.
pub(crate) fn write(target: &Path, eventlet: &BTreeMap<String, f64>) -> Result<PathBuf, String> {
    let criterion = target.join("criterion");
    let mut groups: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for group in subdirs(&criterion) {
        for bench in subdirs(&group) {
            let new = bench.join("new");
            let (Ok(meta), Ok(estimates)) = (
                fs::read_to_string(new.join("benchmark.json")),
                fs::read_to_string(new.join("estimates.json")),
            ) else {
                continue;
            };
            let (Some(group_id), Some(name), Some(median)) = (
                string_field(&meta, "group_id"),
                string_field(&meta, "function_id"),
                median(&estimates),
            ) else {
                continue;
            };
            let elements = number_after(&meta, "\"Elements\":").unwrap_or(1.0);
            groups.entry(group_id).or_default().push(Row {
                name,
                per_item: median / elements,
            });
        }
    }
    if groups.is_empty() {
        return Err(format!(
            "no criterion results under {}",
            criterion.display()
        ));
    }
    let mut report = String::from("# Benchmark report\n\n");
    let _ = writeln!(
        report,
        "Made by `cargo xtask bench` on {}. Medians from one run of criterion; \
         \"per item\" is per operation (per item moved, per waiter woken). Ours are \
         the `green*` rows; the ratio is to the fastest peer in the same table \
         (below 1 is faster). Plots: [criterion's report](criterion/report/index.html).\n",
        machine()
    );
    let per_item = |workload: &str, name: &str| {
        let rows = groups.get(workload)?;
        rows.iter()
            .find(|row| row.name == name)
            .map(|row| row.per_item)
    };
    let best_of_ours = |workload: &str| {
        groups
            .get(workload)?
            .iter()
            .filter(|row| is_ours(&row.name))
            .map(|row| row.per_item)
            .reduce(f64::min)
    };
    report.push_str(&crate::goals::section(per_item, best_of_ours, eventlet));
    // The memory bench's table, when it ran (benches/benches/memory.rs).
    if let Ok(memory) = fs::read_to_string(target.join("tmp/memory.md")) {
        let _ = writeln!(
            report,
            "## Memory\n\nBytes from a counting allocator (`benches/benches/memory.rs`): an \
             empty queue with its handles, per buffered `u64`, per waiting getter or putter \
             (its future and what waiting allocated), and allocations per round trip of a \
             steady ping-pong through two `bounded(1)` queues.\n\n{memory}"
        );
    }
    for (group, mut rows) in groups {
        rows.sort_by(|a, b| a.per_item.total_cmp(&b.per_item));
        let fastest_peer = rows
            .iter()
            .filter(|row| !is_ours(&row.name))
            .map(|row| row.per_item)
            .reduce(f64::min);
        let eventlet_ns = eventlet.get(&group).copied();
        let _ = writeln!(report, "## {group}\n");
        let _ = writeln!(
            report,
            "| implementation | ns per item | vs fastest peer | speed-up over eventlet |"
        );
        let _ = writeln!(report, "|---|---:|---:|---:|");
        for row in &rows {
            let ratio = match (is_ours(&row.name), fastest_peer) {
                (true, Some(peer)) => format!("{:.2}x", row.per_item / peer),
                _ => String::new(),
            };
            let speed_up =
                eventlet_ns.map_or(String::new(), |ns| format!("{:.0}x", ns / row.per_item));
            let _ = writeln!(
                report,
                "| {} | {} | {ratio} | {speed_up} |",
                row.name,
                nanos(row.per_item)
            );
        }
        if let Some(ns) = eventlet_ns {
            let _ = writeln!(report, "| eventlet 0.41.3 (Python) | {} | | |", nanos(ns));
        }
        report.push('\n');
    }
    let path = target.join("bench-report.md");
    fs::write(&path, report).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

fn is_ours(name: &str) -> bool {
    name.starts_with("green")
}

fn nanos(ns: f64) -> String {
    if ns >= 100.0 {
        format!("{ns:.0}")
    } else {
        format!("{ns:.1}")
    }
}

/// The CPU model and the number of cores, from what the OS says.
fn machine() -> String {
    let cpu = fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split(':').nth(1))
                .map(|model| model.trim().to_string())
        })
        .unwrap_or_else(|| "an unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    format!("{cores} cores of {cpu}")
}

/// `"key":"value"` in a flat JSON text.
fn string_field(json: &str, key: &str) -> Option<String> {
    let start = json.find(&format!("\"{key}\":\""))? + key.len() + 4;
    let end = json[start..].find('"')? + start;
    Some(json[start..end].to_string())
}

/// The median's point estimate in criterion's estimates.json.
fn median(json: &str) -> Option<f64> {
    let at = json.find("\"median\":")?;
    number_after(&json[at..], "\"point_estimate\":")
}

/// The number right after the first `marker`.
fn number_after(json: &str, marker: &str) -> Option<f64> {
    let start = json.find(marker)? + marker.len();
    let rest = &json[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+')))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// The subdirectories of `dir`, sorted; none if it cannot be read.
fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_reads_and_writes_the_target_directory_it_is_given() {
        // A target directory elsewhere, as CARGO_TARGET_DIR makes it, with
        // one criterion result in it.
        let target = std::env::temp_dir().join(format!("xtask-report-{}", std::process::id()));
        let new = target.join("criterion/some_group/greenthing/new");
        fs::create_dir_all(&new).unwrap();
        fs::write(
            new.join("benchmark.json"),
            r#"{"group_id":"some_group","function_id":"greenthing","throughput":{"Elements":10}}"#,
        )
        .unwrap();
        fs::write(
            new.join("estimates.json"),
            r#"{"mean":{"point_estimate":130.0},"median":{"point_estimate":120.0}}"#,
        )
        .unwrap();
        let written = write(&target, &BTreeMap::new()).unwrap();
        assert_eq!(written, target.join("bench-report.md"));
        let report = fs::read_to_string(&written).unwrap();
        assert!(report.contains("greenthing"), "{report}");
        assert!(report.contains("12.0"), "120 ns over 10 elements: {report}");
        assert!(!report.contains("## Memory"), "no memory table, no section");
        fs::create_dir_all(target.join("tmp")).unwrap();
        fs::write(
            target.join("tmp/memory.md"),
            "| queue | bytes |\n|---|---:|\n| greenq | 7 |\n",
        )
        .unwrap();
        let report = fs::read_to_string(write(&target, &BTreeMap::new()).unwrap()).unwrap();
        assert!(
            report.contains("## Memory") && report.contains("| greenq | 7 |"),
            "{report}"
        );
        fs::remove_dir_all(&target).unwrap();
        assert!(
            write(&target, &BTreeMap::new()).is_err(),
            "no results, no report"
        );
    }
}
