from django.urls import path

from syncapp.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("set-password/<uidb64>/<token>/", views.SetPasswordView.as_view(),
         name="set_password"),
    path("switch-portal/", views.switch_portal, name="switch_portal"),
]
