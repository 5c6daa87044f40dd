"""Moderators see a flagged message's scam signals and label it "scam" / "not a scam" (issue 29)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.services import user_make_moderator
from chat import services
from chat.moderation import services as moderation
from chat.moderation.models import ModerationAction, Report
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    return user_make_moderator(user=UserFactory(email="mod@example.com"))


@pytest.fixture
def report(conversation, buyer, seller):
    message = services.message_send(
        conversation=conversation, sender=seller, body="Send me the code from the SMS, then pay by Zelle"
    )
    return moderation.report_create(reporter=buyer, conversation=conversation, reason="scam", message=message)


def test_the_case_page_and_the_queue_show_the_signals(client, moderator, report):
    client.force_login(moderator)
    case = client.get(reverse("admin:moderation_report_change", args=[report.pk])).content.decode()
    assert "Scam signals: payment, code_request" in case
    assert 'value="mark_scam"' in case and 'value="mark_not_scam"' in case
    queue = client.get(reverse("admin:moderation_report_changelist")).content.decode()
    assert "payment, code_request" in queue


def test_a_moderator_labels_from_the_case_page_and_it_is_logged(client, moderator, report):
    client.force_login(moderator)
    url = reverse("admin:moderation_report_act", args=[report.pk])
    assert client.post(url, {"action": "mark_not_scam", "note": "a joke"}).status_code == 302
    report.refresh_from_db()
    assert (report.scam_label, report.status) == ("not_scam", "open")  # labelling does not close the case
    log = ModerationAction.objects.get()
    assert (log.action, log.message_id, log.note) == ("label_scam", report.message_id, "not_scam: a joke")


def test_the_queue_action_labels_many(client, moderator, report):
    client.force_login(moderator)
    response = client.post(
        reverse("admin:moderation_report_changelist"),
        {"action": "label_scam", "_selected_action": [report.pk]},
    )
    assert response.status_code == 302
    assert Report.objects.get().scam_label == "scam"


def test_only_moderators_label_and_only_reported_messages(buyer, moderator, report, conversation, seller):
    with pytest.raises(PermissionDenied):
        moderation.report_label_scam(report=report, moderator=buyer, label="scam")
    whole = moderation.report_create(reporter=seller, conversation=conversation, reason="spam")
    with pytest.raises(ValidationError):
        moderation.report_label_scam(report=whole, moderator=moderator, label="scam")
    with pytest.raises(ValidationError):
        moderation.report_label_scam(report=report, moderator=moderator, label="maybe")
    assert Report.objects.get(pk=report.pk).scam_label == ""


def test_labels_leave_the_database_for_the_evaluation_set(moderator, report, tmp_path):
    import importlib.util
    import json
    from pathlib import Path

    script = Path(__file__).resolve().parents[3] / "bench" / "scam_eval.py"
    spec = importlib.util.spec_from_file_location("scam_eval", script)
    scam_eval = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scam_eval)
    moderation.report_label_scam(report=report, moderator=moderator, label="scam")

    assert scam_eval.export_labels(str(tmp_path / "labels.jsonl")) == 1
    (row,) = [json.loads(line) for line in (tmp_path / "labels.jsonl").read_text().splitlines()]
    assert row == {
        "id": f"report-{report.pk}",
        "lang": "en",
        "label": "scam",
        "family": "unknown",
        "text": "Send me the code from the SMS, then pay by Zelle",
    }


def test_a_moderator_does_not_label_their_own_report(conversation, buyer, seller):
    message = services.message_send(conversation=conversation, sender=seller, body="Send me the CVV")
    user_make_moderator(user=buyer)
    own = moderation.report_create(reporter=buyer, conversation=conversation, reason="scam", message=message)
    with pytest.raises(ValidationError) as refused:
        moderation.report_label_scam(report=own, moderator=buyer, label="scam")
    assert refused.value.code == "own_report"
