import pytest

from core.models import Region


@pytest.mark.django_db
def test_twenty_regions_loaded_in_kato_order():
    regions = list(Region.objects.values_list("kato", flat=True))
    assert len(regions) == 20
    assert regions == sorted(regions)
    assert regions[0] == "100000000" and regions[-1] == "790000000"
