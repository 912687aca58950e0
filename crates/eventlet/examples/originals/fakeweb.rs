//! The fake network of `originals/fakeweb.py`, with the same data: each URL
//! answers after a fixed delay with a fixed body, so the ports and the
//! eventlet originals print the same lines.

// Each example uses part of the fake web.
#![allow(dead_code)]

use std::collections::HashMap;
use std::time::Duration;

use eventlet::sleep;

/// (url, delay in ms, body): `fakeweb.py`'s `PAGES`.
fn page(url: &str) -> (u64, String) {
    let (delay, body) = match url {
        "http://eventlet.net" => (
            20,
            "welcome see http://eventlet.net/doc/ and http://eventlet.net/about/ or http://python.org/",
        ),
        "http://eventlet.net/doc/" => (
            30,
            "docs at http://eventlet.net/doc/modules/ and http://eventlet.net/about/",
        ),
        "http://eventlet.net/about/" => (
            10,
            "about us http://eventlet.net/doc/ http://github.com/eventlet/",
        ),
        "http://eventlet.net/doc/modules/" => (
            20,
            "modules http://eventlet.net/doc/modules/greenpool/ http://eventlet.net/about/",
        ),
        "http://eventlet.net/doc/modules/greenpool/" => (10, "greenpool page, no links"),
        "https://www.google.com/intl/en_ALL/images/logo.gif" => return (30, "G".repeat(8558)),
        "http://python.org/images/python-logo.gif" => return (10, "P".repeat(2549)),
        "http://us.i1.yimg.com/us.yimg.com/i/ww/beta/y3.gif" => return (20, "Y".repeat(1874)),
        _ => (10, ""),
    };
    (delay, body.to_string())
}

/// An answer, as `urlopen`'s.
pub(crate) struct Response(String);

impl Response {
    pub(crate) fn read(self) -> Vec<u8> {
        self.0.into_bytes()
    }
}

/// eventlet.green.urllib.request.urlopen, faked: sleeps, then answers.
pub(crate) async fn urlopen(url: &str) -> Response {
    let (delay, body) = page(url);
    sleep(Duration::from_millis(delay)).await;
    Response(body)
}

/// The examples' liberal URL regex, on this fake web: every link is a word
/// of its own that starts with a scheme or `www.` and ends with `/` (see
/// `fakeweb.py`), so a word filter finds exactly what the regex finds.
pub(crate) fn find_urls(data: &str) -> impl Iterator<Item = &str> {
    data.split_whitespace().filter(|word| {
        word.starts_with("http://") || word.starts_with("https://") || word.starts_with("www.")
    })
}

/// A parsed feed, as feedparser's: `feed` holds its fields.
pub(crate) struct Feed {
    pub(crate) feed: HashMap<&'static str, String>,
}

/// feedparser, faked: `parse(url)` sleeps, then gives the feed (`FEEDS`).
pub(crate) mod feedparser {
    use super::{Duration, Feed, HashMap, sleep};

    pub(crate) async fn parse(url: &str) -> Feed {
        let (delay, title) = match url {
            "http://planet.python.org/rss20.xml" => (30, "Planet Python"),
            "http://eventlet.net/feed.xml" => (10, "eventlet news"),
            _ => (20, ""),
        };
        sleep(Duration::from_millis(delay)).await;
        let mut feed = HashMap::new();
        if !title.is_empty() {
            feed.insert("title", title.to_string());
        }
        Feed { feed }
    }
}
