//! eventlet's `examples/webcrawler.py`, line for line: fetch a few URLs
//! through a pool; the results come back in input order.
//!
//! ```python
//! urls = [
//!     "https://www.google.com/intl/en_ALL/images/logo.gif",
//!     "http://python.org/images/python-logo.gif",
//!     "http://us.i1.yimg.com/us.yimg.com/i/ww/beta/y3.gif",
//! ]
//!
//! def fetch(url):
//!     print("opening", url)
//!     body = urlopen(url).read()
//!     print("done with", url)
//!     return url, body
//!
//! pool = eventlet.GreenPool(200)
//! for url, body in pool.imap(fetch, urls):
//!     print("got body from", url, "of length", len(body))
//! ```
//!
//! The network is faked (`originals/fakeweb.py` and `.rs`: fixed delays and
//! bodies). The lines below are the output of the original with that fake,
//! `originals/webcrawler.py`, run with eventlet 0.41.3 on `CPython` 3.11
//! (`cd crates/eventlet/examples/originals && python webcrawler.py`).

// expect-order: strict
// expect: opening https://www.google.com/intl/en_ALL/images/logo.gif
// expect: opening http://python.org/images/python-logo.gif
// expect: opening http://us.i1.yimg.com/us.yimg.com/i/ww/beta/y3.gif
// expect: done with http://python.org/images/python-logo.gif
// expect: done with http://us.i1.yimg.com/us.yimg.com/i/ww/beta/y3.gif
// expect: done with https://www.google.com/intl/en_ALL/images/logo.gif
// expect: got body from https://www.google.com/intl/en_ALL/images/logo.gif of length 8558
// expect: got body from http://python.org/images/python-logo.gif of length 2549
// expect: got body from http://us.i1.yimg.com/us.yimg.com/i/ww/beta/y3.gif of length 1874

#[path = "originals/fakeweb.rs"]
mod fakeweb;

use eventlet::GreenPool;
use fakeweb::urlopen;
use futures_lite::StreamExt;

const URLS: [&str; 3] = [
    "https://www.google.com/intl/en_ALL/images/logo.gif",
    "http://python.org/images/python-logo.gif",
    "http://us.i1.yimg.com/us.yimg.com/i/ww/beta/y3.gif",
];

async fn fetch(url: &str) -> (&str, Vec<u8>) {
    println!("opening {url}");
    let body = urlopen(url).await.read();
    println!("done with {url}");
    (url, body)
}

pub(crate) fn main() {
    eventlet::run(async {
        let pool = GreenPool::new(200);
        let mut bodies = pool.imap(fetch, URLS);
        while let Some(result) = bodies.next().await {
            let (url, body) = result.expect("fetch does not panic");
            println!("got body from {url} of length {}", body.len());
        }
    });
}
