from django.contrib import admin

from relaydesk.kb.models import KbCategory


@admin.register(KbCategory)
class KbCategoryAdmin(admin.ModelAdmin[KbCategory]):
    """Categories are configuration; articles are written in the desk at /desk/kb/."""

    list_display = ("name", "slug", "position")
    prepopulated_fields = {"slug": ("name",)}
