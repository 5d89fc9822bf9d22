from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from screening.core.health import collect_health


@require_safe
def home(request):
    return render(request, "home.html")


@never_cache
@require_safe  # GET and HEAD: load balancers often probe with HEAD
def healthz(request):
    report = collect_health()
    return JsonResponse(report.as_dict(), status=200 if report.healthy else 503)
