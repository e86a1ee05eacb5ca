"""Phone numbers as the roster and Telegram write them, reduced to one form (E.164)."""

from __future__ import annotations

import phonenumbers


class InvalidPhone(ValueError):
    pass


def normalize_phone(raw: str, region: str = "CN") -> str:
    """'+86 138-0013-8000', '0086 13800138000', '138 0013 8000' → '+8613800138000'.

    Telegram sends contacts without '+' ('8613800138000'); that is accepted too.
    """
    text = (raw or "").strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if not digits:
        raise InvalidPhone(raw)
    if not text.startswith("+"):
        if digits.startswith("00"):
            text = "+" + digits[2:]
        elif digits.startswith("86") and len(digits) == 13:
            text = "+" + digits
        else:
            text = digits
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(raw) from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(phone: str) -> str:
    """For messages that must hint at a number without showing it: +86138****8000."""
    return phone[:-8] + "****" + phone[-4:] if len(phone) > 8 else "****"
