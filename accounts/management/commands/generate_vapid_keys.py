from django.core.management.base import BaseCommand

from marketplace import web_push


class Command(BaseCommand):
    """``manage.py generate_vapid_keys``: print a new VAPID key pair for Web Push as environment lines.

    Put them in the environment of every process (web and notifier). A new pair invalidates every
    existing browser subscription (they were made for the old public key): generate once per site.
    """

    help = "Print a new VAPID key pair (MARKETPLACE_VAPID_PUBLIC_KEY / _PRIVATE_KEY) for Web Push."

    def handle(self, *args, **options):
        public, private = web_push.generate_keys()
        self.stdout.write(f"MARKETPLACE_VAPID_PUBLIC_KEY={public}")
        self.stdout.write(f"MARKETPLACE_VAPID_PRIVATE_KEY={private}")
