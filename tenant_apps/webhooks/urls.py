from django.urls import path

from tenant_apps.webhooks import views

urlpatterns = [
    path("event-types", views.EventTypesView.as_view(), name="webhook-event-types"),
    path("endpoints", views.EndpointListView.as_view(), name="webhook-endpoints"),
    path("endpoints/<int:endpoint_id>", views.EndpointDetailView.as_view(), name="webhook-endpoint"),
    path("endpoints/<int:endpoint_id>/test", views.EndpointTestView.as_view(), name="webhook-endpoint-test"),
    path("endpoints/<int:endpoint_id>/deliveries", views.DeliveryListView.as_view(), name="webhook-deliveries"),
    path(
        "endpoints/<int:endpoint_id>/deliveries/<int:delivery_id>/redeliver",
        views.DeliveryRedeliverView.as_view(),
        name="webhook-delivery-redeliver",
    ),
]
