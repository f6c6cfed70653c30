from django.contrib import admin
from django.utils.html import format_html

from relaydesk.portal.models import SatisfactionRating, WebForm


@admin.register(WebForm)
class WebFormAdmin(admin.ModelAdmin[WebForm]):
    list_display = ("name", "key", "department", "is_active", "snippet")
    prepopulated_fields = {"key": ("name",)}

    @admin.display(description="embed")
    def snippet(self, form: WebForm) -> str:
        return format_html("<code>/form/{}/</code>", form.key)


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(admin.ModelAdmin[SatisfactionRating]):
    list_display = ("ticket", "requester", "score", "scale", "created_at")
    list_filter = ("score", "scale")
    readonly_fields = ("ticket", "requester", "score", "scale", "comment", "created_at")
