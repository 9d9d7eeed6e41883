from django.urls import path

from syncapp.alerts import views

app_name = "alerts"
urlpatterns = [
    path("settings/alerts/", views.page, name="page"),
    path("settings/alerts/rules/", views.save_rules, name="save_rules"),
    path("settings/alerts/silence/", views.silence, name="silence"),
]
