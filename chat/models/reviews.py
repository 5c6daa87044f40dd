"""Reputation earned in real conversations: reviews of the other participant, and sellers' response time."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chat.models.conversations import Conversation

REVIEW_TEXT_MAX_LENGTH = 1000


class ReviewQuerySet(models.QuerySet):
    def published(self, *, now=None):
        """Reviews anyone may read: not hidden by a moderator, and published (both sides reviewed) or
        written more than MARKETPLACE_REVIEW_PUBLISH_AFTER_S ago."""
        now = now or timezone.now()
        cutoff = now - timezone.timedelta(seconds=settings.MARKETPLACE_REVIEW_PUBLISH_AFTER_S)
        return self.filter(hidden_at__isnull=True).filter(
            models.Q(published_at__isnull=False) | models.Q(created_at__lte=cutoff)
        )


class Review(models.Model):
    """One participant's review of the other after a real conversation: two 1–5 star ratings and text.

    Written through ``chat.services.review_create``; kept unpublished until the other side has reviewed
    too or MARKETPLACE_REVIEW_PUBLISH_AFTER_S passed, so nobody writes theirs after reading the other's.
    """

    class Role(models.TextChoices):
        BUYER = "buyer", _("Buyer")
        SELLER = "seller", _("Seller")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, related_name="reviews", db_index=False
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # The author's side in the conversation: a review "from a buyer" is about the subject as a seller.
    author_role = models.CharField(_("written as"), max_length=10, choices=Role.choices)
    reliability = models.PositiveSmallIntegerField(_("reliability"))
    friendliness = models.PositiveSmallIntegerField(_("friendliness"))
    text = models.TextField(_("text"), max_length=REVIEW_TEXT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden by a moderator at"), null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        indexes = [models.Index(fields=["subject", "-created_at"], name="review_subject_idx")]
        constraints = [
            # Also "the reviews of this conversation" (starts with conversation_id).
            models.UniqueConstraint(fields=["conversation", "author"], name="review_one_per_author"),
            models.CheckConstraint(
                condition=models.Q(reliability__gte=1, reliability__lte=5), name="review_reliability_1_5"
            ),
            models.CheckConstraint(
                condition=models.Q(friendliness__gte=1, friendliness__lte=5), name="review_friendliness_1_5"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), REVIEW_TEXT_MAX_LENGTH),
                name="review_text_max_length",
            ),
            models.CheckConstraint(condition=~models.Q(author=models.F("subject")), name="review_not_self"),
        ]

    def __str__(self) -> str:
        return f"Review #{self.pk} of user #{self.subject_id}"


class ResponseTime(models.Model):
    """A seller's typical first-reply delay: the median over the conversations of the last
    MARKETPLACE_RESPONSE_TIME_WINDOW_S whose first message was the buyer's and got a reply.

    Written by ``chat.services.response_time_refresh`` when the seller first replies somewhere, and by
    ``manage.py refresh_response_times`` (daily, so the window moves on for sellers who stopped replying);
    pages read this one row and never scan messages.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="response_time"
    )
    median_s = models.PositiveIntegerField(_("median first-reply delay (seconds)"), null=True, blank=True)
    sample_size = models.PositiveIntegerField(_("conversations counted"), default=0)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("response time")
        verbose_name_plural = _("response times")

    def __str__(self) -> str:
        return f"Response time of user #{self.user_id}"
