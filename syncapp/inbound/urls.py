from django.urls import path

from syncapp.inbound import views

app_name = "inbound"
urlpatterns = [
    path("inbound/<slug:app_key>/", views.app_endpoint, name="app_endpoint"),
    path("inbound/<slug:app_key>/<str:route>/", views.endpoint, name="endpoint"),
]
