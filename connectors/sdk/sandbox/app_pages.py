"""Pages of "the app itself" in a sandbox: page shell, sign-in and session cookie.

A sandbox may serve a few HTML pages where a person trying the demo, or a browser
test, changes the app's records the way the app's own users would. They sign in
with a sandbox account; the session is a random cookie value the sandbox keeps with
the rest of its state (in memory, or shared by every web process). Every value is
escaped: cells and pages take `Html` as it is and escape anything else.
"""

import secrets
import threading
from collections.abc import Sequence
from html import escape
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs, urlsplit

from connectors.sdk.sandbox.messages import Request, Response

SESSION_COOKIE = "sandbox_session"

STYLE = """
body{font-family:-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;background:#f0f3f7;
margin:0;color:#213343}
main{max-width:880px;margin:40px auto;background:#fff;border-radius:10px;padding:28px 32px;
box-shadow:0 4px 24px rgba(33,51,67,.12)}
main.narrow{max-width:440px}
h1{font-size:22px;margin:0 0 4px}.muted{color:#5f6f80;font-size:14px;margin:0 0 18px}
nav{display:flex;gap:16px;align-items:center;margin:0 0 18px;font-size:14px}
nav form{margin-left:auto}
a{color:#0b66c3}
table{width:100%;border-collapse:collapse;font-size:14px}
th,td{text-align:left;padding:9px 10px;border-bottom:1px solid #e3e9f0}
th{font-size:12px;text-transform:uppercase;color:#5f6f80}
label{display:block;font-size:13px;font-weight:600;margin:14px 0 6px}
input{width:100%;box-sizing:border-box;padding:10px;border:1px solid #cbd6e2;border-radius:6px;
font-size:14px}
.err{background:#fde8e8;color:#b42318;padding:10px;border-radius:6px;font-size:14px}
button{margin-top:20px;padding:10px 18px;border-radius:6px;font-size:15px;font-weight:600;
cursor:pointer;border:1px solid #cbd6e2;background:#fff;color:#213343}
button.primary{background:#017737;border-color:#017737;color:#fff}
button.danger{color:#b42318;border-color:#f1b5b0}
nav button{margin:0;padding:6px 12px;font-size:13px}
.hint{font-size:12px;color:#5f6f80;margin-top:18px}
"""


class Html(str):
    """Markup built from escaped parts: inserted into a page as it is."""


def text(value: object) -> Html:
    """`value` as page text: escaped, unless it is already Html; None as nothing."""
    if isinstance(value, Html):
        return value
    return Html(escape("" if value is None else str(value)))


def link(url: str, label: object) -> Html:
    return Html(f'<a href="{escape(url)}">{text(label)}</a>')


