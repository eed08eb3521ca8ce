"""Staff manage plans in the Django admin; subscriptions and Stripe events are shown read-only."""
from django.contrib import admin

from .models import Plan, SeatAssignment, StripeEvent, Subscription


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "monthly_price", "yearly_price", "seats", "active", "stripe_product_id")
    list_filter = ("kind", "active")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "slug")


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ("organisation", "plan", "interval", "status", "cancel_at_period_end", "current_period_end")
    list_filter = ("status", "plan")
    search_fields = ("organisation__name", "stripe_customer_id", "stripe_subscription_id")
    # Written from Stripe's state only (services, webhooks, stripe_reconcile).
    readonly_fields = (
        "stripe_customer_id", "stripe_subscription_id", "status", "current_period_end", "cancel_at_period_end",
        "past_due_since", "stripe_updated_at",
    )
    raw_id_fields = ("organisation",)


@admin.register(SeatAssignment)
class SeatAssignmentAdmin(admin.ModelAdmin):
    list_display = ("supplier", "sponsorship", "assigned_at")
    raw_id_fields = ("sponsorship", "supplier", "assigned_by")


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = ("stripe_id", "type", "status", "created", "received_at", "processed_at", "attempts")
    list_filter = ("status", "type")
    search_fields = ("stripe_id", "object_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
