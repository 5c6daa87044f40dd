from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("bell/", views.bell, name="bell"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("settings/", views.notification_settings, name="settings"),
    path("unsubscribe/<str:token>/", views.email_unsubscribe, name="unsubscribe"),
    path("<str:notification_id>/open/", views.notification_open, name="open"),
]
