"""The roster's columns and the words people type in them.

Header names and accepted words live in locales/ (roster.ftl) in both languages; an import
accepts either language's headers and words, whatever language the admin uses.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from db.models.enums import Gender, GuardianRelation
from locales import LANGUAGES, Translator, get_translator


@dataclass(frozen=True)
class Column:
    key: str
    kind: str  # text | grade | student_number | phone | date | gender | relation | yes_no
    required: bool = False
    max_length: int = 100
    width: int = 12

    @property
    def locale_key(self) -> str:
        return "roster-col-" + self.key.replace("_", "-")


def _guardian(n: int) -> list[Column]:
    return [
        Column(f"guardian{n}_name", "text", width=12),
        Column(f"guardian{n}_relation", "relation", width=10),
        Column(f"guardian{n}_phone", "phone", width=15),
        Column(f"guardian{n}_proxy", "yes_no", width=10),
    ]


def _away(parent: str) -> list[Column]:
    return [
        Column(f"{parent}_away", "yes_no", width=10),
        Column(f"{parent}_name", "text", width=12),
        Column(f"{parent}_phone", "phone", width=15),
        Column(f"{parent}_work_place", "text", max_length=200, width=20),
    ]


COLUMNS: tuple[Column, ...] = (
    Column("grade", "grade", required=True, width=8),
    Column("class_name", "text", required=True, max_length=50, width=8),
    Column("student_number", "student_number", required=True, max_length=32, width=22),
    Column("name", "text", required=True, width=10),
    Column("gender", "gender", width=8),
    Column("birth_date", "date", width=12),
    Column("home_address", "text", max_length=200, width=24),
    Column("left_behind", "yes_no", width=10),
    Column("migrant", "yes_no", width=10),
    Column("disabled", "yes_no", width=10),
    Column("hardship", "yes_no", width=10),
    Column("boarding", "yes_no", width=10),
    Column("head_teacher_name", "text", width=12),
    Column("head_teacher_phone", "phone", width=15),
    *_guardian(1),
    *_guardian(2),
    *_away("father"),
    *_away("mother"),
)
BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
REQUIRED: tuple[Column, ...] = tuple(c for c in COLUMNS if c.required)
TEXT_COLUMNS = frozenset(c.key for c in COLUMNS if c.kind in {"student_number", "phone"})

GUARDIAN_FIELDS = ("name", "relation", "phone", "proxy")
AWAY_FIELDS = ("name", "phone", "work_place")

# Locale keys holding comma-separated words, and what each word means.
_WORDS: dict[str, tuple[str, object]] = {
    "roster-words-yes": ("yes_no", True),
    "roster-words-no": ("yes_no", False),
    "roster-words-male": ("gender", Gender.MALE),
    "roster-words-female": ("gender", Gender.FEMALE),
    "roster-words-grade": ("grade_word", True),
    **{
        "roster-words-relation-" + r.value: ("relation", r)
        for r in GuardianRelation
    },
}

_BRACKETS = re.compile(r"\(.*\)$")


def normalize_header(text: str) -> str:
    """'监护人1电话 *', 'Guardian 1 phone (mobile)' → comparable keys."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = text.replace("*", "").strip()
    text = _BRACKETS.sub("", text)
    return "".join(text.split())


def normalize_word(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).strip().lower().split())


@dataclass(frozen=True)
class Vocabulary:
    headers: dict[str, str]  # normalised header text → column key
    words: dict[str, dict[str, object]]  # kind → normalised word → value


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    translator = get_translator()
    return build_vocabulary(translator)


def build_vocabulary(translator: Translator) -> Vocabulary:
    headers: dict[str, str] = {}
    words: dict[str, dict[str, object]] = {
        "yes_no": {}, "gender": {}, "relation": {}, "grade_word": {},
    }
    for language in LANGUAGES:
        for column in COLUMNS:
            headers[normalize_header(translator.get(column.locale_key, language))] = column.key
        for key, (kind, value) in _WORDS.items():
            for word in translator.get(key, language).split(","):
                word = normalize_word(word)
                if word:
                    words[kind][word] = value
    return Vocabulary(headers=headers, words=words)


def header(column: Column, t_language: str) -> str:
    return get_translator().get(column.locale_key, t_language)
