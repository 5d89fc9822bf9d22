from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from screening.services.health import collect_health


@require_GET
def home(request):
    return render(request, "home.html")


@never_cache
@require_GET
def healthz(request):
    report = collect_health()
    return JsonResponse(report.as_dict(), status=200 if report.healthy else 503)
