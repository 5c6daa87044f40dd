from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.models import User


class Command(BaseCommand):
    """Make an existing user a moderator: ``manage.py make_moderator someone@example.com``.

    Sets is_staff and adds the user to the "Moderators" group (created by accounts' data migration).
    Exits with an error if no user has that email.
    """

    help = "Give an existing user (by email) staff access and the Moderators group's permissions."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        try:
            user = User.objects.get(email__iexact=email.strip())
        except User.DoesNotExist:
            raise CommandError(f"No user with email {email!r}.") from None
        services.user_make_moderator(user=user)
        self.stdout.write(self.style.SUCCESS(f"{user.email} is now a moderator."))
