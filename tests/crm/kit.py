"""What the CRM page tests share: reading lists and forms, making contacts."""

import html
import re

from syncapp.crm.models import Record
from syncapp.crm.services import create_record

ROW_LINK = re.compile(r'<td class="cell-name"><a href="/crm/contact/(\d+)/">')


def row_ids(response) -> list[int]:
    return [int(pk) for pk in ROW_LINK.findall(response.content.decode())]


def next_link(response) -> str | None:
    found = re.search(r'rel="next" href="([^"]+)"', response.content.decode())
    return html.unescape(found.group(1)) if found else None


def field_block(response, name: str) -> str:
    """The HTML of one form field's block: its label, input and error text."""
    content = response.content.decode()
    pattern = rf'<div class="field[^"]*">(?:(?!</div>).)*?name="{name}"(?:(?!</div>).)*</div>'
    found = re.search(pattern, content, re.DOTALL)
    assert found, f"no field {name} on the page"
    return found.group(0)


def assert_error_beside(response, name: str, message: str) -> None:
    block = field_block(response, name)
    assert "has-error" in block
    assert html.escape(message) in block


def contact(portal, first: str, email: str | None = None, **extra) -> Record:
    values = {"firstname": first, **({"email": email} if email else {}), **extra}
    return create_record(portal, "contact", values)


def form_data(**values) -> dict:
    """A create/edit POST as the browser sends it; unlisted fields are empty."""
    return values
