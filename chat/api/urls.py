from django.urls import path

from chat.api import changes, conversations, live, messages, offers, organise, profiles, replies
from chat.delivery import stream

conversation = "conversations/<public_id:public_id>/"

urlpatterns = [
    path("conversations/", conversations.conversation_list, name="api-conversations"),
    path("changes/", changes.list_changes, name="api-list-changes"),
    path("events/", stream.app_stream, name="api-events"),
    path("unread/", conversations.unread, name="api-unread"),
    path("search/", conversations.search, name="api-search"),
    path("labels/", organise.labels, name="api-labels"),
    path("labels/<int:label_id>/", organise.label_delete, name="api-label"),
    path("settings/away/", replies.away, name="api-away"),
    path("settings/quick-replies/", replies.quick_replies, name="api-quick-replies"),
    path("settings/quick-replies/<int:reply_id>/", replies.quick_reply, name="api-quick-reply"),
    path("users/<public_id:public_id>/", profiles.profile, name="api-profile"),
    path("ads/<public_id:public_id>/conversations/", conversations.conversation_start, name="api-start"),
    path(conversation, conversations.conversation_detail, name="api-conversation"),
    path(f"{conversation}changes/", changes.conversation_changes, name="api-conversation-changes"),
    path(f"{conversation}read/", conversations.conversation_read, name="api-read"),
    path(f"{conversation}unread/", conversations.conversation_unread, name="api-mark-unread"),
    path(f"{conversation}hide/", conversations.conversation_hide, name="api-hide"),
    path(f"{conversation}archive/", conversations.conversation_archive, name="api-archive"),
    path(f"{conversation}mute/", conversations.conversation_mute, name="api-mute"),
    path(f"{conversation}pin/", organise.conversation_pin, name="api-pin"),
    path(f"{conversation}labels/", organise.conversation_labels, name="api-conversation-labels"),
    path(f"{conversation}block/", conversations.conversation_block, name="api-block"),
    path(f"{conversation}typing/", live.conversation_typing, name="api-typing"),
    path(f"{conversation}presence/", live.participant_presence, name="api-presence"),
    path(f"{conversation}messages/", messages.message_list, name="api-messages"),
    path(f"{conversation}search/", messages.message_search, name="api-conversation-search"),
    path(f"{conversation}messages/send/", messages.message_send, name="api-send"),
    path(f"{conversation}messages/<int:message_id>/", messages.message_change, name="api-message"),
    path(
        f"{conversation}messages/<int:message_id>/reaction/", messages.message_reaction, name="api-reaction"
    ),
    path(f"{conversation}photos/<int:photo_id>/<str:variant>/", messages.message_photo, name="api-photo"),
    path(f"{conversation}offers/", offers.offer_make, name="api-offers"),
    path(f"{conversation}offers/<int:offer_id>/<str:action>/", offers.offer_act, name="api-offer-act"),
    path(f"{conversation}review/", offers.conversation_review, name="api-review"),
]
