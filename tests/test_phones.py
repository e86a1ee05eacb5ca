import pytest

from services.phones import InvalidPhone, mask_phone, normalize_phone


@pytest.mark.parametrize(
    "raw",
    ["+86 138-0013-8000", "0086 13800138000", "138 0013 8000", "13800138000", "8613800138000", "+8613800138000"],
)
def test_the_ways_people_write_one_mobile_number_all_match(raw: str) -> None:
    assert normalize_phone(raw) == "+8613800138000"


@pytest.mark.parametrize("raw", ["", "abc", "12345", "138001380001234"])
def test_nonsense_is_refused(raw: str) -> None:
    with pytest.raises(InvalidPhone):
        normalize_phone(raw)


def test_mask_keeps_only_the_ends() -> None:
    assert mask_phone("+8613800138000") == "+86138****8000"
