from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ads import services
from ads.models import Ad, AdPhoto, Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("position", "name")


class AdPhotoInline(admin.TabularInline):
    model = AdPhoto
    extra = 0
    fields = ("thumbnail", "position", "width", "height", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ad)
class AdAdmin(admin.ModelAdmin):
    list_display = ("title", "public_id", "owner", "category", "price", "status", "created_at")
    list_filter = ("status", "category", "created_at")
    search_fields = ("public_id", "title", "owner__email")
    list_select_related = ("owner", "category")
    raw_id_fields = ("owner",)
    # Status changes go through services (they update every conversation's snapshot), not the form.
    readonly_fields = ("public_id", "status", "buyer", "created_at", "updated_at")
    inlines = [AdPhotoInline]
    actions = ["remove_ads"]
    date_hierarchy = "created_at"

    @admin.action(description=_("Remove selected ads"), permissions=["change"])
    def remove_ads(self, request, queryset):
        count = 0
        for ad in queryset.exclude(status=Ad.Status.REMOVED):
            services.ad_remove(ad=ad, user=request.user)
            count += 1
        self.message_user(
            request,
            ngettext(
                "Removed %(count)d ad; its conversations now say so.",
                "Removed %(count)d ads; their conversations now say so.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
