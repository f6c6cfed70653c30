"""Configuration of ticket classification in `/admin/`: statuses, types, categories, tags and
custom fields. Tickets themselves change only through the desk and the service layer."""

from django.contrib import admin

from relaydesk.tickets.models import Category, CustomField, CustomStatus, Tag, TicketType


@admin.register(CustomStatus)
class CustomStatusAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "position"]
    list_editable = ["position"]
    list_filter = ["category"]


@admin.register(TicketType)
class TicketTypeAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "parent"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(CustomField)
class CustomFieldAdmin(admin.ModelAdmin):
    list_display = ["label", "key", "kind", "customer_visible", "position"]
    list_editable = ["position"]
    list_filter = ["kind", "customer_visible"]
    filter_horizontal = ["ticket_types"]
    prepopulated_fields = {"key": ["label"]}