def table(columns: list[str], rows: list[tuple]) -> Html:
    head = "".join(f"<th>{escape(column)}</th>" for column in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{text(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return Html(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


def field(name: str, label: str, value: object = "", kind: str = "text", **extra: str) -> Html:
    """A labelled input; the label's `for` names it, so browsers (and tests) find it by label."""
    attributes = "".join(f' {key}="{escape(v)}"' for key, v in extra.items())
    return Html(f'<label for="{escape(name)}">{escape(label)}</label>'
                f'<input id="{escape(name)}" name="{escape(name)}" type="{escape(kind)}"'
                f' value="{text(value)}"{attributes}>')


def error_note(message: str) -> Html:
    return Html(f'<p class="err" role="alert">{escape(message)}</p>' if message else "")


def page(title: str, vendor: str, body: Html, status: int = 200, *, narrow: bool = False,
         headers: dict[str, str] | None = None) -> Response:
    """A whole page in the sandbox's look; `body` must be Html."""
    width = ' class="narrow"' if narrow else ""
    document = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{escape(title)} — {escape(vendor)} sandbox</title><style>{STYLE}</style></head>
<body><main{width}>{text(body)}</main></body></html>"""
    response = Response.html(document, status)
    response.headers.update(headers or {})
    return response


def record_page(*, vendor: str, title: object, details: Sequence[tuple[str, object]],
                kind: str = "") -> Response:
    """One record as the vendor's web app shows it, at the address its connector links
    to (ObjectSpec.record_page): the record's name, then its values."""
    rows = "".join(f"<tr><th>{escape(label)}</th><td>{text(value)}</td></tr>"
                   for label, value in details if value not in (None, ""))
    body = Html(f'<p class="muted">{escape(kind)}</p><h1 data-record-title>{text(title)}</h1>'
                f"<table><tbody>{rows}</tbody></table>")
    return page(str(title), vendor, body)


def record_missing(vendor: str, kind: str) -> Response:
    body = Html(f"<h1>{escape(kind)} not found</h1><p>It may have been deleted.</p>")
    return page(f"{kind} not found", vendor, body, 404)


def sign_in_page(*, vendor: str, action: str, accounts: list[tuple[str, str]], error: str = "",
                 status: int = 200) -> Response:
    """The app's own sign-in: Email, Password, "Sign in", and the sandbox accounts."""
    hint = "".join(f"<div>{escape(login)} — {escape(name)}</div>" for login, name in accounts)
    body = Html(
        f'<form method="post" action="{escape(action)}"><h1>{escape(vendor)}</h1>'
        f'<p class="muted">Sandbox sign-in to {escape(vendor)} itself, to change its records'
        f" the way its users do.</p>{error_note(error)}"
        # text, not email: a browser would refuse to send a mistyped login at all
        + field("login", "Email", autocomplete="username", inputmode="email")
        + field("password", "Password", kind="password", autocomplete="current-password")
        + '<button class="primary" type="submit">Sign in</button>'
        f'<div class="hint">Sandbox accounts (password <code>sandbox</code>):{hint}</div></form>'
    )
    return page("Sign in", vendor, body, status, narrow=True)


def see_other(url: str, headers: dict[str, str] | None = None) -> Response:
    """303: after a form post, the browser GETs `url` (a reload does not post again)."""
    return Response(303, b"", {"Location": url, **(headers or {})})


def form_fields(request: Request) -> dict[str, str]:
    """A posted form, keeping blank fields: a field sent blank clears, a missing one does not."""
    body = request.body.decode("utf-8", "replace")
    return {key: values[0] for key, values in parse_qs(body, keep_blank_values=True).items()}


class AppSessions:
    """Signed-in browsers: a random cookie value -> the account id, kept (and pickled)
    with the rest of the sandbox's state."""

    def __init__(self):
        self._accounts: dict[str, str] = {}
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        return {"_accounts": self._accounts}  # the lock belongs to one process

    def __setstate__(self, state: dict) -> None:
        self._accounts = state["_accounts"]
        self._lock = threading.Lock()

    def start(self, account_id: str, root: str) -> dict[str, str]:
        """A new session for `account_id`; returns the Set-Cookie header to send."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._accounts[token] = account_id
        return {"Set-Cookie": _cookie(token, root)}

    def end(self, request: Request, root: str) -> dict[str, str]:
        with self._lock:
            self._accounts.pop(_session_token(request) or "", None)
        return {"Set-Cookie": _cookie("", root) + "; Max-Age=0"}

    def account_id(self, request: Request) -> str | None:
        with self._lock:
            return self._accounts.get(_session_token(request) or "")


def _cookie(token: str, root: str) -> str:
    # Scoped to the sandbox's own root (/sandbox/<app> when Django serves it), so
    # each sandbox signs in on its own and the product never sees the cookie.
    path = urlsplit(root).path or "/"
    return f"{SESSION_COOKIE}={token}; Path={path}; HttpOnly; SameSite=Lax"


def _session_token(request: Request) -> str | None:
    cookies = SimpleCookie()
    try:
        cookies.load(request.headers.get("cookie", ""))
    except CookieError:
        return None
    morsel = cookies.get(SESSION_COOKIE)
    return morsel.value if morsel else None
