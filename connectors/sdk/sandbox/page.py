"""The sandbox's consent page: log in to the app account, review, Allow or Deny."""

from html import escape

STYLE = """
body{font-family:-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;background:#f0f3f7;
margin:0;color:#213343}
.card{max-width:440px;margin:56px auto;background:#fff;border-radius:10px;padding:32px;
box-shadow:0 4px 24px rgba(33,51,67,.12)}
h1{font-size:20px;margin:0 0 4px}.muted{color:#5f6f80;font-size:14px;margin:0 0 20px}
label{display:block;font-size:13px;font-weight:600;margin:14px 0 6px}
input{width:100%;box-sizing:border-box;padding:10px;border:1px solid #cbd6e2;border-radius:6px;
font-size:14px}
ul{padding-left:20px;font-size:14px;line-height:1.7}
.err{background:#fde8e8;color:#b42318;padding:10px;border-radius:6px;font-size:14px}
.row{display:flex;gap:12px;margin-top:24px}
button{flex:1;padding:11px;border-radius:6px;font-size:15px;font-weight:600;cursor:pointer;
border:1px solid #cbd6e2;background:#fff;color:#213343}
button.allow{background:#ff5c35;border-color:#ff5c35;color:#fff}
.hint{font-size:12px;color:#5f6f80;margin-top:18px}
.scopes-intro{margin-top:20px}
"""


def consent_page(
    *, vendor: str, action: str, params: dict, scopes: list[str], error: str,
    accounts: list[tuple[str, str]],
) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in params.items()
    )
    scope_items = "".join(f"<li>{escape(s)}</li>" for s in scopes) or "<li>basic access</li>"
    hint = "".join(f"<div>{escape(login)} — {escape(name)}</div>" for login, name in accounts)
    error_html = f'<p class="err" role="alert">{escape(error)}</p>' if error else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{escape(vendor)} — Authorize access</title><style>{STYLE}</style></head><body>
<form class="card" method="post" action="{escape(action)}">
<h1>{escape(vendor)}</h1>
<p class="muted">Sandbox sign-in. Syncapp is asking to connect to your {escape(vendor)} account.</p>
{error_html}{hidden}
<label for="login">Email</label><input id="login" name="login" type="email" autocomplete="username">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password">
<p class="muted scopes-intro">Syncapp will be able to:</p><ul>{scope_items}</ul>
<div class="row"><button type="submit" name="decision" value="deny">Deny</button>
<button class="allow" type="submit" name="decision" value="allow">Allow</button></div>
<div class="hint">Sandbox accounts (password <code>sandbox</code>):{hint}</div>
</form></body></html>"""
