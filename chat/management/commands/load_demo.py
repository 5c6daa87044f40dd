from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.models import User
from ads import services as ad_services
from ads.models import Ad, Category
from chat import services as chat_services
from marketplace.images import placeholder_photo

DEMO_PASSWORD = "marketplace-demo"
DEMO_USERS = [
    ("seller@example.com", "Sam Seller"),
    ("buyer@example.com", "Bea Buyer"),
    ("buyer2@example.com", "Ben Bargain"),
    ("moderator@example.com", "Mo Moderator"),
]
DEMO_ADS = [
    (
        "furniture",
        "Mid-century walnut sofa",
        "Three-seater, no pets, no smoke. Pick up in Oakland.",
        "450",
        "Oakland",
    ),
    (
        "bikes",
        "Trek FX 3 hybrid bike, size M",
        "Ridden one season. New tires, tuned in March.",
        "520",
        "Berkeley",
    ),
    (
        "electronics",
        "Sony WH-1000XM4 headphones",
        "Great noise cancelling, with case and cable.",
        "180",
        "Fremont",
    ),
    (
        "phones",
        "iPhone 13, 128 GB, unlocked",
        "Battery health 89%. Small scratch on the back.",
        "390",
        "Hayward",
    ),
    (
        "vehicles",
        "2012 Honda Fit, 98k miles",
        "Clean title, one owner, service records.",
        "7900",
        "San Leandro",
    ),
    ("real-estate", "Sunny 1BR near BART", "Available June 1st. Laundry in building.", "2300", "El Cerrito"),
]
DEMO_CHAT = [
    ("buyer", "Hi! Is this still available?"),
    ("seller", "Hi Bea, yes it is. Would you like to see it?"),
    ("buyer", "Yes please. Could I come by on Saturday morning?\nAround 10 works best for me."),
    ("seller", "Saturday at 10 is fine. The address is in the ad: https://maps.example.com/oakland"),
]


class Command(BaseCommand):
    """Load a small demo set: 4 users (password ``marketplace-demo``), 6 ads with photos, 2 conversations
    (the sofa's with an edited message, one deleted for everyone, a reply and a reaction: sent now, so
    their edit window is still open for a while).

    Idempotent: users and ads that exist are reused and conversations are only created once.
    Prints the demo logins.
    """

    help = "Create demo users, ads and conversations, and print the demo logins."

    @transaction.atomic
    def handle(self, *args, **options):
        users = self._users()
        seller, buyer, buyer2 = (
            users["seller@example.com"],
            users["buyer@example.com"],
            users["buyer2@example.com"],
        )
        sofa, bike = self._ads(seller=seller)[:2]
        if not sofa.conversations.exists():
            self._sofa_conversation(sofa, buyer=buyer, seller=seller)
        if not bike.conversations.exists():
            self._bike_conversation(bike, buyer=buyer2, seller=seller)

        self.stdout.write(
            self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000/accounts/login/ with:")
        )
        for email, name in DEMO_USERS:
            self.stdout.write(f"  {email:<24} password: {DEMO_PASSWORD}   ({name})")
        self.stdout.write("  Moderators use http://127.0.0.1:8000/admin/")

    @staticmethod
    def _users() -> dict:
        """The demo users by email, created if missing; the moderator is made one."""
        users = {}
        for email, name in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email=email, password=DEMO_PASSWORD, display_name=name)
            users[email] = user
        account_services.user_make_moderator(user=users["moderator@example.com"])
        return users

    @staticmethod
    def _ads(*, seller) -> list:
        """The demo ads of *seller* in DEMO_ADS order, created (with a placeholder photo) if missing."""
        ads = []
        for seed, (slug, title, description, price, city) in enumerate(DEMO_ADS):
            ad = Ad.objects.filter(owner=seller, title=title).first()
            if ad is None:
                ad = ad_services.ad_create(
                    owner=seller,
                    category=Category.objects.get(slug=slug),
                    title=title,
                    description=description,
                    price=Decimal(price),
                    city=city,
                    photos=[placeholder_photo(text=title.split(",")[0], seed=seed)],
                )
            ads.append(ad)
        return ads

    def _sofa_conversation(self, sofa, *, buyer, seller) -> None:
        """DEMO_CHAT about the sofa, started a day ago, then the message actions."""
        start = timezone.now() - timedelta(days=1, hours=2)
        conversation, _ = chat_services.conversation_start(
            buyer=buyer, ad=sofa, body=DEMO_CHAT[0][1], created_at=start
        )
        for minutes, (role, body) in enumerate(DEMO_CHAT[1:], start=1):
            sender = buyer if role == "buyer" else seller
            chat_services.message_send(
                conversation=conversation,
                sender=sender,
                body=body,
                created_at=start + timedelta(minutes=7 * minutes),
            )
        self._message_actions(conversation, buyer=buyer, seller=seller)

    @staticmethod
    def _bike_conversation(bike, *, buyer, seller) -> None:
        """An offer about the bike and the seller's counter-offer."""
        conversation, _ = chat_services.conversation_start(
            buyer=buyer, ad=bike, body="Would you take $450 for the bike?"
        )
        chat_services.offer_make(conversation=conversation, user=buyer, amount="450")
        # The seller answers with a counter-offer: the buyer's card says so, and theirs to accept.
        chat_services.message_send(conversation=conversation, sender=seller, body="I can do $480, it's new.")
        chat_services.offer_make(conversation=conversation, user=seller, amount="480")

    @staticmethod
    def _message_actions(conversation, *, buyer, seller) -> None:
        """Add the message actions to the demo: a question and its reply, a reaction, an edit, a deletion."""
        question = chat_services.message_send(
            conversation=conversation,
            sender=buyer,
            body="How long is the sofa? I need to check it fits through my door.",
        )
        answer = chat_services.message_send(
            conversation=conversation,
            sender=seller,
            body="210 cm, and the legs unscrew, so it goes through a normal door.",
            reply_to_id=question.id,
        )
        chat_services.message_react(message=answer, user=buyer, emoji="👍")
        wrong = chat_services.message_send(
            conversation=conversation, sender=seller, body="Sorry, that was meant for another buyer."
        )
        chat_services.message_delete(message=wrong, user=seller)
        typo = chat_services.message_send(
            conversation=conversation, sender=buyer, body="Great, see you Saturday at 10!"
        )
        chat_services.message_edit(message=typo, editor=buyer, body="Great, see you Saturday at 10:30!")
