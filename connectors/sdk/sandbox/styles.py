"""The sandbox pages' one inline <style> each, and their CSP hashes.

A sandbox page is a whole document built in Python with no static files of its
own, so its look travels inside it. The Content-Security-Policy the product
sends allows exactly these blocks by hash (and no other inline style).
"""

import base64
import hashlib

from connectors.sdk.sandbox import app_pages, page


def csp_hash(text: str) -> str:
    """The CSP source (`'sha256-…'`) that allows a <style> whose content is `text`."""
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def style_hashes() -> tuple[str, ...]:
    """The hash of every inline style a sandbox page carries."""
    return (csp_hash(page.STYLE), csp_hash(app_pages.STYLE))
