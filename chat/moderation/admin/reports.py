"""The moderation queue: reports, each opening as a case page with its actions."""

from django.contrib import admin
from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.selectors import is_moderator
from chat import safety
from chat.forms import read_id
from chat.moderation import selectors
from chat.moderation import services as moderation
from chat.moderation.models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """The moderation queue: open reports oldest first; each opens as a case page with its actions."""

    list_display = (
        "created_at",
        "status",
        "reason",
        "subject",
        "signals",
        "scam_label",
        "reported_user",
        "reporter",
    )
    list_filter = ("status", "reason", "scam_label", "created_at")
    search_fields = ("=conversation__public_id", "reported_user__email", "reporter__email")
    list_select_related = ("reported_user", "reporter", "conversation", "ad", "message")
    actions = ("label_scam", "label_not_scam")
    # "open" sorts after "dismissed" and "actioned": descending puts the open reports first, oldest first.
    ordering = ("-status", "created_at")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("about"))
    def subject(self, obj):
        if obj.review_id:
            return _("Review #%(id)s") % {"id": obj.review_id}
        if obj.ad_id:
            return _("Ad %(id)s") % {"id": obj.ad.public_id}
        return (
            _("Message in %(id)s") % {"id": obj.conversation.public_id}
            if obj.message_id
            else obj.conversation.public_id
        )

    @admin.display(description=_("scam signals"))
    def signals(self, obj):
        """The ``chat.safety`` categories the reported message's text carries (text alone, no context)."""
        return ", ".join(safety.scam_signals(obj.message.body)) if obj.message_id else ""

    @admin.action(description=_("Label the reported messages: scam"))
    def label_scam(self, request, queryset):
        self._label(request, queryset, Report.ScamLabel.SCAM)

    @admin.action(description=_("Label the reported messages: not a scam"))
    def label_not_scam(self, request, queryset):
        self._label(request, queryset, Report.ScamLabel.NOT_SCAM)

    def _label(self, request, queryset, label: str) -> None:
        if not is_moderator(request.user):
            raise PermissionDenied
        labelled = 0
        for report in queryset.filter(message__isnull=False):
            moderation.report_label_scam(report=report, moderator=request.user, label=label)
            labelled += 1
        flash.success(request, _("Labelled %(count)s reported messages.") % {"count": labelled})

    def get_urls(self):
        act = path(
            "<int:report_id>/act/",
            self.admin_site.admin_view(require_POST(self.act_view)),
            name="moderation_report_act",
        )
        return [act, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The case page: the report, the messages around it, the ad (snapshot and live), both users'
        history, the log of this case and the action buttons."""
        report = selectors.report_get_for_case(report_id=read_id(object_id))
        if not self.has_view_permission(request, report):
            raise PermissionDenied
        conversation = report.conversation
        live_ad = _reported_ad(report)
        context_messages, withheld = _case_messages(request, report)
        for message in context_messages:
            message.scam_signals = safety.scam_signals(message.body) if message.kind == "text" else ()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Report #%(id)s") % {"id": report.pk},
            "opts": self.model._meta,
            "report": report,
            "conversation": conversation,
            "live_ad": live_ad,
            # Offered only when the ad is the reported user's (a report about a buyer names the seller's ad).
            "removable_ad": live_ad
            if live_ad is not None
            and live_ad.owner_id == report.reported_user_id
            and live_ad.status != "removed"
            else None,
            "context_messages": context_messages,
            "messages_withheld": withheld,
            "histories": [
                selectors.user_history(user=report.reported_user),
                selectors.user_history(user=report.reporter),
            ],
            "case_log": report.actions.select_related("moderator"),
            "can_act": is_moderator(request.user),
        }
        return TemplateResponse(request, "admin/moderation/report/case.html", context)

    def act_view(self, request, report_id: int):
        """Run one moderator action from the case page (POST ``action``, optional ``message``, ``note``).

        Destructive actions (remove a message, remove the ad, suspend) first answer a confirmation page
        saying what will happen; its button posts again with ``confirmed=1``. No JavaScript involved, so
        it works under the admin's strict CSP."""
        report = selectors.report_get_for_case(report_id=report_id)
        action = request.POST.get("action", "")
        note = request.POST.get("note", "")[:2000]
        if action in DESTRUCTIVE_ACTIONS and request.POST.get("confirmed") != "1":
            return self._confirm_page(request, report, action=action, note=note)
        try:
            known = _run_action(request, report, action=action, note=note)
        except ValidationError as error:
            flash.error(request, " ".join(error.messages))
        else:
            if not known:
                flash.error(request, _("Unknown action."))
                return redirect("admin:moderation_report_change", report.pk)
            flash.success(request, _("Done, and recorded in the moderation log."))
        return redirect("admin:moderation_report_change", report.pk)

    def _confirm_page(self, request, report: Report, *, action: str, note: str) -> TemplateResponse:
        """Answer a destructive *action* with the page that says what it will do and asks to confirm."""
        message = None
        if action == "remove_message":
            message = selectors.report_message_get(
                report=report, message_id=read_id(request.POST.get("message")), moderator=request.user
            )
        context = {
            **self.admin_site.each_context(request),
            "title": DESTRUCTIVE_ACTIONS[action],
            "opts": self.model._meta,
            "report": report,
            "action": action,
            "note": note,
            "target_message": message,
        }
        return TemplateResponse(request, "admin/moderation/report/confirm.html", context)


def _run_action(request, report: Report, *, action: str, note: str) -> bool:
    """Run moderator *action* on *report* (through the moderation services); return False for an action
    that is unknown or does not apply to this report. Raises the services' ValidationError."""
    moderator = request.user
    if action == "dismiss":
        moderation.report_dismiss(report=report, moderator=moderator, note=note)
    elif action == "remove_message":
        message = selectors.report_message_get(
            report=report, message_id=read_id(request.POST.get("message")), moderator=moderator
        )
        moderation.message_remove(message=message, moderator=moderator, report=report, note=note)
    elif action == "remove_ad" and _reported_ad(report) is not None:
        moderation.ad_remove(ad=_reported_ad(report), moderator=moderator, report=report, note=note)
    elif action in ("hide_review", "show_review") and report.review is not None:
        hidden = action == "hide_review"
        moderation.review_set_hidden(
            review=report.review, moderator=moderator, hidden=hidden, report=report, note=note
        )
    elif action == "suspend":
        moderation.user_suspend(user=report.reported_user, moderator=moderator, report=report, note=note)
    elif action in ("mark_scam", "mark_not_scam"):
        label = Report.ScamLabel.SCAM if action == "mark_scam" else Report.ScamLabel.NOT_SCAM
        moderation.report_label_scam(report=report, moderator=moderator, label=label, note=note)
    elif action == "unsuspend":
        moderation.user_unsuspend(user=report.reported_user, moderator=moderator, note=note)
    else:
        return False
    return True


def _case_messages(request, report: Report) -> tuple[list, str]:
    """Return the messages *report*'s case page shows and, when it shows none of a conversation, why.

    Reading them needs grounds (``selectors.moderator_may_read``: a report the moderator filed is none),
    and each view that shows them is recorded in the moderation log."""
    if report.conversation is None:
        return [], ""
    moderator = request.user
    if not is_moderator(moderator) or not selectors.moderator_may_read(
        moderator=moderator, conversation=report.conversation
    ):
        if report.reporter_id == moderator.pk:
            return [], _(
                "You filed this report, so its conversation is not shown to you: "
                "another moderator works this case."
            )
        return [], _("Only a moderator with grounds to read this conversation sees its messages.")
    moderation.case_view_logged(report=report, moderator=moderator)
    return selectors.report_context_messages(report=report), ""


def _reported_ad(report: Report):
    """The live ad a report is about: the reported ad, else the conversation's (None when deleted)."""
    if report.ad is not None:
        return report.ad
    return report.conversation.ad if report.conversation is not None else None


# The case page's actions that change what users see, each with the question its confirmation asks.
DESTRUCTIVE_ACTIONS = {
    "remove_message": _("Remove this message for both participants?"),
    "remove_ad": _("Remove the ad from the site?"),
    "suspend": _("Suspend this user?"),
    "hide_review": _("Hide this review from the profile and the averages?"),
}
