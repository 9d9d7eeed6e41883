"""What every route module shares: the documented error answers, conflicts, and
looking up a portal's objects (another portal's ids are simply not found)."""

from django.shortcuts import get_object_or_404
from ninja import Path, Query
from ninja.errors import HttpError

from syncapp.api.pagination import MAX_LIMIT
from syncapp.api.schemas import Problem
from syncapp.core.params import ID_MAX
from syncapp.syncs.models import ObjectSync

# The errors each kind of operation can answer, all as problem+json.
READ_ERRORS = dict.fromkeys((400, 401, 404, 429), Problem)
WRITE_ERRORS = dict.fromkeys((400, 401, 403, 404, 409, 413, 429, 503), Problem)


class Conflict(HttpError):
    """The object is not in a state that allows the operation (answered 409)."""

    def __init__(self, message: str):
        super().__init__(409, message)


def reads(schema) -> dict:
    return {200: schema, **READ_ERRORS}


def writes(status: int, schema) -> dict:
    return {status: schema, **WRITE_ERRORS}


def sync_of(request, sync_id: int) -> ObjectSync:
    return get_object_or_404(ObjectSync.objects.for_portal(request.portal)
                             .select_related("connection"), pk=sync_id)


def id_path():
    """A database id in the path, bounded as Postgres bigint keeps it."""
    return Path(..., ge=1, le=ID_MAX)


def cursor_query():
    """The `cursor` of a list: the `next_cursor` of the page before."""
    return Query(None, max_length=20, description="next_cursor of the previous page")


def limit_query():
    return Query(None, ge=1, le=MAX_LIMIT, description=f"Items per page (default 50, "
                                                       f"at most {MAX_LIMIT})")
