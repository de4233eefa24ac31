"""The inspectors' pages: lists, record pages and one-page create/edit forms.

They write through the same services as the REST API. Another region's record is
404 for an inspector, as in the API's reads.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import selectors, services
from .filters import AccidentFilterSet, InspectionFilterSet
from .forms import AccidentPageForms, InspectionPageForms
from .permissions import fixed_region_code, may_use_inspection, may_write_region
from .selectors import investigation_of

PAGE_SIZE = 25


def inspection_staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not may_use_inspection(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _list_page(request: HttpRequest, filterset, template: str, extra: dict) -> HttpResponse:
    if fixed_region_code(request.user) is not None:
        filterset.filters.pop("region", None)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {"filter": filterset, "page_obj": page, "objects": page.object_list, **extra},
    )


# --- inspections --------------------------------------------------------------------


@inspection_staff_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    filterset = InspectionFilterSet(
        request.GET or None, queryset=selectors.inspection_list(user=request.user)
    )
    return _list_page(request, filterset, "inspection/inspection_list.html", {})


@inspection_staff_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    if inspection is None:
        raise Http404
    return render(
        request,
        "inspection/inspection_detail.html",
        {
            "inspection": inspection,
            "may_edit": may_write_region(request.user, inspection.region_id),
        },
    )


@inspection_staff_required
def inspection_create(request: HttpRequest) -> HttpResponse:
    return _inspection_form(request, None)


@inspection_staff_required
def inspection_edit(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = selectors.inspection_get(user=request.user, pk=pk)
    if inspection is None:
        raise Http404
    return _inspection_form(request, inspection)


def _inspection_form(request: HttpRequest, inspection) -> HttpResponse:
    return _record_form(
        request,
        record=inspection,
        page=InspectionPageForms(_posted(request), user=request.user, inspection=inspection),
        create=services.inspection_create,
        update=lambda **data: services.inspection_update(inspection=inspection, **data),
        saved_message=_("The inspection is saved."),
        detail_url="inspection:inspection-detail",
        template="inspection/inspection_form.html",
        context={"inspection": inspection},
    )


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _record_form(
    request: HttpRequest,
    *,
    record,
    page,
    create,
    update,
    saved_message: str,
    detail_url: str,
    template: str,
    context: dict,
) -> HttpResponse:
    """A record with its child rows on one page, written through its service: a
    rule the service refuses is shown beside the field it names, input kept."""
    if request.method == "POST" and page.is_valid():
        write = create if record is None else update
        try:
            saved = write(acting_user=request.user, **page.service_data())
        except ValidationError as exc:
            page.add_service_errors(exc)
        else:
            messages.success(request, saved_message)
            return redirect(detail_url, pk=saved.pk)
    return render(request, template, {"page": page, **context})


# --- accidents ----------------------------------------------------------------------


@inspection_staff_required
def accident_list(request: HttpRequest) -> HttpResponse:
    filterset = AccidentFilterSet(
        request.GET or None, queryset=selectors.accident_list(user=request.user)
    )
    return _list_page(request, filterset, "inspection/accident_list.html", {})


@inspection_staff_required
def accident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    accident = selectors.accident_get(user=request.user, pk=pk)
    if accident is None:
        raise Http404
    return render(
        request,
        "inspection/accident_detail.html",
        {
            "accident": accident,
            "investigation": investigation_of(accident),
            "may_edit": may_write_region(request.user, accident.region_id),
        },
    )


@inspection_staff_required
def accident_create(request: HttpRequest) -> HttpResponse:
    return _accident_form(request, None)


@inspection_staff_required
def accident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    accident = selectors.accident_get(user=request.user, pk=pk)
    if accident is None:
        raise Http404
    return _accident_form(request, accident)


def _accident_form(request: HttpRequest, accident) -> HttpResponse:
    return _record_form(
        request,
        record=accident,
        page=AccidentPageForms(_posted(request), user=request.user, accident=accident),
        create=services.accident_create,
        update=lambda **data: services.accident_update(accident=accident, **data),
        saved_message=_("The accident is saved."),
        detail_url="inspection:accident-detail",
        template="inspection/accident_form.html",
        context={"accident": accident},
    )
