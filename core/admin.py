"""Admin for reference data, organisations and users' profiles.

Every reference table can be imported and exported as CSV or XLSX; rows are
matched on their natural key (``import_id_fields``), validated with
``full_clean`` and written in one transaction, and each import is recorded in
the admin log.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX

from core.calendar import package_is_working_day
from core.models import (
    DayOffTransfer,
    KnpCode,
    MciRate,
    OkedCode,
    OkedSection,
    Organisation,
    Place,
    Region,
    UserProfile,
)
from core.places import PlaceResource
from core.spreadsheets import SafeCSV, SafeXLSX


class DigitCodeWidget(widgets.CharWidget):
    """A fixed-width digit code; restores the leading zeros a spreadsheet drops."""

    def __init__(self, width: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.width = width

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = super().clean(value, row, **kwargs)
        if text and text.strip().isascii() and text.strip().isdigit():
            return text.strip().zfill(self.width)
        return text


def digit_code(name: str, width: int) -> fields.Field:
    return fields.Field(attribute=name, column_name=name, widget=DigitCodeWidget(width))


class ReferenceResource(resources.ModelResource):
    class Meta:
        abstract = True
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True


def reference_resource(model, key: str, fields: tuple[str, ...], **digit_widths: int) -> type:
    """The import/export of a reference table keyed by ``key``; ``digit_widths`` name its
    fixed-width digit codes."""
    meta = type(
        "Meta",
        (ReferenceResource.Meta,),
        {"model": model, "import_id_fields": (key,), "fields": fields},
    )
    codes = {name: digit_code(name, width) for name, width in digit_widths.items()}
    return type(f"{model.__name__}Resource", (ReferenceResource,), {**codes, "Meta": meta})


NAMES = ("name_kk", "name_ru", "name_en")
RegionResource = reference_resource(Region, "code", ("code", "kato", *NAMES), code=2, kato=9)
OkedSectionResource = reference_resource(OkedSection, "code", ("code", *NAMES))
OkedCodeResource = reference_resource(
    OkedCode, "code", ("code", "section", "risk_class", *NAMES), code=5
)
MciRateResource = reference_resource(MciRate, "year", ("year", "amount_kzt"))
KnpCodeResource = reference_resource(
    KnpCode, "code", ("code", "gives_cover", "cover_start", *NAMES), code=3
)
DayOffTransferResource = reference_resource(DayOffTransfer, "date", ("date", "kind", "basis"))
OrganisationResource = reference_resource(
    Organisation,
    "bin",
    ("bin", "name", "kind", "region", "kato", "oked", "address", "phone", "email"),
    bin=12,
    kato=9,
    oked=5,
)


class ReferenceAdmin(ImportExportModelAdmin):
    import_formats = [CSV, XLSX]
    export_formats = [SafeCSV, SafeXLSX]

    # An import adds and changes rows: it needs both permissions, not just admin access.
    def has_import_permission(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request) -> bool:
        return self.has_view_permission(request)


@admin.display(description=_("name"))
def localised_name(obj) -> str:
    return obj.name


@admin.register(Region)
class RegionAdmin(ReferenceAdmin):
    resource_classes = [RegionResource]
    list_display = ("code", "kato", localised_name, "name_kk", "name_ru")
    search_fields = ("code", "kato", "name_kk", "name_ru", "name_en")
    ordering = ("kato",)


@admin.register(Place)
class PlaceAdmin(ReferenceAdmin):
    """The КАТО table: imported from the classifier's file (columns te, ab, cd, ef, hij, k,
    kaz_name, rus_name, nn); region, level and parent follow from the code."""

    resource_classes = [PlaceResource]
    list_display = ("code", localised_name, "name_kk", "name_ru", "level", "region")
    list_filter = ("level", "region")
    list_select_related = ("region",)
    search_fields = ("code", "name_kk", "name_ru")
    readonly_fields = ("region", "level", "parent_code")
    fields = ("code", "name_kk", "name_ru", "name_en", "kind", "region", "level", "parent_code")
    ordering = ("code",)
    list_per_page = 100

    def get_readonly_fields(self, request, obj=None):
        # The code is the place's identity: a new code is a new place.
        return (*self.readonly_fields, "code") if obj is not None else self.readonly_fields


@admin.register(OkedSection)
class OkedSectionAdmin(ReferenceAdmin):
    resource_classes = [OkedSectionResource]
    list_display = ("code", localised_name)
    search_fields = ("code", "name_kk", "name_ru", "name_en")


@admin.register(OkedCode)
class OkedCodeAdmin(ReferenceAdmin):
    resource_classes = [OkedCodeResource]
    list_display = ("code", localised_name, "section", "risk_class")
    list_filter = ("section", "risk_class")
    list_select_related = ("section",)
    search_fields = ("code", "name_kk", "name_ru", "name_en")
    autocomplete_fields = ("section",)


@admin.register(MciRate)
class MciRateAdmin(ReferenceAdmin):
    resource_classes = [MciRateResource]
    list_display = ("year", "amount_kzt")


@admin.register(KnpCode)
class KnpCodeAdmin(ReferenceAdmin):
    resource_classes = [KnpCodeResource]
    list_display = ("code", localised_name, "gives_cover", "cover_start")
    list_filter = ("gives_cover", "cover_start")
    search_fields = ("code", "name_kk", "name_ru", "name_en")


@admin.register(DayOffTransfer)
class DayOffTransferAdmin(ReferenceAdmin):
    resource_classes = [DayOffTransferResource]
    list_display = ("date", "weekday", "kind", "package_says", "basis")
    list_filter = ("kind",)
    date_hierarchy = "date"
    search_fields = ("basis",)

    @admin.display(description=_("weekday"))
    def weekday(self, obj: DayOffTransfer) -> str:
        return date_format(obj.date, "l")

    @admin.display(description=_("calendar without this row"))
    def package_says(self, obj: DayOffTransfer) -> str:
        if package_is_working_day(obj.date):
            return DayOffTransfer.Kind.WORKING_DAY.label
        return DayOffTransfer.Kind.DAY_OFF.label


@admin.register(Organisation)
class OrganisationAdmin(ReferenceAdmin):
    resource_classes = [OrganisationResource]
    list_display = ("name", "bin", "kind", "region", "oked")
    list_filter = ("kind", "region")
    list_select_related = ("region",)
    search_fields = ("bin", "name")
    autocomplete_fields = ("region",)
    readonly_fields = ("created_at", "updated_at")


class UserProfileInline(admin.StackedInline):
    model = UserProfile
    can_delete = False
    max_num = 1
    fk_name = "user"
    verbose_name_plural = _("profile")
    autocomplete_fields = ("region", "organisation")


User = get_user_model()
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [UserProfileInline]
    list_display = ("username", "email", "role", "is_active", "is_staff", "last_login")
    list_filter = ("profile__role", "is_staff", "is_superuser", "is_active")
    list_select_related = ("profile",)

    @admin.display(description=_("role"), ordering="profile__role")
    def role(self, obj) -> str:
        profile = getattr(obj, "profile", None)
        return profile.get_role_display() if profile else ""


from core.feeds import admin as feeds_admin  # noqa: E402,F401
