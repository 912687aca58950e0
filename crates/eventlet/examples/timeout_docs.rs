//! eventlet's Timeout examples: a Timeout around a long sleep, the silent
//! form, and `with_timeout` around a slow function with a fallback value.
//!
//! ```python
//! timeout = Timeout(0.1)
//! try:
//!     eventlet.sleep(10)
//! except Timeout as t:
//!     if t is not timeout:
//!         raise
//!     print(f'timed out after {t}')
//! finally:
//!     timeout.cancel()
//!
//! with Timeout(0.05, False):
//!     eventlet.sleep(10)
//! print('the silent timeout passed quietly')
//!
//! data = with_timeout(0.05, slow_fetch, 'url', timeout_value='')
//! print(f'fetched {data!r}')
//! ```

// expect: timed out after 0.1 seconds
// expect: the silent timeout passed quietly
// expect: fetched ""

use std::time::Duration;

use eventlet::{Timeout, sleep, with_timeout_or};

async fn slow_fetch(url: &str) -> String {
    sleep(Duration::from_secs(10)).await;
    format!("contents of {url}")
}

pub(crate) fn main() {
    eventlet::run(async {
        let timeout = Timeout::new(Duration::from_millis(100));
        match timeout.scope(sleep(Duration::from_secs(10))).await {
            Err(elapsed) if elapsed.is(&timeout) => println!("timed out after {elapsed}"),
            Err(other) => panic!("another timeout fired: {other}"),
            Ok(()) => println!("slept the whole time"),
        }
        timeout.cancel();

        let silent = Timeout::new(Duration::from_millis(50));
        let _ = silent.scope(sleep(Duration::from_secs(10))).await.ok();
        println!("the silent timeout passed quietly");

        let data =
            with_timeout_or(Duration::from_millis(50), slow_fetch("url"), String::new()).await;
        println!("fetched {data:?}");
    });
}
