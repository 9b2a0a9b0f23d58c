"""Webhooks in the admin, on Wagtail's generic views: endpoints (Administrators), the delivery log, resend and rotate.

Both are model viewsets, so Wagtail's model permissions decide who sees
them: the Administrator group holds them (migration 0002), no other role.
"""

import django_filters
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.views import View
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy

from .forms import EndpointForm
from .models import EVENT_TYPES, Delivery, Endpoint


class EndpointCreateView(generic.CreateView):
    def get_success_url(self):
        # Straight to the page that shows the new signing secret.
        return reverse("webhook_endpoints:inspect", args=[self.object.pk])


class EndpointInspectView(generic.InspectView):
    template_name = "webhooks/admin/endpoint_inspect.html"

    def get_events_display_value(self):
        return self.object.event_labels()

    def get_status_display_value(self):
        endpoint = self.object
        if endpoint.paused_at and not endpoint.is_active:
            when = date_format(timezone.localtime(endpoint.paused_at), "j M Y, H:i")
            return f"{endpoint.status} since {when}: {endpoint.paused_reason}"
        return endpoint.status

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        endpoint = self.object
        context.update(
            endpoint=endpoint,
            rotate_url=reverse("webhook_endpoints:rotate", args=[endpoint.pk]),
            can_change=self.user_has_permission("change"),
            deliveries_url=reverse("webhook_deliveries:index") + f"?endpoint={endpoint.pk}",
            counts={label: endpoint.deliveries.filter(status=status).count() for status, label in Delivery.STATUSES},
        )
        return context


class RotateSecretView(PermissionCheckedMixin, View):
    """POST: give the endpoint a new signing secret (the old one still signs for a day); logged."""

    permission_policy = ModelPermissionPolicy(Endpoint)
    permission_required = "change"
    http_method_names = ["post"]

    def post(self, request, pk):
        endpoint = get_object_or_404(Endpoint, pk=pk)
        endpoint.rotate_secret()
        log(instance=endpoint, action="caspian.webhooks.secret_rotated", user=request.user)
        messages.success(
            request,
            "New signing secret made. Deliveries are signed with both the new and the old secret for 24 hours: "
            "give the partner the new one now.",
        )
        return redirect("webhook_endpoints:inspect", endpoint.pk)


class EndpointViewSet(ModelViewSet):
    model = Endpoint
    icon = "link-external"
    menu_label = "Endpoints"
    menu_order = 100
    add_view_class = EndpointCreateView
    add_to_reference_index = False  # nothing refers to an endpoint but its deliveries
    inspect_view_enabled = True
    inspect_view_class = EndpointInspectView
    inspect_view_fields = ["url", "description", "owner_email", "events", "status"]
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("url"),
            FieldPanel("description"),
            FieldPanel("owner_email"),
            FieldPanel("events"),
            FieldPanel("is_active"),
        ],
        base_form_class=EndpointForm,
    )
    list_display = ["description", "url", "event_labels", "status", "owner_email"]
    list_filter = ["is_active"]
    search_fields = ["description", "url", "owner_email"]

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("rotate/<int:pk>/", RotateSecretView.as_view(), name="rotate")]


class DeliveryFilterSet(WagtailFilterSet):
    endpoint = django_filters.ModelChoiceFilter(queryset=Endpoint.objects.all(), label="Endpoint")
    event_type = django_filters.ChoiceFilter(field_name="event__type", choices=EVENT_TYPES, label="Event")
    status = django_filters.ChoiceFilter(choices=Delivery.STATUSES, label="Status")

    class Meta:
        model = Delivery
        fields = []


class DeliveryIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().for_listing()

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "event",
                label="Event",
                accessor="event.type",
                get_url=lambda delivery: reverse("webhook_deliveries:inspect", args=[delivery.pk]),
            ),
            Column("headline", label="Headline", accessor="event.headline"),
            Column("endpoint", label="Endpoint", accessor="endpoint.description"),
            Column("status", label="Status", accessor="get_status_display"),
            Column("attempt_count", label="Attempts", accessor="attempt_count"),
            DateColumn("last_attempt_at", label="Last attempt"),
            DateColumn("next_attempt_at", label="Next attempt"),
            DateColumn("created_at", label="Created"),
        ]


class DeliveryInspectView(generic.InspectView):
    template_name = "webhooks/admin/delivery_inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(Delivery.objects.for_listing(), pk=self.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            delivery=self.object,
            attempts=list(self.object.attempts.all()),
            resend_url=reverse("webhook_deliveries:resend", args=[self.object.pk]),
            can_resend=self.user_has_permission("change"),
        )
        return context


class ResendView(PermissionCheckedMixin, View):
    """POST: send a delivery again (same message id and body, a new day of retries); logged on its endpoint."""

    permission_policy = ModelPermissionPolicy(Delivery)
    permission_required = "change"
    http_method_names = ["post"]

    def post(self, request, pk):
        delivery = get_object_or_404(Delivery.objects.for_listing(), pk=pk)
        delivery.resend()
        log(
            instance=delivery.endpoint,
            action="caspian.webhooks.resent",
            user=request.user,
            data={"event": delivery.event.type, "message_id": delivery.event.message_id},
        )
        if delivery.endpoint.is_active:
            messages.success(request, "Queued: the worker sends it again within a minute.")
        else:
            messages.warning(
                request, "Queued, but the endpoint is paused: it is sent once the endpoint is active again."
            )
        return redirect("webhook_deliveries:inspect", delivery.pk)


class DeliveryViewSet(ModelViewSet):
    """The delivery log: read-only listing with filters, each delivery's attempts, and Resend."""

    model = Delivery
    icon = "list-ul"
    menu_label = "Delivery log"
    menu_order = 200
    index_view_class = DeliveryIndexView
    add_to_reference_index = False  # saved at every attempt: no index work for it
    inspect_view_enabled = True
    inspect_view_class = DeliveryInspectView
    copy_view_enabled = False
    form_fields = []  # never edited by hand
    filterset_class = DeliveryFilterSet

    def get_common_view_kwargs(self, **kwargs):
        # Only the listing and the inspect page: a delivery is never added, edited or deleted by hand.
        no_views = dict.fromkeys(
            ["add_url_name", "edit_url_name", "delete_url_name", "history_url_name", "usage_url_name"]
        )
        return super().get_common_view_kwargs(**{**no_views, **kwargs})

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("resend/<int:pk>/", ResendView.as_view(), name="resend"),
        ]


class WebhooksViewSetGroup(ViewSetGroup):
    menu_label = "Webhooks"
    menu_icon = "link-external"
    menu_order = 850
    items = (
        EndpointViewSet("webhook_endpoints", url_prefix="webhooks/endpoints"),
        DeliveryViewSet("webhook_deliveries", url_prefix="webhooks/deliveries"),
    )
