"""What every API endpoint does before its own work: size limit, key, rate limit, scope, and
`Idempotency-Key` for the ones that create things."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from rest_framework import exceptions
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from screening.api.auth import ApiClient, check_rate_limit
from screening.api.errors import ApiError, error
from screening.core.idempotency import (
    IdempotencyKeyError,
    check_key,
    store_response,
    stored_response,
)

IDEMPOTENCY_HEADER = "Idempotency-Key"


class StrictJSONParser(JSONParser):
    """JSON that is too deeply nested is a bad request, not a crash."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from None


class ApiView(APIView):
    required_scope: str | dict | None = None
    parser_classes = [StrictJSONParser]

    def initial(self, request, *args, **kwargs):
        self._check_size(request)
        try:
            self.perform_authentication(request)
        except exceptions.AuthenticationFailed:
            check_rate_limit(request._request, None)
            raise
        client = request.auth if isinstance(request.auth, ApiClient) else None
        check_rate_limit(request._request, client)
        super().initial(request, *args, **kwargs)

    def max_body_bytes(self) -> int:
        return settings.API_MAX_BODY_BYTES

    def _check_size(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = self.max_body_bytes()
        if length > limit:
            raise ApiError(
                413,
                [error(None, "too_large", f"The request body is over the limit of {limit} bytes.")],
            )

    @property
    def client(self) -> ApiClient:
        return self.request.auth

    def idempotent(self, request, request_fingerprint: str, handler) -> Response:
        """Run `handler()` -> (status, body) once per Idempotency-Key, in one transaction with
        the stored response; a repeat gets the first response (and `Idempotent-Replayed`)."""
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key is None:
            status, body = handler(None)
            return Response(body, status=status)
        organisation = self.client.organisation
        endpoint = f"{request.method} {request.path}"
        try:
            check_key(key)
            with transaction.atomic():
                record = stored_response(organisation, key, endpoint, request_fingerprint)
                if record is None:
                    status, body = handler(key)
                    if status >= 400:
                        return Response(body, status=status)
                    record = store_response(
                        organisation, key, endpoint, request_fingerprint, status, _jsonable(body)
                    )
                    if record.response == _jsonable(body):
                        return Response(body, status=status)
        except IdempotencyKeyError as problem:
            status = 422 if problem.code == "reused" else 400
            raise ApiError(
                status, [error(IDEMPOTENCY_HEADER, problem.code, str(problem))]
            ) from None
        return Response(
            record.response, status=record.status_code, headers={"Idempotent-Replayed": "true"}
        )


def _jsonable(body):
    """The body as it reads back from a JSON column (datetimes as strings)."""
    import json

    from rest_framework.utils.encoders import JSONEncoder

    return json.loads(json.dumps(body, cls=JSONEncoder))
