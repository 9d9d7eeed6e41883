"""Object syncs as code over the API: create syncs from a config file, or update one.

The same `load`, `plan` and `apply` of syncapp/syncs/config/ that `manage.py sync_config
apply` and the upload page call, so a file gets the same rules and audit entries. A sync
created from a file is a draft, as the page leaves it: it starts syncing once a person
has seen its dry run on the Review step and pressed Save and sync.
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
from syncapp.syncs import config as sync_config

Fmt = enum.StrEnum("Fmt", {"yaml": "yaml", "json": "json"})


class ConfigFile(Schema):
    connection_id: int = Field(..., ge=1, le=ID_MAX)
    format: Fmt
    text: str = Field(..., max_length=200_000, description="The sync's config file")


class ConfigUpdate(Schema):
    format: Fmt
    text: str = Field(..., max_length=200_000)


def _apply(request, connection, fmt: str, text: str, only_object: str | None = None):
    """Load, plan and apply a file as `manage.py sync_config apply` does. A bad file (bad
    YAML or JSON, unknown fields or objects, a forbidden mapping) is a 400 naming the place
    in the file, syncs changed meanwhile a 409; either way nothing is applied."""
    try:
        plan = sync_config.plan(request.portal, connection, sync_config.load(text, fmt))
        others = [entry.path for entry in plan.syncs if entry.app_object != only_object]
        if only_object is not None and others:
            raise sync_config.ConfigError(others[0], f"this call updates the “{only_object}” "
                                          "sync only: leave the others out of the file.")
        result = sync_config.apply(plan, request)
    except sync_config.StalePlan as exc:
        raise HttpError(409, str(exc)) from None
    except sync_config.ConfigError as exc:
        raise HttpError(400, str(exc)) from None
    return [*result.created, *result.updated, *result.unchanged]


@router.post("/syncs", response=writes(201, list[schemas.ObjectSync]), auth=WRITE,
             summary="Create object syncs from a config file (as drafts, to review)")
def create_from_config(request, payload: ConfigFile):
    connection = get_object_or_404(Connection.objects.for_portal(request.portal),
                                   pk=payload.connection_id)
    return Status(201, _apply(request, connection, payload.format, payload.text))


@router.put("/syncs/{sync_id}", response=writes(200, list[schemas.ObjectSync]), auth=WRITE,
            summary="Update an object sync from a config file")
def update_from_config(request, payload: ConfigUpdate, sync_id: int = id_path()):
    sync = sync_of(request, sync_id)
    return _apply(request, sync.connection, payload.format, payload.text, sync.app_object)
