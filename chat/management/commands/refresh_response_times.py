"""``manage.py refresh_response_times``: move every seller's response-time window on (run daily)."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from chat import services
from chat.models import ResponseTime


class Command(BaseCommand):
    """Recompute the stored response time (``chat.services.response_time_refresh``) of every seller whose
    row is older than ``--older-than-hours`` (default 24), so replies that left the 90-day window stop
    counting for sellers who have not replied since. One indexed read and one upsert per seller; prints how
    many were refreshed."""

    help = "Recompute sellers' response times whose stored value is older than a day."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-hours", type=int, default=24)

    def handle(self, *args, older_than_hours: int, **options):
        cutoff = timezone.now() - timedelta(hours=older_than_hours)
        stale = ResponseTime.objects.filter(computed_at__lt=cutoff).values_list("user_id", flat=True)
        refreshed = 0
        for user_id in stale.iterator():
            services.response_time_refresh(user_id=user_id)
            refreshed += 1
        self.stdout.write(f"Refreshed {refreshed} response time(s).")
