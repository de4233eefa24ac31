"""Demo data: IINs and BINs with valid check digits, and realistic names.

Used by the demo seeders and the benchmark data generator. Every number is
made up; pass a seeded ``random.Random`` for reproducible data.
"""

from __future__ import annotations

import datetime as dt
import random

from core.validators import check_digit

MALE = "M"
FEMALE = "F"

# BIN type digit (5th digit).
BIN_RESIDENT_LEGAL_ENTITY = "4"
BIN_NON_RESIDENT_LEGAL_ENTITY = "5"
BIN_INDIVIDUAL_ENTREPRENEUR = "6"
# BIN attribute digit (6th digit).
BIN_HEAD_OFFICE = "0"
BIN_BRANCH = "1"
BIN_REPRESENTATIVE_OFFICE = "2"
BIN_PEASANT_FARM = "3"


def _sex(sex: str) -> str:
    letter = str(sex).strip()[:1].upper()
    if letter not in (MALE, FEMALE):
        raise ValueError("sex must be 'M' or 'F'")
    return letter


def _complete(first_eleven: str) -> str | None:
    digit = check_digit(first_eleven)
    return None if digit is None else first_eleven + str(digit)


def century_sex_digit(birth_date: dt.date, sex: str) -> str:
    """The 7th IIN digit: 1/2 for the 19th century, 3/4 for the 20th, 5/6 for the 21st."""
    century = birth_date.year // 100
    if century not in (18, 19, 20):
        raise ValueError("birth year must be 1800-2099")
    base = {18: 1, 19: 3, 20: 5}[century]
    return str(base + (0 if _sex(sex) == MALE else 1))


def valid_iin(birth_date: dt.date, sex: str, rng: random.Random) -> str:
    """A made-up IIN for a person born on ``birth_date`` of ``sex`` ("M" or "F")."""
    prefix = birth_date.strftime("%y%m%d") + century_sex_digit(birth_date, sex)
    while True:
        number = _complete(prefix + f"{rng.randrange(10_000):04d}")
        if number is not None:
            return number


def valid_bin(
    year: int,
    month: int,
    rng: random.Random,
    kind: str = BIN_RESIDENT_LEGAL_ENTITY,
    *,
    attribute: str = BIN_HEAD_OFFICE,
) -> str:
    """A made-up BIN registered in ``month`` of ``year``; ``kind`` is the type digit."""
    if not 1 <= month <= 12:
        raise ValueError("month must be 1-12")
    if kind not in (
        BIN_RESIDENT_LEGAL_ENTITY,
        BIN_NON_RESIDENT_LEGAL_ENTITY,
        BIN_INDIVIDUAL_ENTREPRENEUR,
    ):
        raise ValueError("kind must be '4', '5' or '6'")
    if attribute not in "0123" or len(attribute) != 1:
        raise ValueError("attribute must be '0', '1', '2' or '3'")
    prefix = f"{year % 100:02d}{month:02d}{kind}{attribute}"
    while True:
        number = _complete(prefix + f"{rng.randrange(100_000):05d}")
        if number is not None:
            return number


def random_birth_date(rng: random.Random, *, oldest: int = 1960, youngest: int = 2005) -> dt.date:
    start = dt.date(oldest, 1, 1).toordinal()
    end = dt.date(youngest, 12, 31).toordinal()
    return dt.date.fromordinal(rng.randint(start, end))


def random_sex(rng: random.Random) -> str:
    return rng.choice((MALE, FEMALE))


