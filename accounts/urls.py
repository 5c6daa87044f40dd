from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("signup/done/", views.signup_done, name="signup_done"),
    path("confirm/resend/", views.verification_resend, name="verification_resend"),
    path("confirm/<str:token>/", views.email_confirm, name="email_confirm"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("language/", views.set_language, name="set_language"),
    path("push/subscribe/", views.push_subscribe, name="push_subscribe"),
    path("push/<int:subscription_id>/remove/", views.push_subscription_remove, name="push_remove"),
    path("devices/<public_id:public_id>/revoke/", views.api_token_revoke, name="api_token_revoke"),
    path("blocked/", views.blocked_users, name="blocked"),
    path("presence/away/", views.presence_away, name="presence_away"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("blocked/<int:user_id>/unblock/", views.unblock, name="unblock"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("accounts:password_change_done")),
        name="password_change",
    ),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path(
        "password/reset/",
        views.PasswordResetView.as_view(success_url=reverse_lazy("accounts:password_reset_done")),
        name="password_reset",
    ),
    path("password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(success_url=reverse_lazy("accounts:password_reset_complete")),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"
    ),
]
