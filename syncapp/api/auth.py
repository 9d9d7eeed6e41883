"""Who calls the API: a bearer key, of one portal, with a read or a write scope.

A key stands in for its creator: the request gets their user and the key's portal, so
the services the UI calls record the same audit entries, and every query is scoped to
that portal. A read key on a write operation is refused before the operation runs.
"""

from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from syncapp.api.keys import key_for
from syncapp.api.models import ApiKey


class ReadOnlyKey(Exception):
    """A read key called an operation that writes (answered 403)."""


class KeyAuth(HttpBearer):
    def __init__(self, write: bool = False):
        super().__init__()
        self.write = write

    def authenticate(self, request, token: str) -> ApiKey | None:
        key = key_for(token)
        if key is None:
            return None
        if self.write and not key.can_write:
            raise ReadOnlyKey(_("This API key may only read. Create a key with the write "
                                "scope to change syncs or records."))
        request.user = key.created_by
        request.portal = key.portal
        request.api_key = key
        return key


READ = KeyAuth()
WRITE = KeyAuth(write=True)
