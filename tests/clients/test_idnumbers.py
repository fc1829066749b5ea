"""GB 11643 test vectors: valid, bad check digit, lower-case x, full-width, 15-digit, dates, permits."""

import datetime
import random

import pytest
from django.core.exceptions import ValidationError

from clients import idnumbers

VALID = [
    "11010519491231002X",  # the standard's own example
    "440307198001010016",
    "41062120000229002X",  # 29 February of a leap year
    "810000199001010019",  # Hong Kong residents' residence permit
    "82000020000229003X",  # Macao
    "830000199001010020",  # Taiwan
]


@pytest.mark.parametrize("number", VALID)
def test_valid_numbers_pass_unchanged(number):
    assert idnumbers.normalise(number) == number


@pytest.mark.parametrize("raw, expected", [
    ("11010519491231002x", "11010519491231002X"),  # lower-case x
    ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),  # full-width
    (" 110105 19491231 002X ", "11010519491231002X"),  # pasted with spaces
    ("110105491231002", "11010519491231002X"),  # legacy 15-digit form
])
def test_normalisation(raw, expected):
    assert idnumbers.normalise(raw) == expected


@pytest.mark.parametrize("raw, code", [
    ("110105194912310021", "checksum"),
    ("440307198001010017", "checksum"),
    ("410621190002290026", "birth_date"),  # 1900 was not a leap year
    ("410621199013010010", "birth_date"),  # month 13
    ("410621199002300010", "birth_date"),  # 30 February
    ("410621209901010010", "birth_date"),  # in the future
    ("99062119900101001X", "area"),
    ("41062119900101001", "length"),
    ("4106211990010100AB", "characters"),
    ("11010549123100A", "characters"),
    ("", "required"),
])
def test_invalid_numbers_say_why(raw, code):
    with pytest.raises(ValidationError) as error:
        idnumbers.normalise(raw)
    assert error.value.code == code


def test_check_digit_message_is_in_chinese():
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        idnumbers.normalise("110105194912310021")
    assert "校验" in error.value.messages[0]


def test_gender_and_birth_date_come_from_the_number():
    assert idnumbers.gender("11010519491231002X") == "F"
    assert idnumbers.gender("440307198001010016") == "M"
    assert idnumbers.birth_date("11010519491231002X") == datetime.date(1949, 12, 31)


def test_mask_keeps_area_and_last_four():
    assert idnumbers.mask("41062119900101123X") == "410621************"


def test_generated_numbers_are_valid_and_fit_the_request():
    rng = random.Random(1)
    for _ in range(200):
        born = datetime.date(1935, 1, 1) + datetime.timedelta(days=rng.randrange(30000))
        male = rng.random() < 0.5
        number = idnumbers.generate(rng, born=born, male=male)
        assert idnumbers.normalise(number) == number
        assert idnumbers.birth_date(number) == born
        assert idnumbers.gender(number) == ("M" if male else "F")
