"""Demo-data generators: every IIN and BIN they make must pass the validator,
and their digits must say what was asked (reference/README.md, "IIN and BIN")."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from core import demo
from core.validators import is_valid_iin_bin, validate_iin_bin


def _both_remainders_ten(first_eleven: str) -> bool:
    digits = [int(c) for c in first_eleven]
    first = sum(d * w for d, w in zip(digits, range(1, 12), strict=True)) % 11
    second = sum(d * w for d, w in zip(digits, [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2], strict=True))
    return first == 10 and second % 11 == 10


def test_every_generated_iin_validates_and_encodes_birth_date_and_sex():
    rng = random.Random(20250321)
    for _ in range(3000):
        birth = demo.random_birth_date(rng, oldest=1890, youngest=2024)
        sex = demo.random_sex(rng)
        iin = demo.valid_iin(birth, sex, rng)
        validate_iin_bin(iin)
        assert is_valid_iin_bin(iin)
        assert iin[:6] == birth.strftime("%y%m%d")
        century = {18: "12", 19: "34", 20: "56"}[birth.year // 100]
        assert iin[6] == century[0 if sex == demo.MALE else 1]


@pytest.mark.parametrize(
    ("birth", "sex", "digit"),
    [
        (dt.date(1899, 12, 31), "M", "1"),
        (dt.date(1899, 12, 31), "F", "2"),
        (dt.date(1985, 3, 15), "M", "3"),
        (dt.date(1985, 3, 15), "female", "4"),
        (dt.date(2004, 2, 29), "male", "5"),
        (dt.date(2004, 2, 29), "F", "6"),
    ],
)
def test_iin_seventh_digit_is_century_and_sex(birth, sex, digit):
    iin = demo.valid_iin(birth, sex, random.Random(1))
    assert iin[6] == digit
    assert is_valid_iin_bin(iin)


def test_iin_generator_retries_when_both_remainders_are_ten():
    # Among a few thousand serials of one birth date some have no valid check
    # digit; the generator never returns one of them.
    birth, rng = dt.date(1985, 3, 15), random.Random(7)
    impossible = [
        s
        for s in range(10_000)
        if _both_remainders_ten(birth.strftime("%y%m%d") + "3" + f"{s:04d}")
    ]
    assert impossible, "the rule leaves some serials without a check digit"
    for _ in range(2000):
        iin = demo.valid_iin(birth, demo.MALE, rng)
        assert int(iin[7:11]) not in impossible
        assert is_valid_iin_bin(iin)


@pytest.mark.parametrize("kind", ["4", "5", "6"])
def test_every_generated_bin_validates_and_encodes_registration_month_and_type(kind):
    rng = random.Random(int(kind))
    for _ in range(1000):
        year, month = rng.randint(1995, 2026), rng.randint(1, 12)
        bin_ = demo.valid_bin(year, month, rng, kind)
        validate_iin_bin(bin_)
        assert bin_[:4] == f"{year % 100:02d}{month:02d}"
        assert bin_[4] == kind
        assert bin_[5] == demo.BIN_HEAD_OFFICE


def test_bin_attribute_digit_can_mark_a_branch():
    bin_ = demo.valid_bin(2012, 7, random.Random(3), attribute=demo.BIN_BRANCH)
    assert bin_[4:6] == "41"
    assert is_valid_iin_bin(bin_)


def test_generators_refuse_impossible_input():
    rng = random.Random(0)
    with pytest.raises(ValueError):
        demo.valid_bin(2020, 13, rng)
    with pytest.raises(ValueError):
        demo.valid_bin(2020, 1, rng, kind="7")
    with pytest.raises(ValueError):
        demo.valid_iin(dt.date(1990, 1, 1), "X", rng)


def test_same_seed_gives_same_numbers():
    birth = dt.date(1990, 6, 1)
    first = [demo.valid_iin(birth, "F", random.Random(42)) for _ in range(3)]
    assert len(set(first)) == 1
    assert demo.valid_bin(2010, 5, random.Random(42)) == demo.valid_bin(2010, 5, random.Random(42))


def test_person_names_follow_sex():
    rng = random.Random(11)
    female_given = set(demo.KAZAKH_FEMALE_NAMES) | set(demo.RUSSIAN_FEMALE_NAMES)
    male_given = set(demo.KAZAKH_MALE_NAMES) | set(demo.RUSSIAN_MALE_NAMES)
    female_last = {f for _, f in demo.KAZAKH_SURNAMES + demo.RUSSIAN_SURNAMES}
    male_last = {m for m, _ in demo.KAZAKH_SURNAMES + demo.RUSSIAN_SURNAMES}
    for _ in range(500):
        last, first, middle = demo.person_name("F", rng)
        assert first in female_given and last in female_last
        assert middle == "" or middle.endswith("вна")
        last, first, middle = demo.person_name("M", rng)
        assert first in male_given and last in male_last
        assert middle == "" or middle.endswith("вич")


def test_company_names_have_a_legal_form_and_quoted_name():
    rng = random.Random(5)
    for _ in range(200):
        name = demo.company_name(rng)
        form, _, rest = name.partition(" «")
        assert form in demo.COMPANY_LEGAL_FORMS
        assert rest.endswith("»") and len(rest) > 2
    assert demo.company_name(rng, legal_form="АО").startswith("АО «")
    assert demo.insurer_name(rng).startswith("АО «")
