import time

from django.core.management.base import BaseCommand

from chat import notifications


class Command(BaseCommand):
    """``manage.py notify_unread [--loop SECONDS]``: email users who are away about unread messages.

    One email per user per batch (see ``chat.notifications``). Safe to run in several processes at once:
    users are locked with SKIP LOCKED and re-read under the lock, so nobody gets the same email twice.
    """

    help = "Email users who have been away about their unread messages (one email per batch)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", type=int, default=0, help="Repeat every this many seconds (0: run once)."
        )

    def handle(self, *args, loop: int, **options):
        while True:
            sent = notifications.notify_unread()
            self.stdout.write(f"sent {sent} unread-messages email(s)")
            if not loop:
                return
            time.sleep(loop)
