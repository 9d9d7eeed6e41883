"""Connections in the Django admin, read-only and without their tokens.

The token fields are excluded outright (not merely read-only): even the ciphertext
never reaches a page, and nobody can paste a token in.
"""

from django.contrib import admin

from syncapp.core.admin import ReadOnlyAdmin
from syncapp.integrations.models import Connection

TOKEN_FIELDS = ["token_ciphertext", "token_expires_at"]


@admin.register(Connection)
class ConnectionAdmin(ReadOnlyAdmin):
    list_display = ["account_name", "app_key", "portal", "status", "connected_by", "created_at"]
    list_filter = ["app_key", "status"]
    search_fields = ["account_name", "account_id", "portal__name"]
    exclude = TOKEN_FIELDS
