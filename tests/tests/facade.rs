//! The facade re-exports every public item of the five crates, at the root and
//! as modules; this touches each one, so a lost re-export fails to compile.

use std::time::Duration;

use eventlet::{
    AlreadySent, AlreadyStarted, BoundedSemaphore, CappedSemaphore, Elapsed, Empty, Event, Full,
    GreenThread, GreenThreadId, Hub, HubBuilder, InvalidBounds, IsTimeout, Killed, LifoQueue,
    LightQueue, NotSent, PriorityQueue, Queue, ReleasedTooManyTimes, Semaphore, SemaphoreGuard,
    SemaphoreGuardArc, Sleep, TaggedTimeout, TaskDoneTooManyTimes, Timeout, WaitError, current,
    is_timeout, run, sleep, spawn, spawn_after, spawn_n, with_timeout, with_timeout_or,
    wrap_is_timeout,
};

#[test]
fn every_root_re_export_is_the_sub_crates_item() {
    let _: AlreadySent<u8> = greenevent::AlreadySent(1);
    let _: NotSent = greenevent::NotSent;
    let _: Killed = greenevent::Killed;
    let event: Event<u8> = greenevent::Event::new();
    assert!(event.send(1).is_ok());

    let sem: Semaphore = greensem::Semaphore::new(1);
    let guard: SemaphoreGuard<'_> = sem.try_acquire().unwrap();
    drop(guard);
    let arc = std::sync::Arc::new(Semaphore::new(1));
    let _: Option<SemaphoreGuardArc> = arc.try_acquire_arc();
    let _: BoundedSemaphore = greensem::BoundedSemaphore::new(1);
    let _: Result<CappedSemaphore, InvalidBounds> = greensem::CappedSemaphore::new(0, 1);
    let _: ReleasedTooManyTimes = greensem::ReleasedTooManyTimes;

    let _: Queue<u8> = greenqueue::Queue::new();
    let _: LightQueue<u8> = greenqueue::LightQueue::new();
    let _: LifoQueue<u8> = greenqueue::LifoQueue::new();
    let _: PriorityQueue<u8> = greenqueue::PriorityQueue::new();
    let _: Full<u8> = greenqueue::Full(1);
    let _: Empty = greenqueue::Empty;
    let _: TaskDoneTooManyTimes = greenqueue::TaskDoneTooManyTimes;

    let timeout: Timeout = greentimeout::Timeout::new(None);
    let _: AlreadyStarted = greentimeout::AlreadyStarted;
    let elapsed: Elapsed = futures_lite::future::block_on(with_timeout(
        Duration::ZERO,
        futures_lite::future::pending::<()>(),
    ))
    .unwrap_err();
    assert!(is_timeout(&elapsed) && elapsed.is_timeout() && !elapsed.is(&timeout));
    let tagged: TaggedTimeout = wrap_is_timeout("slow");
    assert!(greentimeout::is_timeout(&tagged));
    assert_eq!(
        futures_lite::future::block_on(with_timeout_or(
            Duration::ZERO,
            futures_lite::future::pending(),
            3
        )),
        3
    );

    let hub: Hub = greenhub::Hub::builder().threads(1).build();
    let _: HubBuilder = Hub::builder();
    let thread: GreenThread<u8> = hub.spawn(async { 1 });
    assert_eq!(thread.wait_blocking(), Ok(1));
    let pause: Sleep = sleep(Duration::ZERO);
    drop(pause);
    let _: WaitError = WaitError::Killed;
    assert_eq!(run(async { spawn(async { 2 }).wait().await }), Ok(2));
    let id: Option<GreenThreadId> = run(async { spawn(async { current() }).wait().await.unwrap() });
    assert!(id.is_some());
    spawn_n(async {});
    assert_eq!(
        spawn_after(Duration::ZERO, async { 3 }).wait_blocking(),
        Ok(3)
    );
}

#[test]
fn every_sub_crate_is_a_module() {
    let _: eventlet::event::Event = eventlet::event::Event::new();
    let _: eventlet::semaphore::Semaphore = eventlet::semaphore::Semaphore::new(1);
    let _: eventlet::queue::Queue<u8> = eventlet::queue::Queue::new();
    let _: eventlet::timeout::Timeout = eventlet::timeout::Timeout::new(None);
    let _: eventlet::hub::Hub = eventlet::hub::Hub::builder().build();
    // The futures modules come along with their crates.
    let event = eventlet::event::Event::<u8>::new();
    let waiting: eventlet::event::futures::Wait<'_, u8> = event.wait();
    drop(waiting);
    let queue = eventlet::queue::Queue::<u8>::new();
    let getting: eventlet::queue::futures::Get<'_, u8> = queue.get();
    drop(getting);
    let sem = eventlet::semaphore::Semaphore::new(1);
    let acquiring: eventlet::semaphore::futures::Acquire<'_> = sem.acquire();
    drop(acquiring);
    let bounded: eventlet::timeout::futures::WithTimeout<_> =
        eventlet::timeout::with_timeout(Duration::ZERO, async {});
    drop(bounded);
}
