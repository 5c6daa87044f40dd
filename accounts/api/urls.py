from django.urls import path

from accounts.api import auth, blocks, devices, profile, signup

urlpatterns = [
    path("auth/login/", auth.login, name="api-login"),
    path("auth/logout/", auth.logout, name="api-logout"),
    path("auth/verification/resend/", auth.verification_resend, name="api-verification-resend"),
    path("auth/signup/", signup.signup, name="api-signup"),
    path("auth/verification/confirm/", signup.verification_confirm, name="api-verification-confirm"),
    path("auth/password/reset/", signup.password_reset, name="api-password-reset"),
    path("auth/password/reset/confirm/", signup.password_reset_confirm, name="api-password-reset-confirm"),
    path("auth/devices/", devices.device_list, name="api-devices"),
    path("auth/devices/current/push/", devices.device_push, name="api-device-push"),
    path("auth/devices/<public_id:public_id>/", devices.device_revoke, name="api-device-revoke"),
    path("settings/", profile.user_settings, name="api-settings"),
    path("blocks/", blocks.block_list, name="api-blocks"),
    path("blocks/<public_id:public_id>/", blocks.block_remove, name="api-block-remove"),
]
