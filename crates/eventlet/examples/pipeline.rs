//! A realistic job: a bounded Queue feeds a pool of workers, a Semaphore caps
//! how many run at once, each job runs under a Timeout, and `join` waits for
//! the lot; progress lines as jobs finish, then a summary.

// expect: pipeline: 40 jobs, 8 workers, 3 at a time, 60 ms per job at most
// expect: summary: 40 jobs, 35 done, 5 timed out

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use eventlet::{Queue, Semaphore, sleep, spawn_n, with_timeout};

const JOBS: u32 = 40;
const WORKERS: usize = 8;
const AT_ONCE: usize = 3;
const JOB_LIMIT: Duration = Duration::from_millis(60);

/// Job `n` takes a little while; every eighth one hangs far past the limit.
fn job_length(n: u32) -> Duration {
    if n % 8 == 7 {
        Duration::from_secs(10)
    } else {
        Duration::from_millis(u64::from(5 + n % 4 * 5))
    }
}

#[derive(Default)]
struct Tally {
    done: AtomicUsize,
    timed_out: AtomicUsize,
}

fn main() {
    println!(
        "pipeline: {JOBS} jobs, {WORKERS} workers, {AT_ONCE} at a time, {} ms per job at most",
        JOB_LIMIT.as_millis()
    );
    let started = Instant::now();
    let tally = eventlet::run(async {
        let jobs = Arc::new(Queue::bounded(WORKERS));
        let running = Arc::new(Semaphore::new(AT_ONCE));
        let tally = Arc::new(Tally::default());
        for worker in 0..WORKERS {
            let (jobs, running, tally) = (jobs.clone(), running.clone(), tally.clone());
            spawn_n(async move {
                loop {
                    let n = jobs.get().await;
                    let outcome = {
                        let _slot = running.acquire().await;
                        with_timeout(JOB_LIMIT, sleep(job_length(n))).await
                    };
                    let (count, word) = match outcome {
                        Ok(()) => (&tally.done, "done"),
                        Err(_) => (&tally.timed_out, "timed out"),
                    };
                    let finished = count.fetch_add(1, Ordering::SeqCst) + 1;
                    println!("  worker {worker}: job {n:>2} {word} ({finished} {word} so far)");
                    jobs.task_done().expect("one task_done per job");
                }
            });
        }
        for n in 0..JOBS {
            jobs.put(n).await;
        }
        jobs.join().await;
        tally
    });
    let (done, timed_out) = (
        tally.done.load(Ordering::SeqCst),
        tally.timed_out.load(Ordering::SeqCst),
    );
    let elapsed = started.elapsed();
    println!("summary: {JOBS} jobs, {done} done, {timed_out} timed out");
    println!(
        "throughput: {:.0} jobs/s over {:.2} s",
        f64::from(JOBS) / elapsed.as_secs_f64(),
        elapsed.as_secs_f64()
    );
}
