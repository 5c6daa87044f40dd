from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from ads.managers import AdQuerySet, SearchDocument
from marketplace.ids import new_public_id


class Category(models.Model):
    """A kind of ad (vehicles, real estate, …); rows are data, seeded by a migration."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language (the seeded categories are in the catalogue, SEEDED_NAMES)."""
        return gettext(self.name)


# The categories ads/migrations/0002 seeds, for makemessages (Category.display_name translates them).
SEEDED_NAMES = [
    gettext_noop("Vehicles"),
    gettext_noop("Real estate"),
    gettext_noop("Electronics"),
    gettext_noop("Phones"),
    gettext_noop("Furniture"),
    gettext_noop("Bikes"),
    gettext_noop("Home & garden"),
    gettext_noop("Fashion"),
    gettext_noop("Pets"),
    gettext_noop("Jobs"),
    gettext_noop("Services"),
    gettext_noop("Other"),
]


class Ad(models.Model):
    """A classified ad (listing) placed by its owner, the seller."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        RESERVED = "reserved", _("Reserved")
        SOLD = "sold", _("Sold")
        REMOVED = "removed", _("Removed")

    class Condition(models.TextChoices):
        NEW = "new", _("New")
        LIKE_NEW = "like_new", _("Like new")
        GOOD = "good", _("Good")
        FAIR = "fair", _("Fair")
        FOR_PARTS = "for_parts", _("For parts")

    class Area(models.TextChoices):
        """Where the item is: the areas the marketplace serves (a choice list, not geodata: see
        docs/search.md). Stored as the slug, so a label can be renamed or translated freely."""

        OAKLAND = "oakland", _("Oakland")
        BERKELEY = "berkeley", _("Berkeley")
        ALAMEDA = "alameda", _("Alameda")
        EMERYVILLE = "emeryville", _("Emeryville")
        RICHMOND = "richmond", _("Richmond")
        SAN_LEANDRO = "san-leandro", _("San Leandro")
        HAYWARD = "hayward", _("Hayward")
        FREMONT = "fremont", _("Fremont")
        WALNUT_CREEK = "walnut-creek", _("Walnut Creek")
        CONCORD = "concord", _("Concord")
        SAN_FRANCISCO = "san-francisco", _("San Francisco")
        OTHER = "other", _("Elsewhere")

    public_id = models.CharField(
        _("public id"), max_length=10, unique=True, default=new_public_id, editable=False
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ads", verbose_name=_("owner")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="ads", verbose_name=_("category")
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    price = models.DecimalField(
        _("price"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Leave empty for 'price on request'."),
    )
    city = models.CharField(_("city"), max_length=80, blank=True)
    # Blank: not said (ads placed before the fields existed; jobs and services have no condition).
    condition = models.CharField(_("condition"), max_length=10, choices=Condition.choices, blank=True)
    area = models.CharField(_("area"), max_length=20, choices=Area.choices, blank=True)
    # Title (weight A) and description (B) in the english and russian configurations, kept by PostgreSQL
    # itself whatever writes the row; NULL on SQLite, which searches with icontains (AdQuerySet.search).
    search_vector = models.GeneratedField(
        expression=SearchDocument(), output_field=SearchVectorField(null=True), db_persist=True
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # The buyer the ad is reserved for or was sold to (a deal closed in a conversation); None while on
    # sale, or when sold without saying to whom.
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("reserved for / sold to"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AdQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ad")
        verbose_name_plural = _("ads")
        indexes = [
            models.Index(fields=["status", "-created_at"], name="ad_status_created_idx"),
            models.Index(fields=["category", "status", "-created_at"], name="ad_category_status_idx"),
            models.Index(fields=["owner", "-created_at"], name="ad_owner_created_idx"),
            # The GIN index on search_vector is PostgreSQL-only, so migration 0004 makes it, not Meta.
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=0), name="ad_price_not_negative"),
            models.CheckConstraint(
                condition=models.Q(status__in=["active", "reserved", "sold", "removed"]),
                name="ad_status_valid",
            ),
            # Reserved always says for whom; on sale, nobody.
            models.CheckConstraint(
                condition=(models.Q(status="reserved") & models.Q(buyer__isnull=False))
                | (models.Q(status="active") & models.Q(buyer__isnull=True))
                | models.Q(status__in=["sold", "removed"]),
                name="ad_buyer_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.public_id})"

    def get_absolute_url(self) -> str:
        return reverse("ads:detail", kwargs={"public_id": self.public_id})

    @property
    def cover_photo(self):
        """Return the first photo (uses the prefetched ``photos`` when present) or None."""
        photos = list(self.photos.all())
        return photos[0] if photos else None


def ad_photo_upload_to(instance: "AdPhoto", filename: str) -> str:
    return f"ads/{instance.ad.public_id}/{filename}"


class AdPhoto(models.Model):
    """A photo of an ad, stored re-encoded without EXIF, with a thumbnail made once at upload."""

    ad = models.ForeignKey(Ad, on_delete=models.CASCADE, related_name="photos", verbose_name=_("ad"))
    image = models.ImageField(
        _("image"), upload_to=ad_photo_upload_to, width_field="width", height_field="height"
    )
    thumbnail = models.ImageField(_("thumbnail"), upload_to=ad_photo_upload_to)
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("ad photo")
        verbose_name_plural = _("ad photos")
        indexes = [models.Index(fields=["ad", "position"], name="adphoto_ad_position_idx")]

    def __str__(self) -> str:
        return f"Photo {self.position} of {self.ad_id}"


class Favourite(models.Model):
    """An ad a user saved to come back to. Its owner sees how many saved it, never who."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="favourites",
        db_index=False,  # the unique (user, ad) constraint's index leads with user
        verbose_name=_("user"),
    )
    ad = models.ForeignKey(Ad, on_delete=models.CASCADE, related_name="favourites", verbose_name=_("ad"))
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        verbose_name = _("favourite")
        verbose_name_plural = _("favourites")
        constraints = [models.UniqueConstraint(fields=["user", "ad"], name="favourite_once_per_user")]
        indexes = [
            # The Favourites page, newest saved first (the ad foreign key has its own index, for counts).
            models.Index(fields=["user", "-id"], name="favourite_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ {self.ad_id}"


class FavouriteAlert(models.Model):
    """A change of an ad (its price dropped; it was reserved, sold or removed; it is back on sale) that the
    people who saved it are to be told about. Queued in the transaction that changed the ad and sent by the
    notifier in batches (``ads.alerts.favourite_alerts_send``), so a seller's click never waits for
    thousands of favourites."""

    ad = models.ForeignKey(Ad, on_delete=models.CASCADE, related_name="+", verbose_name=_("ad"))
    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict)
    url = models.CharField(_("link"), max_length=500)
    # The deal's buyer, told in their conversation instead.
    exclude_user_id = models.BigIntegerField(null=True, blank=True)
    # Favourites up to this id have been told (the keyset of the batches).
    done_up_to_favourite_id = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("favourite alert")
        verbose_name_plural = _("favourite alerts")
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(finished_at__isnull=True), name="favalert_pending_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.ad_id}"


class SavedSearch(models.Model):
    """A user's saved ad search: the list's filters (``query``, the normalised query string of the search
    form) with a name, announced on the user's ``channel`` when new ads match.

    ``matched_up_to`` is the matching watermark: ads created up to it were already matched (the notifier
    matches the window (matched_up_to, horizon] and moves it, under the row lock, in one transaction).
    ``opened_at`` is when the user last opened the search: newer matches are its "N new".
    """

    class Channel(models.TextChoices):
        INSTANT = "instant", _("Right away (notifications and Web Push)")
        DAILY = "daily", _("Daily email digest")
        OFF = "off", _("Off (no alerts)")

    public_id = models.CharField(
        _("public id"), max_length=10, unique=True, default=new_public_id, editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_searches",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.CharField(_("filters"), max_length=500, blank=True)
    channel = models.CharField(_("alerts"), max_length=10, choices=Channel.choices, default=Channel.INSTANT)
    matched_up_to = models.DateTimeField(_("matched up to"), default=timezone.now)
    opened_at = models.DateTimeField(_("last opened"), default=timezone.now)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        indexes = [
            # The notifier's pass: the searches whose watermark is behind its horizon, oldest first.
            models.Index(fields=["matched_up_to"], name="savedsearch_watermark_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel__in=["instant", "daily", "off"]), name="savedsearch_channel_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.public_id})"


class SavedSearchMatch(models.Model):
    """An ad a saved search announced (or will, in the next digest). Unique per (search, ad): an ad is
    never announced twice for one search, whatever runs the matching."""

    saved_search = models.ForeignKey(
        SavedSearch, on_delete=models.CASCADE, related_name="matches", db_index=False
    )
    ad = models.ForeignKey(Ad, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # When the daily digest listed it; None while it waits for one (or for instant/off searches: never).
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["saved_search", "ad"], name="savedsearchmatch_once"),
        ]
        indexes = [
            # "N new" per search (matches after opened_at) and the digest's pending matches.
            models.Index(fields=["saved_search", "created_at"], name="savedsearchmatch_new_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.saved_search_id} → {self.ad_id}"