# Surnames as (male, female).
KAZAKH_SURNAMES = [
    ("Ахметов", "Ахметова"),
    ("Абдрахманов", "Абдрахманова"),
    ("Байжанов", "Байжанова"),
    ("Бекмуханов", "Бекмуханова"),
    ("Джаксыбеков", "Джаксыбекова"),
    ("Ермеков", "Ермекова"),
    ("Есенов", "Есенова"),
    ("Жумабаев", "Жумабаева"),
    ("Жакупов", "Жакупова"),
    ("Исмаилов", "Исмаилова"),
    ("Касымов", "Касымова"),
    ("Кенжебаев", "Кенжебаева"),
    ("Мукашев", "Мукашева"),
    ("Нурланов", "Нурланова"),
    ("Оспанов", "Оспанова"),
    ("Сагинтаев", "Сагинтаева"),
    ("Сейткали", "Сейткали"),
    ("Смагулов", "Смагулова"),
    ("Тулегенов", "Тулегенова"),
    ("Утепов", "Утепова"),
    ("Шарипов", "Шарипова"),
    ("Ыскаков", "Ыскакова"),
]
RUSSIAN_SURNAMES = [
    ("Иванов", "Иванова"),
    ("Петров", "Петрова"),
    ("Смирнов", "Смирнова"),
    ("Кузнецов", "Кузнецова"),
    ("Попов", "Попова"),
    ("Васильев", "Васильева"),
    ("Соколов", "Соколова"),
    ("Михайлов", "Михайлова"),
    ("Новиков", "Новикова"),
    ("Фёдоров", "Фёдорова"),
    ("Морозов", "Морозова"),
    ("Волков", "Волкова"),
    ("Лебедев", "Лебедева"),
    ("Козлов", "Козлова"),
    ("Белоусов", "Белоусова"),
    ("Ковалёв", "Ковалёва"),
    ("Ткаченко", "Ткаченко"),
    ("Шевченко", "Шевченко"),
    ("Ким", "Ким"),
    ("Пак", "Пак"),
]
KAZAKH_MALE_NAMES = [
    "Айбек", "Арман", "Асхат", "Бауыржан", "Дамир", "Даулет", "Ерлан", "Ержан",
    "Жандос", "Кайрат", "Мурат", "Нурлан", "Нурсултан", "Серик", "Талгат", "Тимур",
    "Ерболат", "Асылбек", "Бекзат", "Алихан",
]  # fmt: skip
KAZAKH_FEMALE_NAMES = [
    "Айгерим", "Айжан", "Алия", "Асель", "Гульнара", "Дана", "Динара", "Жанар",
    "Жансая", "Камила", "Мадина", "Меруерт", "Назерке", "Салтанат", "Сауле", "Томирис",
    "Улжан", "Аружан", "Айым", "Гульмира",
]  # fmt: skip
RUSSIAN_MALE_NAMES = [
    "Александр", "Алексей", "Андрей", "Владимир", "Дмитрий", "Евгений", "Иван",
    "Игорь", "Максим", "Михаил", "Николай", "Олег", "Сергей", "Юрий", "Виктор",
]  # fmt: skip
RUSSIAN_FEMALE_NAMES = [
    "Анна", "Валентина", "Галина", "Екатерина", "Елена", "Ирина", "Наталья",
    "Ольга", "Светлана", "Татьяна", "Юлия", "Мария", "Людмила", "Оксана", "Вера",
]  # fmt: skip
# Patronymics as (male, female), from fathers' names.
KAZAKH_PATRONYMICS = [
    ("Серикович", "Сериковна"),
    ("Нурланович", "Нурлановна"),
    ("Ерланович", "Ерлановна"),
    ("Кайратович", "Кайратовна"),
    ("Муратович", "Муратовна"),
    ("Болатович", "Болатовна"),
    ("Маратович", "Маратовна"),
    ("Бахытжанович", "Бахытжановна"),
    ("Амангельдиевич", "Амангельдиевна"),
    ("Талгатович", "Талгатовна"),
    ("Жанатович", "Жанатовна"),
    ("Галымович", "Галымовна"),
]
RUSSIAN_PATRONYMICS = [
    ("Александрович", "Александровна"),
    ("Алексеевич", "Алексеевна"),
    ("Владимирович", "Владимировна"),
    ("Викторович", "Викторовна"),
    ("Дмитриевич", "Дмитриевна"),
    ("Иванович", "Ивановна"),
    ("Николаевич", "Николаевна"),
    ("Петрович", "Петровна"),
    ("Сергеевич", "Сергеевна"),
    ("Юрьевич", "Юрьевна"),
]

COMPANY_LEGAL_FORMS = ["ТОО", "АО", "ТОО", "ТОО", "ИП", "ПК", "ГКП на ПХВ"]
COMPANY_NAME_WORDS = [
    "Астана", "Алатау", "Арай", "Атамекен", "Байтерек", "Барыс", "Береке", "Жетысу",
    "Казына", "Каспий", "Кен", "Нур", "Сарыарка", "Темир", "Тулпар", "Умай", "Шанырак",
    "Ертис", "Есиль", "Мунай", "Актау", "Алтын", "Болашак", "Достык", "Кайнар",
]  # fmt: skip
COMPANY_NAME_SUFFIXES = [
    "Строй", "Транс", "Сервис", "Энерго", "Агро", "Пром", "Металл", "Ойл",
    "Логистик", "Инвест", "Мед", "Газ", "Курылыс", "Тех", "Снаб",
]  # fmt: skip
COMPANY_NAME_TAILS = ["", "", "", " Group", " KZ", " Kazakhstan", "-2000", " Холдинг"]
INSURER_NAME_WORDS = ["Береке", "Тулпар", "Шанырак", "Болашак", "Умай", "Кайнар", "Барыс"]


def person_name(sex: str, rng: random.Random) -> tuple[str, str, str]:
    """(last, first, middle) names, Kazakh about two times out of three."""
    female = _sex(sex) == FEMALE
    if rng.random() < 0.65:
        surnames, patronymics = KAZAKH_SURNAMES, KAZAKH_PATRONYMICS
        given = KAZAKH_FEMALE_NAMES if female else KAZAKH_MALE_NAMES
    else:
        surnames, patronymics = RUSSIAN_SURNAMES, RUSSIAN_PATRONYMICS
        given = RUSSIAN_FEMALE_NAMES if female else RUSSIAN_MALE_NAMES
    last = rng.choice(surnames)[female]
    middle = rng.choice(patronymics)[female] if rng.random() < 0.9 else ""
    return last, rng.choice(given), middle


def company_name(rng: random.Random, *, legal_form: str | None = None) -> str:
    """A company name such as 'ТОО «КаспийСтрой»'."""
    form = legal_form or rng.choice(COMPANY_LEGAL_FORMS)
    core = rng.choice(COMPANY_NAME_WORDS)
    if rng.random() < 0.7:
        core += rng.choice(COMPANY_NAME_SUFFIXES)
    return f"{form} «{core}{rng.choice(COMPANY_NAME_TAILS)}»"


def insurer_name(rng: random.Random) -> str:
    """A life-insurer name such as 'АО «Компания по страхованию жизни «Береке Life»»'."""
    return f"АО «Компания по страхованию жизни «{rng.choice(INSURER_NAME_WORDS)} Life»»"
