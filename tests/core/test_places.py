"""The КАТО place table: import in the classifier's layout, names for codes, the picker's search."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from core.models import Place, Role
from core.places import import_kato_file, place_names

DATA = Path(__file__).parent / "data"


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(Role.ADMIN))
    return client


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (DATA / name).read_bytes())


def admin_import(client, name: str):
    fmt = "1" if name.endswith(".xlsx") else "0"
    return client.post(
        reverse("admin:core_place_import"), {"format": fmt, "import_file": upload(name)}
    )


@pytest.mark.django_db
def test_the_regions_are_places_from_the_start():
    regions = Place.objects.filter(level=Place.Level.REGION)
    assert regions.count() == 20
    assert regions.get(code="750000000").name_ru == "город Алматы"


@pytest.mark.django_db
def test_admin_imports_the_classifiers_xlsx_deriving_region_level_and_parent(admin_client):
    response = admin_import(admin_client, "kato_sample.xlsx")
    assert response.status_code == 200
    assert not response.context["result"].has_validation_errors()
    confirm = response.context["confirm_form"]
    assert not Place.objects.filter(code="353230100").exists()  # a dry run first

    response = admin_client.post(
        reverse("admin:core_place_process_import"),
        {name: confirm.initial.get(name, "") for name in confirm.fields},
    )

    assert response.status_code == 302
    village = Place.objects.get(code="353230100")
    assert (village.name_kk, village.name_ru) == ("Үштөбе а.", "с.Уштобе")
    assert (village.region_id, village.level, village.parent_code) == ("35", 4, "353230000")
    assert village.kind == "4"
    city = Place.objects.get(code="351010000")  # te held as a number by the spreadsheet
    assert (city.level, city.parent_code) == (3, "351000000")
    assert Place.objects.get(code="353200000").parent_code == "350000000"
    assert Place.objects.get(code="751110000").region_id == "75"


@pytest.mark.django_db
def test_a_bad_code_is_a_row_error_naming_column_te_and_nothing_is_written(admin_client):
    response = admin_import(admin_client, "kato_bad_code.csv")

    result = response.context["result"]
    assert result.has_validation_errors()
    assert "confirm_form" not in response.context
    page = response.content.decode()
    assert "Column te: a КАТО code has 9 digits, not “35101000”." in page
    assert not Place.objects.filter(code="351010000").exists()  # the good row neither


@pytest.mark.django_db
def test_a_code_part_that_disagrees_with_te_is_an_error_naming_that_column():
    with pytest.raises(Exception) as caught:
        import_kato_file(DATA / "kato_parts_disagree.csv")

    assert "Column cd is “33” but digits 3-4 of te are “32”." in str(caught.value)
    assert not Place.objects.filter(code__in=["353200000", "353230000"]).exists()


@pytest.mark.django_db
def test_a_code_outside_the_known_regions_is_refused_in_russian(admin_client):
    with translation.override("ru"):
        response = admin_client.post(
            reverse("admin:core_place_import"),
            {"format": "0", "import_file": upload("kato_unknown_region.csv")},
            HTTP_ACCEPT_LANGUAGE="ru",
        )

    assert response.context["result"].has_validation_errors()
    assert "Первые две цифры кода КАТО (99) не относятся ни к одному известному региону." in (
        response.content.decode()
    )
    assert not Place.objects.filter(code="991010000").exists()


@pytest.mark.django_db
def test_the_export_is_in_the_classifiers_layout_and_imports_again(admin_client):
    import_kato_file(DATA / "kato_sample.xlsx")
    fields = {f"placeresource_{name}": "on" for name in ("code", "name_kk", "name_ru", "kind")}
    response = admin_client.post(reverse("admin:core_place_export"), {"format": "0", **fields})

    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "te,ab,cd,ef,hij,k,kaz_name,rus_name,nn"
    assert "353230100,35,32,30,100,4,Үштөбе а.,с.Уштобе," in lines


@pytest.mark.django_db
def test_admin_finds_places_by_kazakh_and_russian_name(admin_client):
    import_kato_file(DATA / "kato_sample.xlsx")
    url = reverse("admin:core_place_changelist")

    by_kk = admin_client.get(url, {"q": "Үштөбе"}).context["cl"].result_list
    by_ru = admin_client.get(url, {"q": "Уштобе"}).context["cl"].result_list

    assert [p.code for p in by_kk] == [p.code for p in by_ru] == ["353230100"]


@pytest.mark.django_db
def test_place_names_are_in_the_users_language_with_the_nearest_known_place_above(
    django_assert_num_queries,
):
    import_kato_file(DATA / "kato_sample.xlsx")
    codes = ["353230100", "353230199", "750000000", "991010000", None]

    with translation.override("ru"), django_assert_num_queries(1):
        names = place_names(codes)

    assert names == {
        "353230100": "с.Уштобе",
        "353230199": "поселок Ботакара",  # not in the table: the rural district above
        "750000000": "город Алматы",
    }
    with translation.override("kk"):
        assert place_names(["353230100"]) == {"353230100": "Үштөбе а."}


@pytest.mark.django_db
def test_place_search_finds_by_name_or_code_for_a_logged_in_user(client, make_user):
    import_kato_file(DATA / "kato_sample.xlsx")
    url = reverse("place-search")
    assert client.get(url, {"q": "Уштобе"}).status_code == 302  # login first

    client.force_login(make_user(Role.INSPECTOR, region="35"))
    by_name = client.get(url, {"q": "уштобе"}, HTTP_ACCEPT_LANGUAGE="ru").json()
    by_code = client.get(url, {"q": "3532"}, HTTP_ACCEPT_LANGUAGE="kk").json()

    assert by_name == {"results": [{"code": "353230100", "name": "с.Уштобе"}]}
    assert [p["code"] for p in by_code["results"]] == ["353200000", "353230000", "353230100"]
    assert by_code["results"][0]["name"] == "Бұқар жырау ауданы"


@pytest.mark.django_db
def test_the_demo_loads_regions_and_regional_centres_in_the_classifiers_layout():
    from core.places import seed_places_demo

    summary = seed_places_demo(rng=None, today=None, users={})

    assert "КАТО" in summary
    assert Place.objects.filter(level=1).count() == 20
    assert Place.objects.get(code="351010000").name_ru == "г.Караганда"
    assert Place.objects.filter(level__gt=1).count() >= 20


@pytest.mark.django_db
def test_a_places_code_cannot_be_changed_in_the_admin_only_its_names(admin_client):
    page = admin_client.get(reverse("admin:core_place_change", args=["750000000"])).content
    html = page.decode()

    assert 'name="code"' not in html
    assert 'name="name_kk"' in html and 'name="name_ru"' in html
