import time

from django.core.management.base import BaseCommand

from ads import alerts, digest, search_alerts
from chat.delivery import email, web_push
from chat.services import review_prompts
from notifications import sending


class Command(BaseCommand):
    """``manage.py notify_unread [--loop SECONDS]``: Web Push, then email, to users who are away.

    Each pass first feeds the notification centre (the queued alerts to people who saved an ad,
    ``ads.alerts``; the review prompts now due, ``chat.services.review_prompts``) and sends the centre's
    Web Push and emails due (``notifications.sending``); then the Web Push notifications due
    (``chat.delivery.web_push``: users with no open page for MARKETPLACE_WEBPUSH_AFTER_S seconds and a
    subscribed device), then the unread-messages
    emails (one email per user per batch, see ``chat.delivery.email``). Safe to run in several processes
    at once: rows and users are locked with SKIP LOCKED and re-read under the lock, so nobody gets the
    same email or push twice.

    Each pass then matches the ads placed since the last pass against the saved searches
    (``ads.search_alerts.match_pass``: one indexed query per search, instant alerts pushed) and sends
    the saved
    searches' daily email digests that are due (``ads.digest.digest_pass``); both are safe to run in
    several processes at once too (row locks with SKIP LOCKED, a unique match per search and ad).
    """

    help = "Email users who have been away about their unread messages (one email per batch)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", type=int, default=0, help="Repeat every this many seconds (0: run once)."
        )

    def handle(self, *args, loop: int, **options):
        while True:
            batches = alerts.favourite_alerts_send()
            prompts = review_prompts.review_prompts_send()
            centre = sending.push_due_send() + sending.email_due_send()
            self.stdout.write(
                f"{batches} favourite alert batch(es), {prompts} review prompt(s), {centre} sent"
            )
            pushed = web_push.push_unread()
            sent = email.notify_unread()
            matched = search_alerts.match_pass()
            digests = digest.digest_pass()
            self.stdout.write(
                f"sent {pushed} web push notification(s), {sent} unread-messages email(s); "
                f"{matched.matches} new ad(s) for {matched.searches} saved search(es), {digests} digest(s)"
            )
            if not loop:
                return
            time.sleep(loop)
