//! eventlet's `examples/producer_consumer.py`, line for line: fetches push
//! the URLs they find into a queue, and the producer farms the new ones out
//! to a pool until the queue stays empty after `waitall`.
//!
//! ```python
//! def fetch(url, outq):
//!     print("fetching", url)
//!     data = ''
//!     with eventlet.Timeout(5, False):
//!         data = urlopen(url).read().decode()
//!     for url_match in url_regex.finditer(data):
//!         new_url = url_match.group(0)
//!         outq.put(new_url)
//!
//! def producer(start_url):
//!     pool = eventlet.GreenPool()
//!     seen = set()
//!     q = eventlet.Queue()
//!     q.put(start_url)
//!     # keep looping if there are new urls, or workers that may produce more urls
//!     while True:
//!         while not q.empty():
//!             url = q.get()
//!             # limit requests to eventlet.net so we don't crash all over the internet
//!             if url not in seen and 'eventlet.net' in url:
//!                 seen.add(url)
//!                 pool.spawn_n(fetch, url, q)
//!         pool.waitall()
//!         if q.empty():
//!             break
//!     return seen
//!
//! seen = producer("http://eventlet.net")
//! print("I saw these urls:")
//! print("\n".join(seen))
//! ```
//!
//! The network is faked (`originals/fakeweb.py` and `.rs`), and the URL
//! regex becomes a word filter that finds the same links on that fake web.
//! The lines below are the output of `originals/producer_consumer.py` on
//! eventlet 0.41.3 (`CPython` 3.11); a set prints in no fixed order.

// expect: fetching http://eventlet.net
// expect: fetching http://eventlet.net/doc/
// expect: fetching http://eventlet.net/about/
// expect: fetching http://eventlet.net/doc/modules/
// expect: fetching http://eventlet.net/doc/modules/greenpool/
// expect: I saw these urls:
// expect: http://eventlet.net
// expect: http://eventlet.net/doc/modules/
// expect: http://eventlet.net/doc/modules/greenpool/
// expect: http://eventlet.net/about/
// expect: http://eventlet.net/doc/

#[path = "originals/fakeweb.rs"]
mod fakeweb;

use std::collections::HashSet;
use std::rc::Rc;
use std::time::Duration;

use eventlet::{GreenPool, Queue, Timeout};
use fakeweb::{find_urls, urlopen};

async fn fetch(url: String, outq: Rc<Queue<String>>) {
    println!("fetching {url}");
    let data = Timeout::new(Duration::from_secs(5))
        .scope(async { String::from_utf8(urlopen(&url).await.read()).unwrap_or_default() })
        .await
        .unwrap_or_default();
    for new_url in find_urls(&data) {
        outq.put(new_url.to_string()).await;
    }
}

async fn producer(start_url: &str) -> HashSet<String> {
    let pool = GreenPool::default();
    let mut seen = HashSet::new();
    let q = Rc::new(Queue::new());
    q.put(start_url.to_string()).await;
    // keep looping if there are new urls, or workers that may produce more urls
    loop {
        while !q.is_empty() {
            let url = q.get().await;
            // limit requests to eventlet.net so we don't crash all over the internet
            if !seen.contains(&url) && url.contains("eventlet.net") {
                seen.insert(url.clone());
                pool.spawn_n(fetch(url, q.clone())).await;
            }
        }
        pool.waitall().await;
        if q.is_empty() {
            break;
        }
    }
    seen
}

fn main() {
    let seen = eventlet::run(producer("http://eventlet.net"));
    println!("I saw these urls:");
    println!("{}", seen.into_iter().collect::<Vec<_>>().join("\n"));
}
