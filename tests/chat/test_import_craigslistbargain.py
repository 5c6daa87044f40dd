import json
import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import timezone

from accounts.models import User
from ads.models import Ad
from chat.management.commands.import_craigslistbargain import RESERVED_FOR_DAYS
from chat.management.craigslistbargain import assign_buyers
from chat.models import Conversation, Message, Offer

pytestmark = pytest.mark.django_db

DIALOGUES = [
    {
        "id": "C_1",
        "category": "furniture",
        "title": "Oak desk",
        "description": "Solid oak.",
        "price": 120,
        "listing_id": "100",
        "turns": [
            {"role": "buyer", "text": "Hi, is the desk available?"},
            {"role": "seller", "text": "Yes it is."},
            {"role": "buyer", "text": "Would you take $100?"},
        ],
        "actions": [
            {"role": "buyer", "action": "offer", "price": 100, "after_turn": 3},
            {"role": "seller", "action": "accept", "after_turn": 3},
        ],
    },
    {
        "id": "C_2",
        "category": "bike",
        "title": "Road bike",
        "description": "",
        "price": 300,
        "listing_id": "200",
        "turns": [
            {"role": "seller", "text": "Hello! Interested in the bike?"},
            {"role": "buyer", "text": "  "},
            {"role": "buyer", "text": "Yes, how old is it?"},
        ],
        "actions": [],
    },
    {
        "id": "C_3",
        "category": "bike",
        "title": "Road bike",
        "description": "",
        "price": 300,
        "listing_id": "200",
        "turns": [{"role": "buyer", "text": "Still for sale?"}],
        "actions": [
            {"role": "seller", "action": "offer", "price": 290, "after_turn": 1},
            {"role": "buyer", "action": "accept", "after_turn": 1},
        ],
    },
    {
        "id": "C_4",
        "category": "car",
        "title": "Sedan",
        "description": "",
        "price": 5000,
        "listing_id": "300",
        "turns": [],
        "actions": [{"role": "buyer", "action": "offer", "price": 4000}],
    },
]
LISTINGS = [
    {
        "id": "100",
        "category": "furniture",
        "title": "Oak desk (listing)",
        "description": "From listings",
        "price": 125,
        "city": None,
    }
]


@pytest.fixture
def sample_folder(tmp_path):
    (tmp_path / "dev.jsonl").write_text("\n".join(json.dumps(d) for d in DIALOGUES) + "\n", encoding="utf-8")
    (tmp_path / "listings.jsonl").write_text("\n".join(json.dumps(row) for row in LISTINGS), encoding="utf-8")
    return tmp_path


def run_import(folder):
    out = StringIO()
    call_command("import_craigslistbargain", str(folder), stdout=out)
    return out.getvalue()


def test_import_creates_ads_users_conversations_and_messages(sample_folder):
    output = run_import(sample_folder)

    assert Ad.objects.count() == 3
    desk = Ad.objects.get(category__slug="furniture")
    assert desk.title == "Oak desk (listing)" and desk.photos.count() == 1  # listings.jsonl wins, photo made
    assert Conversation.objects.count() == 3
    assert Message.objects.filter(kind="text").count() == 3 + 2 + 1
    # Two offer cards and their acceptance notices, and the deals: a notice in each deal's conversation and
    # one in the other bike conversation (told the bike was reserved or sold).
    assert Message.objects.filter(kind__in=["offer", "system"]).count() == 7
    bike_chat = Conversation.objects.filter(ad__title="Road bike").order_by("id").first()
    first = bike_chat.messages.order_by("id").first()
    assert first.sender == bike_chat.seller and first.body == "Hello! Interested in the bike?"
    assert "skipped 1: dialogue has no chat turns" in output
    assert "skipped 1: turn refused: Write a message before sending." in output
    assert "dialogues: 4/4" in output
    desk_offer = Offer.objects.get(conversation__ad=desk)
    assert (desk_offer.amount, desk_offer.status, desk_offer.made_by_id) == (
        100,
        "accepted",
        desk_offer.conversation.buyer_id,
    )
    # The seller proposed the bike's price first; the buyer accepted it.
    bike_offer = Offer.objects.get(conversation__ad__title="Road bike")
    assert (bike_offer.amount, bike_offer.status, bike_offer.made_by_id) == (
        290,
        "accepted",
        bike_offer.conversation.seller_id,
    )
    assert "offers created 2" in output and "offers accepted 2" in output
    # Each ad with an agreement is reserved for (agreed in the last 7 days) or sold to its buyer.
    for offer in (desk_offer, bike_offer):
        ad = Ad.objects.get(pk=offer.conversation.ad_id)
        recent = offer.decided_at >= timezone.now() - timedelta(days=RESERVED_FOR_DAYS)
        assert (ad.status, ad.buyer_id) == ("reserved" if recent else "sold", offer.conversation.buyer_id)
    deals = Ad.objects.exclude(status="active").count()
    assert deals == 2 and "other conversations told 1" in output
    told = bike_chat if bike_chat.pk != bike_offer.conversation_id else None
    assert told is not None and told.messages.filter(body__startswith="This item has been").count() == 1
    assert not User.objects.filter(
        email__endswith="craigslistbargain.invalid", password__startswith="pbkdf2"
    ).exists()
    example = User.objects.filter(email__startswith="cl-buyer-").order_by("email").first().email
    assert f"set one with `manage.py changepassword {example}`" in output


