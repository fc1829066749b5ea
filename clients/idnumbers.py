"""Resident identity numbers (公民身份号码, GB 11643-1999).

18 characters: a 6-digit area code, the birth date YYYYMMDD, a 3-digit sequence number (odd
for men, even for women) and an ISO 7064 MOD 11-2 check character (0-9 or X). The legacy
15-digit form (YYMMDD, no check character, all born 19xx) is converted to 18 digits.
Residence permits of Hong Kong, Macao and Taiwan residents (港澳台居民居住证, area codes
810000 / 820000 / 830000) use the same layout and the same check.
"""

import datetime
import random
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# First two digits of the province-level divisions (GB/T 2260), plus 81/82/83 permits.
PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82", "83",
})
EARLIEST_BIRTH = datetime.date(1890, 1, 1)


def check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def _clean_text(raw) -> str:
    # Full-width digits and letters (１２３Ｘ) become ASCII; spaces and dashes typed or pasted
    # from spreadsheets go; the check letter is upper case.
    text = unicodedata.normalize("NFKC", str(raw or ""))
    return "".join(ch for ch in text if not ch.isspace() and ch != "-").upper()


def _birth_date(number: str):
    try:
        return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def normalise(raw, *, today=None) -> str:
    """The canonical 18-character form of ``raw``, or ValidationError with a message saying
    what is wrong (length, characters, area, birth date, check digit)."""
    number = _clean_text(raw)
    if not number:
        raise ValidationError(_("Enter an ID number."), code="required")
    if len(number) == 15:
        if not number.isdigit():
            raise ValidationError(_("A 15-digit ID number has digits only."), code="characters")
        number = number[:6] + "19" + number[6:]
        number += check_char(number)
    if len(number) != 18:
        raise ValidationError(
            _("An ID number has 18 characters (or 15 in the old form); this one has %(count)d."),
            code="length", params={"count": len(number)},
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("An ID number has 17 digits followed by a digit or X."), code="characters")
    if number[:2] not in PROVINCES:
        raise ValidationError(_("The ID number does not start with a valid area code."), code="area")
    born = _birth_date(number)
    today = today or datetime.date.today()
    if born is None or born < EARLIEST_BIRTH or born > today:
        raise ValidationError(_("The ID number contains an impossible date of birth."), code="birth_date")
    if check_char(number[:17]) != number[17]:
        raise ValidationError(_("The ID number's check digit is wrong: check it for a typing mistake."),
                              code="checksum")
    return number


def is_valid(raw) -> bool:
    try:
        normalise(raw)
    except ValidationError:
        return False
    return True


def birth_date(number: str) -> datetime.date:
    """The birth date of a normalised number."""
    return _birth_date(number)


def gender(number: str) -> str:
    """"M" or "F" (clients.choices.Gender) from the sequence number's parity."""
    return "M" if int(number[16]) % 2 else "F"


def mask(number: str) -> str:
    """410621************: only the area code stays readable.

    Birth date, sequence and check character are all hidden: a mask that hid only the birth
    digits gave the number back to anyone who also saw the birth date (issue 21)."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 6)


def generate(rng: random.Random, *, born: datetime.date, male: bool, area: str = "410621") -> str:
    """A valid number for demo data and tests (never a real person's: the sequence is random)."""
    sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)
