from django.urls import path

from chat import views

app_name = "chat"

urlpatterns = [
    path("", views.conversation_list, name="list"),
    path("poll/", views.conversation_list_poll, name="list_poll"),
    path("start/<str:ad_public_id>/", views.conversation_start, name="start"),
    path("<str:public_id>/", views.conversation_detail, name="detail"),
    path("<str:public_id>/poll/", views.conversation_poll, name="poll"),
    path("<str:public_id>/send/", views.message_send, name="send"),
    path("<str:public_id>/delete/", views.conversation_delete, name="delete"),
]