def test_counter_offers_and_quits_map_onto_the_sites_offers(tmp_path):
    dialogue = {
        **DIALOGUES[0],
        "id": "C_9",
        "actions": [
            {"role": "buyer", "action": "offer", "price": 90, "after_turn": 3},
            {"role": "seller", "action": "offer", "price": 110, "after_turn": 3},
            {"role": "buyer", "action": "reject", "after_turn": 3},
            {"role": "buyer", "action": "offer", "price": 100, "after_turn": 3},
            {"role": "buyer", "action": "quit", "after_turn": 3},
            {"role": "seller", "action": "quit", "after_turn": 3},
        ],
    }
    (tmp_path / "dev.jsonl").write_text(json.dumps(dialogue) + "\n", encoding="utf-8")
    output = run_import(tmp_path)
    statuses = list(Offer.objects.order_by("id").values_list("amount", "status", "counter_to_id"))
    first, counter, last = Offer.objects.order_by("id")
    assert statuses == [(90, "countered", None), (110, "declined", first.id), (100, "withdrawn", None)]
    assert "counter-offers created 1" in output and "offers withdrawn (quit) 1" in output
    assert "skipped 1: seller's quit with no open offer" in output


def test_password_makes_imported_users_able_to_log_in(sample_folder, client):
    out = StringIO()
    call_command("import_craigslistbargain", str(sample_folder), "--password", "demo-pass-123", stdout=out)
    user = User.objects.filter(email__startswith="cl-buyer-").first()
    assert client.login(email=user.email, password="demo-pass-123")
    assert "log in with their email" in out.getvalue()


def test_import_is_idempotent(sample_folder):
    run_import(sample_folder)
    counts = (User.objects.count(), Ad.objects.count(), Conversation.objects.count(), Message.objects.count())
    output = run_import(sample_folder)
    assert (
        User.objects.count(),
        Ad.objects.count(),
        Conversation.objects.count(),
        Message.objects.count(),
    ) == counts
    assert "nothing new" in output
    assert "skipped 3: already imported" in output


def test_buyers_are_stable_and_never_repeat_a_listing():
    dialogues = [{"id": f"C_{n}", "listing_id": "same"} for n in range(50)]
    first = assign_buyers(dialogues, pool_size=60)
    assert first == assign_buyers(list(reversed(dialogues)), pool_size=60)
    assert len(set(first.values())) == 50


def test_missing_folder_contents_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No dialogue files"):
        run_import(tmp_path)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent runs need PostgreSQL")
def test_two_imports_at_once_import_everything_once(sample_folder):
    barrier = threading.Barrier(2)
    outputs, errors = [], []

    def run():
        try:
            barrier.wait()
            outputs.append(run_import(sample_folder))
        except Exception as error:  # noqa: BLE001 - asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Conversation.objects.count() == 3
    assert Message.objects.filter(kind="text").count() == 3 + 2 + 1
    assert sum("nothing new" in output for output in outputs) == 1


