"""What moderators can look at but not change: conversations (with the logged "read the messages"
view), messages and offers."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.selectors import is_moderator
from chat.models import Conversation, ConversationParticipant, Message, Offer
from chat.moderation import selectors
from chat.moderation import services as moderation
from chat.moderation.admin.common import ReadOnlyAdminMixin


class ParticipantInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ConversationParticipant
    fields = ("user", "role", "last_read_message", "hidden_up_to", "hidden_at")
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("public_id", "ad_title", "buyer", "seller", "ad_status", "created_at", "last_message_at")
    list_filter = ("ad_status", "ad_entity_type", "created_at", "last_message_at")
    search_fields = ("=public_id", "buyer__email", "seller__email", "ad_title", "=ad_public_id")
    list_select_related = ("buyer", "seller")
    date_hierarchy = "created_at"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "public_id",
                    "buyer",
                    "seller",
                    "ad",
                    "created_at",
                    "last_message_at",
                    "all_messages",
                )
            },
        ),
        (
            _("Ad snapshot"),
            {
                "fields": (
                    "ad_entity_type",
                    "ad_public_id",
                    "ad_title",
                    "ad_thumbnail_url",
                    "ad_price",
                    "ad_link",
                    "ad_status",
                )
            },
        ),
    )
    readonly_fields = [field for _, options in fieldsets for field in options["fields"]]
    inlines = [ParticipantInline]

    @admin.display(description=_("Messages"))
    def all_messages(self, obj):
        url = reverse("admin:chat_conversation_read", args=[obj.pk])
        return format_html(
            '<a href="{}">{}</a> {}',
            url,
            _("Read the messages"),
            _("(recorded in the moderation log, with your reason)"),
        )

    def get_urls(self):
        read = path(
            "<int:conversation_id>/read/",
            self.admin_site.admin_view(self.read_view),
            name="chat_conversation_read",
        )
        return [read, *super().get_urls()]

    def read_view(self, request, conversation_id: int):
        """The logged "view conversation" action: GET asks for a reason, POST records it and shows the
        messages (newest READ_LIMIT)."""
        conversation = selectors.conversation_get_for_moderator(conversation_id=conversation_id)
        if not is_moderator(request.user):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "conversation": conversation,
            "title": _("Read a conversation"),
        }
        if request.method == "POST":
            try:
                moderation.conversation_view_logged(
                    conversation=conversation, moderator=request.user, reason=request.POST.get("reason", "")
                )
            except ValidationError as error:
                context["error"] = " ".join(error.messages)
            else:
                messages, truncated = selectors.conversation_messages_for_moderator(conversation=conversation)
                context.update(conversation_messages=messages, truncated=truncated)
        return TemplateResponse(request, "admin/chat/conversation_read.html", context)


@admin.register(Message)
class MessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """For superusers: moderators have no view_message permission (they read through reports or the
    logged "read the messages" action)."""

    list_display = ("created_at", "sender", "conversation_link", "short_body")
    list_filter = ("kind", "created_at")
    search_fields = ("body",)
    list_select_related = ("sender", "conversation")
    fields = ("conversation", "sender", "created_at", "body")
    readonly_fields = fields
    date_hierarchy = "created_at"
    show_full_result_count = False  # counting millions of rows on every search is slow

    @admin.display(description=_("Conversation"))
    def conversation_link(self, obj):
        url = reverse("admin:chat_conversation_change", args=[obj.conversation_id])
        return format_html('<a href="{}">{}</a>', url, obj.conversation.public_id)

    @admin.display(description=_("Body"))
    def short_body(self, obj):
        return obj.body[:100]


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("conversation", "made_by", "amount", "status", "created_at", "expires_at", "decided_at")
    list_filter = ("status", "created_at")
    search_fields = ("=conversation__public_id", "made_by__email")
    list_select_related = ("conversation", "made_by")
    fields = (*list_display, "counter_to")
    readonly_fields = fields
