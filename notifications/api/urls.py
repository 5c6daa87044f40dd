from django.urls import path

from notifications.api import notifications

urlpatterns = [
    path("notifications/", notifications.notification_list, name="api-notifications"),
    path("notifications/unread-count/", notifications.unread_count, name="api-notifications-unread"),
    path("notifications/read-all/", notifications.notification_read_all, name="api-notifications-read-all"),
    path("notifications/settings/", notifications.notification_settings, name="api-notification-settings"),
    path(
        "notifications/<str:notification_id>/read/",
        notifications.notification_read,
        name="api-notification-read",
    ),
]
