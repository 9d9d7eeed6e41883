"""Connections: the accounts of apps the portal has connected (read only; connecting
takes the vendor's OAuth consent in a browser)."""

from django.shortcuts import get_object_or_404
from ninja import Router

from syncapp.api import pagination, schemas
from syncapp.api.auth import READ
from syncapp.api.routes.common import cursor_query, id_path, limit_query, reads
from syncapp.integrations.models import Connection

router = Router(tags=["connections"], auth=READ)


@router.get("/connections", response=reads(schemas.ConnectionPage),
            summary="List connections")
def list_connections(request, cursor: str | None = cursor_query(),
                     limit: int | None = limit_query()):
    return pagination.page(Connection.objects.for_portal(request.portal), cursor, limit)


@router.get("/connections/{connection_id}", response=reads(schemas.Connection),
            summary="Get a connection")
def get_connection(request, connection_id: int = id_path()):
    return get_object_or_404(Connection.objects.for_portal(request.portal), pk=connection_id)
