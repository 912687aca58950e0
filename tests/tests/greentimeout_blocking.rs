//! `greentimeout::blocking`: the deadline strategy behind every `*_blocking_timeout` face.

use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::thread;
use std::time::{Duration, Instant};

use event_listener_strategy::event_listener::{Event, EventListener};
use event_listener_strategy::{EventListenerFuture, Strategy};
use greentimeout::blocking::{wait_deadline, wait_timeout};

/// Waits for one notification of `event`; the shape of every waiting future here.
struct Notified {
    event: Arc<Event>,
    listener: Option<EventListener>,
}

impl EventListenerFuture for Notified {
    type Output = &'static str;

    fn poll_with_strategy<'a, S: Strategy<'a>>(
        mut self: Pin<&mut Self>,
        strategy: &mut S,
        cx: &mut S::Context,
    ) -> Poll<&'static str> {
        if self.listener.is_none() {
            self.listener = Some(self.event.listen());
        }
        futures_lite::ready!(strategy.poll(&mut self.listener, cx));
        Poll::Ready("notified")
    }
}

fn notified(event: &Arc<Event>) -> Notified {
    Notified {
        event: event.clone(),
        listener: None,
    }
}

#[test]
fn times_out_no_earlier_than_the_timeout() {
    let event = Arc::new(Event::new());
    let started = Instant::now();
    assert_eq!(
        wait_timeout(notified(&event), Duration::from_millis(30)),
        None
    );
    assert!(started.elapsed() >= Duration::from_millis(30));
}

#[test]
fn timed_out_wait_leaves_no_listener_and_passes_notifications_on() {
    let event = Arc::new(Event::new());
    assert_eq!(wait_timeout(notified(&event), Duration::ZERO), None);
    assert_eq!(event.total_listeners(), 0);
    // A notification given later reaches the next waiter, not the dead one.
    let next = event.listen();
    assert_eq!(event.notify(1), 1);
    drop(next);
}

/// A thread that notifies `event` once someone listens to it.
fn notify_once_listened(event: &Arc<Event>) -> thread::JoinHandle<()> {
    let event = event.clone();
    thread::spawn(move || {
        while event.total_listeners() == 0 {
            thread::yield_now();
        }
        event.notify(1);
    })
}

#[test]
fn notification_from_another_thread_ends_the_wait() {
    let event = Arc::new(Event::new());
    let notifier = notify_once_listened(&event);
    assert_eq!(
        wait_timeout(notified(&event), Duration::from_secs(30)),
        Some("notified")
    );
    notifier.join().unwrap();
}

#[test]
fn no_deadline_waits_until_notified() {
    let event = Arc::new(Event::new());
    let notifier = notify_once_listened(&event);
    assert_eq!(wait_deadline(notified(&event), None), Some("notified"));
    notifier.join().unwrap();
}
