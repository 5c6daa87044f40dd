from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from chat.models import Conversation, ConversationParticipant, Message, Offer


class ReadOnlyAdminMixin:
    """Chat state changes only through chat.services; the admin is for reading it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MessageInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Message
    fields = ("created_at", "sender", "kind", "body")
    readonly_fields = fields
    extra = 0
    ordering = ("created_at", "id")
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("sender")


class ParticipantInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ConversationParticipant
    fields = ("user", "role", "last_read_message", "history_cleared_up_to", "hidden_at")
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
    inlines = [ParticipantInline, MessageInline]

    @admin.display(description=_("Messages"))
    def all_messages(self, obj):
        url = reverse("admin:chat_message_changelist") + f"?conversation__id__exact={obj.pk}"
        return format_html('<a href="{}">Search this conversation\'s messages</a>', url)


@admin.register(Message)
class MessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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
    list_display = ("conversation", "buyer", "amount", "status", "created_at", "expires_at", "decided_at")
    list_filter = ("status", "created_at")
    search_fields = ("=conversation__public_id", "buyer__email")
    list_select_related = ("conversation", "buyer")
    fields = list_display
    readonly_fields = list_display
