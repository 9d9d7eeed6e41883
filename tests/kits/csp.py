"""What the Content-Security-Policy asks of every page: the header, strict, and no inline
code it would have to allow (the security headers' tests, the crawl, the admin's pages)."""

import re

from syncapp.core.csp import HEADER

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


def assert_carries_the_policy(response, url: str) -> None:
    policy = response.get(HEADER, "")
    assert "default-src 'self'" in policy, f"{url} ({response.status_code}) has no CSP"
    assert "script-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe" not in policy


def assert_has_no_inline_code(html: str, url: str) -> None:
    assert not INLINE_SCRIPT.search(html), f"{url}: an inline <script>"
    assert not INLINE_HANDLER.search(html), f"{url}: an inline event handler"
    assert not STYLE_ATTRIBUTE.search(html), f"{url}: a style attribute"
