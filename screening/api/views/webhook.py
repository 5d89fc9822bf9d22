"""The organisation's webhook endpoint: see it, register or change it, remove it, test it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from screening.api.errors import ApiError, error, flatten
from screening.api.serializers import ErrorsSerializer, WebhookSerializer, WebhookStateSerializer
from screening.api.views.base import ApiView
from screening.models import Scope, WebhookState
from screening.notify.webhooks import WebhookUrlError, queue_ping, remove_webhook, set_webhook


def webhook_state(organisation, secret: str | None = None) -> dict:
    deliveries = organisation.webhook_deliveries.all()
    last = deliveries.exclude(last_attempt_at=None).order_by("-last_attempt_at").first()
    state = {
        "url": organisation.webhook_url,
        "last_delivery": None
        if last is None
        else {
            "id": str(last.event_id),
            "type": last.kind,
            "state": last.state,
            "attempted_at": last.last_attempt_at,
            "http_status": last.last_status,
            "error": last.last_error,
        },
        "failures": deliveries.filter(state=WebhookState.FAILED).count(),
        "pending": deliveries.filter(state=WebhookState.PENDING).count(),
    }
    if secret:
        state["secret"] = secret
    return state


class WebhookView(ApiView):
    required_scope = Scope.CASES_READ

    @extend_schema(operation_id="webhook_read", responses={200: WebhookStateSerializer})
    def get(self, request):
        return Response(webhook_state(self.client.organisation))

    @extend_schema(
        operation_id="webhook_register",
        summary="Register or change the webhook endpoint",
        description="An https:// URL. The first registration answers with the signing secret "
        "(shown once); send `?rotate_secret=true` to replace it.",
        request=WebhookSerializer,
        responses={200: WebhookStateSerializer, 422: ErrorsSerializer},
    )
    def put(self, request):
        serializer = WebhookSerializer(data=request.data)
        if not serializer.is_valid():
            raise ApiError(422, flatten(serializer.errors))
        rotate = request.query_params.get("rotate_secret") == "true"
        try:
            secret = set_webhook(
                self.client.organisation, serializer.validated_data["url"], rotate_secret=rotate
            )
        except WebhookUrlError as problem:
            raise ApiError(422, [error("url", "invalid_url", str(problem))]) from None
        return Response(webhook_state(self.client.organisation, secret))

    @extend_schema(operation_id="webhook_remove", responses={204: None})
    def delete(self, request):
        remove_webhook(self.client.organisation)
        return Response(status=204)


class WebhookPingView(ApiView):
    required_scope = Scope.CASES_READ

    @extend_schema(
        operation_id="webhook_ping",
        summary="Send a test event to the endpoint",
        request=None,
        responses={202: dict, 422: ErrorsSerializer},
    )
    def post(self, request):
        try:
            delivery = queue_ping(self.client.organisation)
        except WebhookUrlError as problem:
            raise ApiError(422, [error("url", "no_endpoint", str(problem))]) from None
        return Response({"id": str(delivery.event_id), "type": "ping"}, status=202)
