"""Object syncs as code over the API: create one from a config file, or update one.

Imported only once syncapp/syncs/config/ exists (api.py): it calls that package's
`load(text, fmt)`, `plan(portal, connection, doc)` and `apply(plan, by)`, the same
functions `manage.py sync_config apply` and the UI's upload call.
Its operations join the syncs router as soon as the package imports (api.py).
TODO(integrator): check the package's error type (BadConfig below) and what `apply`
returns (the syncs it made or changed) against what it exports; test both operations
(the schema fuzz covers them automatically once they are served).
"""

import enum

from django.shortcuts import get_object_or_404
from ninja import Field, Schema, Status
from ninja.errors import HttpError

from syncapp.api import schemas
from syncapp.api.auth import WRITE
from syncapp.api.routes.common import id_path, sync_of, writes
from syncapp.api.routes.syncs import router  # same paths as the syncs' GET and DELETE
from syncapp.core.params import ID_MAX
from syncapp.integrations.models import Connection
from syncapp.syncs import config as sync_config  # ImportError until it is merged

Fmt = enum.StrEnum("Fmt", {"yaml": "yaml", "json": "json"})


class ConfigFile(Schema):
    connection_id: int = Field(..., ge=1, le=ID_MAX)
    format: Fmt
    text: str = Field(..., max_length=200_000, description="The sync's config file")


class ConfigUpdate(Schema):
    format: Fmt
    text: str = Field(..., max_length=200_000)


# TODO(integrator): the package's own error type for a bad file, if it has one.
BadConfig = getattr(sync_config, "ConfigError", ValueError)


def _apply(request, connection, fmt: str, text: str):
    """Load, plan and apply a file as `manage.py sync_config apply` does; a bad file (bad
    YAML or JSON, unknown fields or objects, a forbidden mapping) is a 400, nothing applied."""
    try:
        doc = sync_config.load(text, fmt)
        plan = sync_config.plan(request.portal, connection, doc)
    except BadConfig as exc:
        raise HttpError(400, str(exc)) from None
    return sync_config.apply(plan, request)


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
