from django.urls import path

from syncapp.crm import views

app_name = "crm"
urlpatterns = [
    path("<str:object_type>/", views.record_list, name="list"),
]
