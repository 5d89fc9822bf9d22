"""Answers outside the endpoints: an address under /api/ that nobody serves."""

from django.views.decorators.csrf import csrf_exempt

from screening.api.errors import json_error_response


@csrf_exempt
def not_found(request):
    return json_error_response(404, None, "not_found", "There is no such API address.")
