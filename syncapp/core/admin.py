"""What the Django admin (/admin/, for the installation's staff operators) may do.

Operators read what the product did; they do not rewrite it behind the product's back:
sync settings and run history change only through the product's own pages and tasks,
which keep their invariants (versions, cursors, the audit trail).
"""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """A model the admin shows but never adds, changes or deletes."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
