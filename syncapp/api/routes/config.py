"""Object syncs as code over the API: create one from a config file, or update one.

Imported only once syncapp/syncs/config/ exists (api.py): it calls that package's
`load(text, fmt)`, `plan(portal, connection, doc)` and `apply(plan, by)`, the same
functions `manage.py sync_config apply` and the UI's upload call.
TODO(integrator): check the names of the package's error type and of the plan's result
against what it exports, and cover both operations in tests/api/test_schema_fuzz.py.
"""

import enum

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from syncapp.api import schemas
from syncapp.api.auth import WRITE
from syncapp.api.routes.common import id_path, sync_of, writes
from syncapp.core.params import ID_MAX
from syncapp.integrations.models import Connection
from syncapp.syncs import config as sync_config  # ImportError until it is merged

router = Router(tags=["object syncs"])
Fmt = enum.StrEnum("Fmt", {"yaml": "yaml", "json": "json"})


class ConfigFile(Schema):
    connection_id: int = Field(..., ge=1, le=ID_MAX)
    format: Fmt
    text: str = Field(..., max_length=200_000, description="The sync's config file")


class ConfigUpdate(Schema):
    format: Fmt
    text: str = Field(..., max_length=200_000)


def _apply(request, connection, fmt: str, text: str):
    doc = sync_config.load(text, fmt)
    return sync_config.apply(sync_config.plan(request.portal, connection, doc), request)


@router.post("/syncs", response=writes(201, list[schemas.ObjectSync]), auth=WRITE,
             summary="Create object syncs from a config file")
def create_from_config(request, payload: ConfigFile):
    connection = get_object_or_404(Connection.objects.for_portal(request.portal),
                                   pk=payload.connection_id)
    return Status(201, _apply(request, connection, payload.format, payload.text))


@router.put("/syncs/{sync_id}", response=writes(200, list[schemas.ObjectSync]), auth=WRITE,
            summary="Update an object sync from a config file")
def update_from_config(request, payload: ConfigUpdate, sync_id: int = id_path()):
    sync = sync_of(request, sync_id)
    return _apply(request, sync.connection, payload.format, payload.text)
