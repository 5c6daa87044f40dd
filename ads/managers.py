from django.db import models
from django.db.models import Q


class AdQuerySet(models.QuerySet):
    def active(self):
        """Ads on sale: not reserved, sold or removed."""
        return self.filter(status=self.model.Status.ACTIVE)

    def browsable(self):
        """Ads shown in public listings: active, reserved and sold (they stay visible, marked so), by
        owners who are not suspended."""
        return self.exclude(status=self.model.Status.REMOVED).filter(owner__is_active=True)

    def search(self, text: str):
        """Filter by words in the title or description (every word must match)."""
        for word in text.split()[:8]:
            self = self.filter(Q(title__icontains=word) | Q(description__icontains=word))
        return self

    def with_card_data(self):
        """Fetch what an ad card shows: category, owner and photos in position order (AdPhoto's
        ``Meta.ordering``; 2 extra queries)."""
        return self.select_related("category", "owner").prefetch_related("photos")
