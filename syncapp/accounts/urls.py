from django.urls import path

from syncapp.accounts import member_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("set-password/<uidb64>/<token>/", views.SetPasswordView.as_view(),
         name="set_password"),
    path("switch-portal/", views.switch_portal, name="switch_portal"),
    path("members/", member_views.members_page, name="members"),
    path("members/invite/", member_views.invite, name="invite"),
    path("members/invitations/resend/", member_views.resend_invitation,
         name="resend_invitation"),
    path("members/invitations/revoke/", member_views.revoke_invitation,
         name="revoke_invitation"),
    path("members/roles/", member_views.change_roles, name="change_roles"),
    path("members/remove/", member_views.remove_member, name="remove_member"),
    path("invitation/", member_views.accept_invitation, name="accept_invitation"),
    path("logout/everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("password/reset/done/", views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
]
