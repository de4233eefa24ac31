"""Pages shared by every role: home and the health check."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import health_report
from core.places import search_places
from core.roles import role_of


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker reachable. No login: load balancers call it."""
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"role": role_of(request.user)})


@login_required
@require_GET
def place_search(request: HttpRequest) -> JsonResponse:
    """The place picker's source: КАТО places by code prefix or kk/ru name, in the
    user's language (``?q=``, at most 20; ``?region=NN`` narrows to a region)."""
    region = request.GET.get("region") or None
    places = search_places(request.GET.get("q", "")[:100], region=region)
    return JsonResponse({"results": places})
