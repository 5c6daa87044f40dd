"""API: reporting a conversation, one of its messages, an ad or a review, into the moderators' queue."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from ads import selectors as ad_selectors
from chat import access, selectors
from chat.moderation import services
from chat.moderation.models import Report
from chat.moderation.services import REPORT_DETAILS_MAX_LENGTH
from marketplace import api
from marketplace.requests import guarded

REFUSALS = api.REFUSALS
IDEMPOTENCY = OpenApiParameter(api.IDEMPOTENCY_HEADER, str, OpenApiParameter.HEADER, required=False)


class ReportInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Report.Reason.choices)
    details = api.CharField(
        max_length=REPORT_DETAILS_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        trim_whitespace=False,
    )


class ConversationReportSerializer(ReportInputSerializer):
    message = api.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**62)
    block = api.BooleanField(default=False)


class ReportSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.ChoiceField(choices=Report.Reason.choices)
    status = serializers.ChoiceField(choices=Report.Status.choices)
    created_at = serializers.DateTimeField()


def _file(request, serializer_class, file) -> Response:
    """Validate the body, count ``report_by_user`` unless it repeats a filed report's key, then file."""
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    outcome = guarded(
        request,
        rule="report_by_user",
        repeat=lambda key: services.report_exists(reporter=request.user, idempotency_key=key),
        call=lambda key: file(data.validated_data, key),
    )
    report = outcome.answer()
    return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


@extend_schema(
    request=ConversationReportSerializer,
    parameters=[IDEMPOTENCY],
    responses={201: ReportSerializer, **REFUSALS},
)
@api_view(["POST"])
def conversation_report(request, public_id: str):
    """Report the conversation, or the other person's text message ``message``, with a reason; ``block``
    blocks them too. 404 for non-participants and for a message that is not the other person's text."""
    conversation = access.access_conversation(public_id=public_id, user=request.user)

    def file(fields, key):
        message = None
        if fields.get("message"):
            message = selectors.message_get_reportable(
                conversation=conversation, message_id=fields["message"], user=request.user
            )
        return services.report_create(
            reporter=request.user,
            conversation=conversation,
            message=message,
            reason=fields["reason"],
            details=fields["details"],
            block=fields["block"],
            idempotency_key=key,
        )

    return _file(request, ConversationReportSerializer, file)


@extend_schema(
    request=ReportInputSerializer, parameters=[IDEMPOTENCY], responses={201: ReportSerializer, **REFUSALS}
)
@api_view(["POST"])
def ad_report(request, public_id: str):
    """Report an ad ("Report this ad"); 404 for one's own ad and for ads one cannot see."""
    ad = ad_selectors.ad_get_for_viewer(public_id=public_id, user=request.user)
    if ad.owner_id == request.user.pk:
        raise Http404("Your own ad.")
    return _file(
        request,
        ReportInputSerializer,
        lambda fields, key: services.report_ad_create(
            reporter=request.user, ad=ad, idempotency_key=key, **fields
        ),
    )


@extend_schema(
    request=ReportInputSerializer, parameters=[IDEMPOTENCY], responses={201: ReportSerializer, **REFUSALS}
)
@api_view(["POST"])
def review_report(request, review_id: int):
    """Report a published review; 404 for one's own, unpublished or hidden reviews."""
    review = selectors.review_get_reportable(review_id=review_id, user=request.user)
    return _file(
        request,
        ReportInputSerializer,
        lambda fields, key: services.report_review_create(
            reporter=request.user, review=review, idempotency_key=key, **fields
        ),
    )
