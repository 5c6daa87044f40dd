from django.urls import path

from chat import views

app_name = "chat"

urlpatterns = [
    path("", views.conversation_list, name="list"),
    path("poll/", views.conversation_list_poll, name="list_poll"),
    path("unread/", views.unread_badge_poll, name="unread_badge"),
    path("search/", views.conversation_search, name="search"),
    path("start/<str:ad_public_id>/", views.conversation_start, name="start"),
    path("<str:public_id>/", views.conversation_detail, name="detail"),
    path("<str:public_id>/poll/", views.conversation_poll, name="poll"),
    path("<str:public_id>/send/", views.message_send, name="send"),
    path("<str:public_id>/delete/", views.conversation_delete, name="delete"),
    path("<str:public_id>/unread/", views.conversation_mark_unread, name="mark_unread"),
    path("<str:public_id>/archive/", views.conversation_archive, name="archive"),
    path("<str:public_id>/block/", views.conversation_block, name="block"),
    path("<str:public_id>/report/", views.conversation_report, name="report"),
    path("<str:public_id>/photos/<int:photo_id>/<str:variant>/", views.message_photo, name="message_photo"),
    path("<str:public_id>/offers/", views.offer_make, name="offer_make"),
    path("<str:public_id>/offers/<int:offer_id>/<str:action>/", views.offer_act, name="offer_act"),
]
