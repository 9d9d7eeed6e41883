from django.urls import path, register_converter

from syncapp.crm import views
from syncapp.crm.schema import ObjectType


class ObjectTypeConverter:
    """Matches only the hub's object types: any other name is a 404 before a view runs."""

    regex = "|".join(ObjectType.values)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)


register_converter(ObjectTypeConverter, "object_type")

app_name = "crm"
urlpatterns = [
    path("<object_type:object_type>/", views.record_list, name="list"),
    path("<object_type:object_type>/new/", views.record_create, name="create"),
    path("<object_type:object_type>/properties/", views.property_settings, name="properties"),
    path("<object_type:object_type>/<int:record_id>/", views.record_detail, name="detail"),
    path("<object_type:object_type>/<int:record_id>/edit/", views.record_edit, name="edit"),
    path("<object_type:object_type>/<int:record_id>/delete/", views.record_delete, name="delete"),
    path(
        "<object_type:object_type>/<int:record_id>/restore/", views.record_restore, name="restore"
    ),
    path(
        "<object_type:object_type>/<int:record_id>/associations/add/",
        views.association_add,
        name="associate",
    ),
    path(
        "<object_type:object_type>/<int:record_id>/associations/<int:other_id>/remove/",
        views.association_remove,
        name="dissociate",
    ),
]
