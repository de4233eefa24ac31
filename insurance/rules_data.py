"""Seed 001's rules as data: loaded by migration 0002 and again after a flush."""

import datetime

SEED_001 = {
    "code": "seed-001",
    "title": "Қызметкерді жазатайым оқиғалардан ерікті сақтандыру қағидалары / "
    "Правила добровольного страхования работника от несчастных случаев",
    "insurer_name": "«Мемлекеттік аннуитеттік компания» өмірді сақтандыру компаниясы» АҚ",
    "effective_from": datetime.date(2020, 1, 1),
    "degree_min_percent": 5,  # cl. 3.6-3.8
    "degree_max_percent": 29,
    "notice_working_days": 3,  # cl. 25.4
    "decision_working_days": 7,  # cl. 23.4, 46
    "reimbursement_working_days": 7,  # cl. 34
    "expenses_cap_mci": 250,  # cl. 35
    "annuity_conclusion_working_days": 7,  # cl. 25.15
    "first_annuity_payment_working_days": 15,  # cl. 32
    "default_term_months": 12,  # cl. 12
}


def ensure_seed_rules(rules_model) -> None:
    values = dict(SEED_001)
    rules_model.objects.get_or_create(code=values.pop("code"), defaults=values)
