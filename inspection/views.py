"""The inspectors' pages: lists, record pages and one-page create/edit forms.

They write through the same services as the REST API. Another region's record is
404 for an inspector, as in the API's reads. Inspections and accidents have the
same four pages, made by ``_record_pages`` from what differs between them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

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


@dataclass(frozen=True)
class _Record:
    """What differs between the pages of two kinds of record; reads and writes are found
    by name (``selectors.<name>_list``, ``services.<name>_update``, …)."""

    name: str  # "inspection" or "accident": templates, URL names, context key
    filterset: type
    page_forms: type
    saved: Any  # the message after a save
    detail_context: Callable[[Any], dict] = lambda record: {}

    def list_for(self, *, user):
        return getattr(selectors, f"{self.name}_list")(user=user)

    def get_for(self, *, user, pk: int):
        return getattr(selectors, f"{self.name}_get")(user=user, pk=pk)

    def write(self, record, **data):
        if record is None:
            return getattr(services, f"{self.name}_create")(**data)
        return getattr(services, f"{self.name}_update")(**{self.name: record}, **data)


def _record_pages(kind: _Record) -> tuple[Callable[..., HttpResponse], ...]:
    """The list, detail, create and edit pages of one kind of record."""

    def get_or_404(request: HttpRequest, pk: int):
        record = kind.get_for(user=request.user, pk=pk)
        if record is None:
            raise Http404
        return record

    @inspection_staff_required
    def list_page(request: HttpRequest) -> HttpResponse:
        filterset = kind.filterset(request.GET or None, queryset=kind.list_for(user=request.user))
        if fixed_region_code(request.user) is not None:
            filterset.filters.pop("region", None)
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        context = {"filter": filterset, "page_obj": page, "objects": page.object_list}
        return render(request, f"inspection/{kind.name}_list.html", context)

    @inspection_staff_required
    def detail_page(request: HttpRequest, pk: int) -> HttpResponse:
        record = get_or_404(request, pk)
        context = {
            kind.name: record,
            "may_edit": may_write_region(request.user, record.region_id),
            **kind.detail_context(record),
        }
        return render(request, f"inspection/{kind.name}_detail.html", context)

    def form_page(request: HttpRequest, record) -> HttpResponse:
        """A record with its child rows on one page, written through its service: a
        rule the service refuses is shown beside the field it names, input kept."""
        posted = request.POST if request.method == "POST" else None
        page = kind.page_forms(posted, user=request.user, **{kind.name: record})
        if posted is not None and page.is_valid():
            data = {"acting_user": request.user, **page.service_data()}
            try:
                saved = kind.write(record, **data)
            except ValidationError as exc:
                page.add_service_errors(exc)
            else:
                messages.success(request, kind.saved)
                return redirect(f"inspection:{kind.name}-detail", pk=saved.pk)
        context = {"page": page, kind.name: record}
        return render(request, f"inspection/{kind.name}_form.html", context)

    @inspection_staff_required
    def create_page(request: HttpRequest) -> HttpResponse:
        return form_page(request, None)

    @inspection_staff_required
    def edit_page(request: HttpRequest, pk: int) -> HttpResponse:
        return form_page(request, get_or_404(request, pk))

    return list_page, detail_page, create_page, edit_page


inspection_list, inspection_detail, inspection_create, inspection_edit = _record_pages(
    _Record("inspection", InspectionFilterSet, InspectionPageForms, _("The inspection is saved."))
)
accident_list, accident_detail, accident_create, accident_edit = _record_pages(
    _Record(
        "accident",
        AccidentFilterSet,
        AccidentPageForms,
        _("The accident is saved."),
        lambda accident: {"investigation": investigation_of(accident)},
    )
)
