from django.urls import path

from syncapp.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("settings/webhooks/", views.page, name="page"),
    path("settings/webhooks/create/", views.create, name="create"),
    path("settings/webhooks/<int:subscription_id>/rotate/", views.rotate, name="rotate"),
    path("settings/webhooks/<int:subscription_id>/delete/", views.delete, name="delete"),
    path("settings/webhooks/deliveries/<int:delivery_id>/redeliver/", views.redeliver,
         name="redeliver"),
]
