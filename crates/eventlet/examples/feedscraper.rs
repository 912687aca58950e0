//! eventlet's `examples/feedscraper.py`, line for line: a web app that
//! takes a POST of feed URLs and answers with their titles, fetched at once
//! through a `GreenPile` over a module-level pool.
//!
//! ```python
//! # the pool provides a safety limit on our concurrency
//! pool = eventlet.GreenPool()
//!
//! def fetch_title(url):
//!     d = feedparser.parse(url)
//!     return d.feed.get('title', '')
//!
//! def app(environ, start_response):
//!     if environ['REQUEST_METHOD'] != 'POST':
//!         start_response('403 Forbidden', [])
//!         return []
//!
//!     # the pile collects the result of a concurrent operation -- in this case,
//!     # the collection of feed titles
//!     pile = eventlet.GreenPile(pool)
//!     for line in environ['wsgi.input'].readlines():
//!         url = line.strip()
//!         if url:
//!             pile.spawn(fetch_title, url)
//!     # since the pile is an iterator over the results,
//!     # you can use it in all sorts of great Pythonic ways
//!     titles = '\n'.join(pile)
//!     start_response('200 OK', [('Content-type', 'text/plain')])
//!     return [titles]
//! ```
//!
//! There is no server here: as `originals/feedscraper.py` does in place of
//! `wsgi.server(..)`, `main` hands `app` two requests the way the server
//! would, a GET and then a POST of three feed URLs. feedparser is faked
//! (`originals/fakeweb.py` and `.rs`: fixed delays and titles). The lines
//! below are the original's output with that fake on eventlet 0.41.3
//! (`CPython` 3.11); the third feed has no title.

// expect-order: strict
// expect: 403 Forbidden []
// expect: 200 OK [('Content-type', 'text/plain')]
// expect: Planet Python
// expect: eventlet news

#[path = "originals/fakeweb.rs"]
mod fakeweb;

use std::sync::LazyLock;

use eventlet::{GreenPile, GreenPool};
use fakeweb::feedparser;
use futures_lite::StreamExt;

// the pool provides a safety limit on our concurrency
static POOL: LazyLock<GreenPool> = LazyLock::new(GreenPool::default);

async fn fetch_title(url: String) -> String {
    let d = feedparser::parse(&url).await;
    d.feed.get("title").cloned().unwrap_or_default()
}

/// What a WSGI server hands the app: the method and the body.
struct Environ {
    request_method: &'static str,
    wsgi_input: &'static str,
}

async fn app(environ: Environ, start_response: impl Fn(&str, &[(&str, &str)])) -> Vec<String> {
    if environ.request_method != "POST" {
        start_response("403 Forbidden", &[]);
        return Vec::new();
    }

    // the pile collects the result of a concurrent operation -- in this case,
    // the collection of feed titles
    let pile = GreenPile::with_pool(POOL.clone());
    for line in environ.wsgi_input.lines() {
        let url = line.trim();
        if !url.is_empty() {
            pile.spawn(fetch_title(url.to_string())).await;
        }
    }
    // since the pile is a stream of the results,
    // you can use it with all of StreamExt
    let titles: Vec<String> = pile
        .map(|title| title.expect("fetch_title does not panic"))
        .collect()
        .await;
    start_response("200 OK", &[("Content-type", "text/plain")]);
    vec![titles.join("\n")]
}

/// Prints what the app answered, as the original's harness does.
fn start_response(status: &str, headers: &[(&str, &str)]) {
    let headers: Vec<String> = headers
        .iter()
        .map(|(k, v)| format!("('{k}', '{v}')"))
        .collect();
    println!("{status} [{}]", headers.join(", "));
}

fn main() {
    eventlet::run(async {
        let requests = [
            ("GET", ""),
            (
                "POST",
                "http://planet.python.org/rss20.xml\n\nhttp://eventlet.net/feed.xml\nhttp://example.com/untitled.xml\n",
            ),
        ];
        for (request_method, wsgi_input) in requests {
            let environ = Environ {
                request_method,
                wsgi_input,
            };
            for chunk in app(environ, start_response).await {
                println!("{chunk}");
            }
        }
    });
}
