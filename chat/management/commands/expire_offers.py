import time

from django.core.management.base import BaseCommand

from chat import services


class Command(BaseCommand):
    """``manage.py expire_offers [--loop SECONDS]``: record pending offers past their expiry as expired.

    Offers already read as expired everywhere the moment they are due; this adds the "offer expired"
    notice to their conversations. Safe to run in several processes at once (see ``offers_expire_due``).
    """

    help = "Mark pending offers past their expiry as expired, with a notice in each conversation."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", type=int, default=0, help="Repeat every this many seconds (0: run once)."
        )

    def handle(self, *args, loop: int, **options):
        while True:
            count = services.offers_expire_due()
            self.stdout.write(f"expired {count} offer(s)")
            if not loop:
                return
            time.sleep(loop)
