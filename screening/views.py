from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from screening.core.health import collect_liveness, collect_readiness


@require_safe
def home(request):
    return render(request, "home.html")


@never_cache
@require_safe  # GET and HEAD: load balancers often probe with HEAD
def healthz(request):
    """Liveness, for load balancers: this process and its database answer."""
    report = collect_liveness()
    return JsonResponse(report.as_dict(), status=200 if report.healthy else 503)


@never_cache
@require_safe
def readyz(request):
    """Readiness, for monitoring: database, broker and at least one worker answer."""
    report = collect_readiness()
    return JsonResponse(report.as_dict(), status=200 if report.healthy else 503)
