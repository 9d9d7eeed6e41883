"""Portals and memberships in the Django admin: operators fix who belongs where."""

from django.contrib import admin

from syncapp.accounts.models import Membership, Portal


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Portal)
class PortalAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "created_at"]
    list_filter = ["plan"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "portal", "is_super_admin", "can_marketplace", "can_view_health",
                    "can_support"]
    list_filter = ["is_super_admin", "can_marketplace", "can_view_health", "can_support"]
    search_fields = ["user__username", "user__email", "portal__name"]
    autocomplete_fields = ["user", "portal"]