@pytest.mark.parametrize(
    ("first", "second", "accepts"),
    [
        ("buyer", "seller", ["seller"]),  # 2006 Toyota Solara: buyer 3150, seller 3150, seller accepts
        ("seller", "buyer", ["buyer"]),
        ("buyer", "seller", ["seller", "buyer"]),  # both press accept
    ],
)
def test_both_sides_offering_the_same_price_is_a_deal(tmp_path, first, second, accepts):
    # 36 deals in the data: each side types the agreed price into the offer box, then one of them (or
    # both) presses accept; 13 were lost. On the site the second offer at that price is an acceptance.
    dialogue = {
        **DIALOGUES[0],
        "id": "C_same",
        "actions": [
            {"role": first, "action": "offer", "price": 110, "after_turn": 3},
            {"role": second, "action": "offer", "price": 110, "after_turn": 3},
            *({"role": role, "action": "accept", "after_turn": 3} for role in accepts),
        ],
    }
    (tmp_path / "dev.jsonl").write_text(json.dumps(dialogue) + "\n", encoding="utf-8")
    output = run_import(tmp_path)

    offer = Offer.objects.get()
    conversation = offer.conversation
    first_user = conversation.buyer if first == "buyer" else conversation.seller
    assert (offer.amount, offer.status, offer.made_by) == (110, "accepted", first_user)
    accepted_notice = conversation.messages.get(notice="offer_accepted")
    assert accepted_notice.sender_id != first_user.pk
    assert Ad.objects.get().status in ("reserved", "sold")  # the deal closes the ad, as every deal does
    assert "offers accepted (the same price offered back) 1" in output
    assert "counter-offers created" not in output and "accept of their own offer" not in output
    for role in accepts:
        assert f"skipped 1: {role}'s accept of a price already agreed (recorded once)" in output

    assert "nothing new" in run_import(tmp_path)  # still idempotent
    assert Offer.objects.count() == 1


def test_an_offer_made_before_the_first_message_is_replayed_in_order(tmp_path):
    # 8 deals in the data: the offer came before any chat turn (after_turn 0) and was replayed after the
    # accept that answered it, so the accept found no open offer.
    dialogue = {
        **DIALOGUES[0],
        "id": "C_early",
        "actions": [
            {"role": "buyer", "action": "offer", "price": 100, "after_turn": 0},
            {"role": "seller", "action": "accept", "after_turn": 2},
        ],
    }
    (tmp_path / "dev.jsonl").write_text(json.dumps(dialogue) + "\n", encoding="utf-8")
    output = run_import(tmp_path)

    offer = Offer.objects.get()
    assert (offer.amount, offer.status, offer.made_by_id) == (100, "accepted", offer.conversation.buyer_id)
    # A conversation starts with its first message, so the offer card follows that message.
    kinds = list(offer.conversation.messages.order_by("created_at", "id").values_list("kind", flat=True))
    assert kinds[:4] == ["text", "offer", "text", "system"]
    assert "skipped" not in output


def test_the_report_says_how_many_of_the_datas_deals_are_kept(tmp_path):
    def deal(price):
        return {"outcome": {"deal": True, "agreed_price": price}}

    dialogues = [
        {**DIALOGUES[0], **deal(100)},  # offer and accept: kept
        {**DIALOGUES[2], **deal(290), "actions": [{"role": "buyer", "action": "accept", "after_turn": 1}]},
        {**DIALOGUES[3], **deal(4000)},  # no chat turns
        {**DIALOGUES[1], "outcome": {"deal": False, "agreed_price": None}},
    ]
    (tmp_path / "dev.jsonl").write_text("\n".join(json.dumps(d) for d in dialogues) + "\n", encoding="utf-8")
    said = (
        "deals kept: 1 of the 3 in the data (dialogues with outcome.deal), each as an accepted offer at the "
        "agreed price; lost 1: no accepted offer at the agreed price (see the skipped actions); lost 1: no "
        "chat turn imported, so no conversation."
    )
    assert said in run_import(tmp_path)
    assert said in run_import(tmp_path)  # the same on a second run, which adds nothing


def test_an_action_before_any_imported_turn_is_counted_not_dropped(tmp_path):
    dialogue = {
        **DIALOGUES[0],
        "id": "C_blank",
        "turns": [{"role": "buyer", "text": "  "}, {"role": "seller", "text": "Hello?"}],
        "actions": [{"role": "buyer", "action": "offer", "price": 100, "after_turn": 1}],
    }
    (tmp_path / "dev.jsonl").write_text(json.dumps(dialogue) + "\n", encoding="utf-8")
    output = run_import(tmp_path)
    assert "skipped 1: offer action before any imported chat turn" in output
    assert "skipped 1: turn refused: Write a message before sending." in output
