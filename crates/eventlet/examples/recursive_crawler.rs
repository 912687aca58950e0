//! eventlet's `examples/recursive_crawler.py`, line for line: each fetch
//! spawns a fetch of every new link into the same pool, which coordinates
//! the work and bounds it. (A pool of one runs it to the end too: a
//! greenthread of a full pool runs what it spawns inline, as eventlet's.)
//!
//! ```python
//! def fetch(url, seen, pool):
//!     print("fetching", url)
//!     data = ''
//!     with eventlet.Timeout(5, False):
//!         data = urlopen(url).read().decode()
//!     for url_match in url_regex.finditer(data):
//!         new_url = url_match.group(0)
//!         # only send requests to eventlet.net so as not to destroy the internet
//!         if new_url not in seen and 'eventlet.net' in new_url:
//!             seen.add(new_url)
//!             # while this seems stack-recursive, it's actually not:
//!             # spawned greenthreads start their own stacks
//!             pool.spawn_n(fetch, new_url, seen, pool)
//!
//! def crawl(start_url):
//!     pool = eventlet.GreenPool()
//!     seen = set()
//!     fetch(start_url, seen, pool)
//!     pool.waitall()
//!     return seen
//!
//! seen = crawl("http://eventlet.net")
//! print("I saw these urls:")
//! print("\n".join(seen))
//! ```
//!
//! The network is faked (`originals/fakeweb.py` and `.rs`), and the URL
//! regex becomes a word filter that finds the same links on that fake web.
//! The lines below are the output of `originals/recursive_crawler.py` on
//! eventlet 0.41.3 (`CPython` 3.11). A set prints in no fixed order, in
//! Python as here, so the order is not checked.

// expect: fetching http://eventlet.net
// expect: fetching http://eventlet.net/doc/
// expect: fetching http://eventlet.net/about/
// expect: fetching http://eventlet.net/doc/modules/
// expect: fetching http://eventlet.net/doc/modules/greenpool/
// expect: I saw these urls:
// expect: http://eventlet.net/doc/modules/greenpool/
// expect: http://eventlet.net/about/
// expect: http://eventlet.net/doc/
// expect: http://eventlet.net/doc/modules/

#[path = "originals/fakeweb.rs"]
mod fakeweb;

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;
use std::time::Duration;

use eventlet::{GreenPool, Timeout};
use fakeweb::{find_urls, urlopen};

type Seen = Rc<RefCell<HashSet<String>>>;

async fn fetch(url: String, seen: Seen, pool: GreenPool) {
    println!("fetching {url}");
    let data = Timeout::new(Duration::from_secs(5))
        .scope(async { String::from_utf8(urlopen(&url).await.read()).unwrap_or_default() })
        .await
        .unwrap_or_default();
    for new_url in find_urls(&data) {
        // only send requests to eventlet.net so as not to destroy the internet
        if !seen.borrow().contains(new_url) && new_url.contains("eventlet.net") {
            seen.borrow_mut().insert(new_url.to_string());
            // while this seems stack-recursive, it's actually not:
            // spawned greenthreads start their own stacks
            let next = Box::pin(fetch(new_url.to_string(), seen.clone(), pool.clone()));
            pool.spawn_n(next).await;
        }
    }
}

async fn crawl(start_url: &str) -> HashSet<String> {
    let pool = GreenPool::default();
    let seen = Seen::default();
    fetch(start_url.to_string(), seen.clone(), pool.clone()).await;
    pool.waitall().await;
    seen.take()
}

fn main() {
    let seen = eventlet::run(crawl("http://eventlet.net"));
    println!("I saw these urls:");
    println!("{}", seen.into_iter().collect::<Vec<_>>().join("\n"));
}
