from django.urls import path

from chat.moderation.api import reports

urlpatterns = [
    path(
        "conversations/<public_id:public_id>/report/",
        reports.conversation_report,
        name="api-conversation-report",
    ),
    path("ads/<public_id:public_id>/report/", reports.ad_report, name="api-ad-report"),
    path("reviews/<int:review_id>/report/", reports.review_report, name="api-review-report"),
]
