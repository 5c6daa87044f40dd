from django.urls import path

from chat.moderation import views

app_name = "moderation"

urlpatterns = [
    path("<public_id:public_id>/report/", views.conversation_report, name="report"),
    path("ads/<public_id:public_id>/report/", views.ad_report, name="ad_report"),
    path("reviews/<int:review_id>/report/", views.review_report, name="review_report"),
    path(
        "<public_id:public_id>/photos/<int:photo_id>/<str:variant>/moderator/",
        views.message_photo,
        name="message_photo",
    ),
]
