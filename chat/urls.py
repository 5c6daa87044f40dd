from django.urls import path

from chat.delivery import stream
from chat.views import (
    conversations,
    live,
    message_actions,
    messages,
    offers,
    organise,
    photos,
    polls,
    replies,
    reputation,
    safety,
    search,
)

app_name = "chat"

urlpatterns = [
    path("", conversations.conversation_list, name="list"),
    path("poll/", polls.conversation_list_poll, name="list_poll"),
    path("unread/", polls.unread_badge_poll, name="unread_badge"),
    path("search/", conversations.conversation_search, name="search"),
    path("safety/", safety.safety_help, name="safety_help"),
    path("settings/", organise.chat_settings, name="settings"),
    path("settings/labels/", organise.label_create, name="label_create"),
    path("settings/labels/<int:label_id>/delete/", organise.label_delete, name="label_delete"),
    path("settings/away/", replies.away_settings, name="settings_away"),
    path("settings/quick-replies/", replies.quick_replies_settings, name="settings_quick_replies"),
    path("stream/", stream.conversation_stream, name="stream"),
    path("start/<public_id:ad_public_id>/", conversations.conversation_start, name="start"),
    path("<public_id:public_id>/", conversations.conversation_detail, name="detail"),
    path("<public_id:public_id>/poll/", polls.conversation_poll, name="poll"),
    path("<public_id:public_id>/send/", messages.message_send, name="send"),
    path("<public_id:public_id>/search/", search.conversation_search_in, name="search_in"),
    path("<public_id:public_id>/typing/", live.conversation_typing, name="typing"),
    path("<public_id:public_id>/presence/", live.participant_presence, name="presence"),
    path("<public_id:public_id>/composer/", message_actions.composer, name="composer"),
    path(
        "<public_id:public_id>/messages/<int:message_id>/edit/",
        message_actions.message_edit,
        name="message_edit",
    ),
    path(
        "<public_id:public_id>/messages/<int:message_id>/delete/",
        message_actions.message_delete,
        name="message_delete",
    ),
    path(
        "<public_id:public_id>/messages/<int:message_id>/react/",
        message_actions.message_react,
        name="message_react",
    ),
    path("<public_id:public_id>/hide/", conversations.conversation_hide, name="hide"),
    path("<public_id:public_id>/unread/", conversations.conversation_mark_unread, name="mark_unread"),
    path("<public_id:public_id>/archive/", conversations.conversation_archive, name="archive"),
    path("<public_id:public_id>/mute/", conversations.conversation_mute, name="mute"),
    path("<public_id:public_id>/pin/", organise.conversation_pin, name="pin"),
    path("<public_id:public_id>/labels/", organise.conversation_labels, name="labels"),
    path("<public_id:public_id>/block/", conversations.conversation_block, name="block"),
    path(
        "<public_id:public_id>/photos/<int:photo_id>/<str:variant>/",
        photos.message_photo,
        name="message_photo",
    ),
    path("<public_id:public_id>/offers/", offers.offer_make, name="offer_make"),
    path("<public_id:public_id>/offers/<int:offer_id>/<str:action>/", offers.offer_act, name="offer_act"),
    path("<public_id:public_id>/review/", reputation.conversation_review, name="review"),
]
