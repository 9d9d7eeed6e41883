"""Links from a synced record to the same record in the vendor's web app.

Declared in the spec, never branched on by vendor: `ConnectorSpec.web_app` is the
app's root for one account and `ObjectSpec.record_page` the record's page below it,
both templates over the account's details (what the token response and
`account_info` stored) and the record's `{id}`.
"""

import string
from urllib.parse import quote, urlsplit

from connectors.sdk.spec import ConnectorSpec

_FORMATTER = string.Formatter()


def _names(template: str) -> set[str]:
    return {name for _text, name, _spec, _conv in _FORMATTER.parse(template) if name}


def record_url(spec: ConnectorSpec, object_name: str, record_id: str, account: dict,
               web_root: str | None = None) -> str | None:
    """The record's page in the vendor's app, or None when the object has no page or
    the account lacks a detail the template needs. `web_root` replaces the spec's
    root (a sandbox serving the app's pages)."""
    try:
        page = spec.object(object_name).record_page
    except KeyError:
        return None
    root = web_root if web_root is not None else spec.web_app
    if not page or not record_id or (web_root is None and not root):
        return None
    values = {key: str(value) for key, value in account.items()
              if isinstance(value, str | int) and not isinstance(value, bool)}
    values["id"] = quote(str(record_id), safe="")
    if not _names(root) | _names(page) <= {k for k, v in values.items() if v}:
        return None
    # Account details name hosts and paths; an id goes into a path or query as one piece.
    url = root.format_map(values).rstrip("/") + page.format_map(values)
    # The details came from the vendor: only a web address becomes a link.
    return url if urlsplit(url).scheme in {"http", "https"} else None
