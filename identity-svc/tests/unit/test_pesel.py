"""PESEL validation through python-stdnum: checksum, century encoding, impossible dates, birth date and sex."""

from __future__ import annotations

from datetime import date

import pytest

from glos_chassis.errors import Problem
from glos_testing import make_pesel
from identity_svc.personal_data import age_on, parse_pesel

VALID = [
    ("44051401359", date(1944, 5, 14), "M"),            # the textbook example
    (make_pesel(1899, 12, 31, 1231), date(1899, 12, 31), "M"),  # 1800s: month + 80
    (make_pesel(2004, 2, 29, 5671), date(2004, 2, 29), "M"),    # 2000s: month + 20, a leap day
    (make_pesel(2005, 7, 1, 1244), date(2005, 7, 1), "F"),      # the 10th digit even: female
    (make_pesel(2101, 1, 15, 4321), date(2101, 1, 15), "M"),    # 2100s: month + 40
]


@pytest.mark.parametrize("number,birth,sex", VALID)
def test_valid_numbers_give_birth_date_and_sex(number, birth, sex):
    parsed = parse_pesel(number)
    assert (parsed.number, parsed.birth_date, parsed.sex) == (number, birth, sex)


def _reason(number: str) -> str:
    with pytest.raises(Problem) as caught:
        parse_pesel(number)
    assert caught.value.status == 422
    assert caught.value.errors[0]["field"] == "pesel"
    return caught.value.errors[0]["message_en"]


def test_a_wrong_check_digit():
    assert "check digit" in _reason("44051401358")


def test_a_valid_checksum_with_an_impossible_date():
    # 30 February 1999, with the check digit computed correctly
    digits = "9902301234"
    check = (10 - sum(int(d) * w for d, w in zip(digits, (1, 3, 7, 9, 1, 3, 7, 9, 1, 3))) % 10) % 10
    assert "impossible birth date" in _reason(digits + str(check))


def test_not_a_leap_year():
    assert "impossible birth date" in _reason(make_pesel(2001, 2, 29))


@pytest.mark.parametrize("number,reason", [("4405140135", "11 digits"), ("4405140135X", "digits only"),
                                           ("", "digits only")])
def test_format_and_length(number, reason):
    assert reason in _reason(number)


def test_age_on_the_voting_day():
    assert age_on(date(2011, 6, 1), date(2027, 5, 31)) == 15
    assert age_on(date(2011, 6, 1), date(2027, 6, 1)) == 16
