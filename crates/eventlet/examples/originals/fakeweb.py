"""The fake network the ported examples run against, instead of the real
one: each URL answers after a fixed delay with a fixed body. Imported by the
eventlet originals in this directory; the Rust ports carry the same data.

Every link in a page ends with "/" and is separated by spaces, so the
examples' liberal URL regex and the Rust ports' word filter find the same
links. (In Python's `re`, the regex's `[:punct:]` is a plain character set,
so a link ending in one of ":punct" loses its last character; none does.)
"""
import eventlet

# url -> (delay in seconds, body)
PAGES = {
    "http://eventlet.net": (0.02, "welcome see http://eventlet.net/doc/ and http://eventlet.net/about/ or http://python.org/"),
    "http://eventlet.net/doc/": (0.03, "docs at http://eventlet.net/doc/modules/ and http://eventlet.net/about/"),
    "http://eventlet.net/about/": (0.01, "about us http://eventlet.net/doc/ http://github.com/eventlet/"),
    "http://eventlet.net/doc/modules/": (0.02, "modules http://eventlet.net/doc/modules/greenpool/ http://eventlet.net/about/"),
    "http://eventlet.net/doc/modules/greenpool/": (0.01, "greenpool page, no links"),
    "https://www.google.com/intl/en_ALL/images/logo.gif": (0.03, "G" * 8558),
    "http://python.org/images/python-logo.gif": (0.01, "P" * 2549),
    "http://us.i1.yimg.com/us.yimg.com/i/ww/beta/y3.gif": (0.02, "Y" * 1874),
}


class Response:
    def __init__(self, body):
        self.body = body

    def read(self):
        return self.body.encode()


def urlopen(url):
    """eventlet.green.urllib.request.urlopen, faked: sleeps, then answers."""
    delay, body = PAGES.get(url, (0.01, ""))
    eventlet.sleep(delay)
    return Response(body)


# feed url -> (delay, title), for feedscraper
FEEDS = {
    "http://planet.python.org/rss20.xml": (0.03, "Planet Python"),
    "http://eventlet.net/feed.xml": (0.01, "eventlet news"),
    "http://example.com/untitled.xml": (0.02, ""),
}


class Feed:
    def __init__(self, title):
        self.feed = {"title": title} if title else {}


class feedparser:
    """feedparser, faked: `parse(url)` sleeps, then gives the feed."""

    @staticmethod
    def parse(url):
        delay, title = FEEDS.get(url, (0.01, ""))
        eventlet.sleep(delay)
        return Feed(title)
