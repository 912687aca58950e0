"""The workloads of benches/ run with eventlet 0.41.3, for `cargo xtask bench
--eventlet`. Prints one line per workload: `<criterion group> <ns per item>`,
the median of a few runs. `--quick` runs each once, smaller."""

import sys
import time

import eventlet
from eventlet import event, queue, semaphore, timeout

QUICK = "--quick" in sys.argv
SCALE = 10 if QUICK else 1
RUNS = 1 if QUICK else 5


def measure(run, items):
    """Median ns per item of `run()`, which moves `items` items."""
    times = []
    for _ in range(RUNS):
        started = time.perf_counter_ns()
        run()
        times.append((time.perf_counter_ns() - started) / items)
    times.sort()
    return times[len(times) // 2]


def semaphore_try_acquire():
    n = 200_000 // SCALE
    sem = semaphore.Semaphore(1)

    def run():
        for _ in range(n):
            sem.acquire(blocking=False)
            sem.release()

    return measure(run, n)


def semaphore_acquire():
    n = 200_000 // SCALE
    sem = semaphore.Semaphore(1)

    def run():
        for _ in range(n):
            sem.acquire()
            sem.release()

    return measure(run, n)


def semaphore_contended(hold_across_yield):
    tasks, rounds = 100, 1_000 // SCALE

    def worker(sem):
        for _ in range(rounds):
            sem.acquire()
            if hold_across_yield:
                eventlet.sleep(0)
            sem.release()

    def run():
        sem = semaphore.Semaphore(4)
        threads = [eventlet.spawn(worker, sem) for _ in range(tasks)]
        for thread in threads:
            thread.wait()

    return measure(run, tasks * rounds)


def spsc(make):
    n = 100_000 // SCALE

    def run():
        q = make()
        consumer = eventlet.spawn(lambda: [q.get() for _ in range(n)])
        for i in range(n):
            q.put(i)
        consumer.wait()

    return measure(run, n)


def mpmc():
    n = 100_000 // SCALE

    def run():
        q = queue.LightQueue(1024)
        producers = [eventlet.spawn(lambda: [q.put(i) for i in range(n // 4)]) for _ in range(4)]
        consumers = [eventlet.spawn(lambda: [q.get() for _ in range(n // 4)]) for _ in range(4)]
        for thread in producers + consumers:
            thread.wait()

    return measure(run, n)


def ping_pong(size):
    n = 20_000 // SCALE

    def run():
        ping, pong = queue.LightQueue(size), queue.LightQueue(size)

        def echo():
            for _ in range(n):
                pong.put(ping.get())

        echoer = eventlet.spawn(echo)
        for i in range(n):
            ping.put(i)
            pong.get()
        echoer.wait()

    return measure(run, n)


def event_broadcast():
    waiters = 1000

    def one():
        evt = event.Event()
        threads = [eventlet.spawn(evt.wait) for _ in range(waiters)]
        eventlet.sleep(0)  # every waiter is waiting
        started = time.perf_counter_ns()
        evt.send(1)
        for thread in threads:
            thread.wait()
        return time.perf_counter_ns() - started

    times = sorted(one() / waiters for _ in range(RUNS))
    return times[len(times) // 2]


def event_wait_sent():
    n = 200_000 // SCALE
    evt = event.Event()
    evt.send(7)

    def run():
        for _ in range(n):
            evt.wait()

    return measure(run, n)


def timeout_overhead():
    n = 100_000 // SCALE

    def run():
        for _ in range(n):
            timeout.with_timeout(3600, lambda: 1)

    return measure(run, n)


def spawn_wait():
    n = 50_000 // SCALE

    def run():
        for _ in range(n):
            eventlet.spawn(lambda: None).wait()

    return measure(run, n)


def sleep_zero():
    n = 100_000 // SCALE

    def run():
        for _ in range(n):
            eventlet.sleep(0)

    return measure(run, n)


def pool_imap():
    n = 100_000 // SCALE

    def run():
        pool = eventlet.GreenPool(100)
        for _ in pool.imap(lambda i: i, range(n)):
            pass

    return measure(run, n)


def pool_spawn_waitall():
    n = 10_000 // SCALE

    def run():
        pool = eventlet.GreenPool(10_000)
        for i in range(n):
            pool.spawn_n(lambda i: None, i)
        pool.waitall()

    return measure(run, n)


WORKLOADS = {
    "semaphore_try_acquire": semaphore_try_acquire,
    "semaphore_acquire": semaphore_acquire,
    "semaphore_contended": lambda: semaphore_contended(False),
    "semaphore_contended_hold_across_yield": lambda: semaphore_contended(True),
    "queue_spsc_bounded_1024": lambda: spsc(lambda: queue.LightQueue(1024)),
    "queue_spsc_unbounded": lambda: spsc(queue.LightQueue),
    "queue_spsc_priority_bounded_1024": lambda: spsc(lambda: queue.PriorityQueue(1024)),
    "queue_mpmc_4x4_bounded_1024": mpmc,
    "queue_ping_pong_bounded_1": lambda: ping_pong(1),
    "queue_ping_pong_rendezvous": lambda: ping_pong(0),
    "event_broadcast_1000": event_broadcast,
    "event_wait_sent": event_wait_sent,
    "timeout_overhead": timeout_overhead,
    "hub_spawn_wait": spawn_wait,
    "hub_sleep_zero": sleep_zero,
    "pool_imap_size_100": pool_imap,
    "pool_spawn_waitall_10k": pool_spawn_waitall,
}

if __name__ == "__main__":
    for name, workload in WORKLOADS.items():
        print(f"{name} {workload():.1f}", flush=True)
