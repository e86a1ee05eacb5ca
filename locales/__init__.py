"""Every word a user reads. Fluent files: locales/<language>/*.ftl.

zh_Hans is the default; a key missing in a language falls back to zh_Hans so a user
never sees a raw key (the locale test makes sure that never happens anyway).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource

LOCALES_DIR = Path(__file__).parent
LANGUAGES: tuple[str, ...] = ("zh_Hans", "en")
DEFAULT_LANGUAGE = "zh_Hans"
_FLUENT_LOCALE = {"zh_Hans": "zh-Hans", "en": "en"}

Translate = Callable[..., str]


def ftl_files(language: str) -> list[Path]:
    return sorted((LOCALES_DIR / language).glob("*.ftl"))


class Translator:
    def __init__(self, default: str = DEFAULT_LANGUAGE) -> None:
        if default not in LANGUAGES:
            raise ValueError(f"unknown language {default!r}")
        self.default = default
        self._bundles: dict[str, FluentBundle] = {}
        for language in LANGUAGES:
            bundle = FluentBundle([_FLUENT_LOCALE[language]], use_isolating=False)
            for path in ftl_files(language):
                bundle.add_resource(FluentResource(path.read_text(encoding="utf-8")))
            self._bundles[language] = bundle

    def normalize(self, language: str | None) -> str:
        """Map a stored or Telegram language code (zh-hans, zh, en-US, …) to ours."""
        if not language:
            return self.default
        code = language.replace("-", "_").lower()
        if code.startswith("zh"):
            return "zh_Hans"
        if code.startswith("en"):
            return "en"
        return self.default

    def has(self, key: str, language: str) -> bool:
        return self._bundles[language].has_message(key)

    def get(self, key: str, language: str | None = None, /, **params: Any) -> str:
        language = self.normalize(language) if language not in LANGUAGES else language
        bundle = self._bundles[language]
        if not bundle.has_message(key):
            bundle = self._bundles[DEFAULT_LANGUAGE]
            if not bundle.has_message(key):
                raise KeyError(f"no locale key {key!r}")
        message = bundle.get_message(key)
        params, marks = _mark_long_values(params)
        text, errors = bundle.format_pattern(message.value, params)
        if errors:
            raise errors[0]
        for mark, value in marks.items():
            text = text.replace(mark, value)
        return text

    def bind(self, language: str | None) -> Translate:
        lang = self.normalize(language) if language not in LANGUAGES else language

        def translate(key: str, /, **params: Any) -> str:
            return self.get(key, lang, **params)

        translate.language = lang  # type: ignore[attr-defined]
        return translate


# fluent.runtime refuses a placeable longer than 2,500 characters (resolver.MAX_PART_LENGTH),
# and a class list or a notice can be longer. Long text values go in after formatting, in
# place of a mark that cannot occur in real text (a private-use character pair).
_LONG_VALUE = 200


def _mark_long_values(params: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    marks: dict[str, str] = {}
    if not any(isinstance(v, str) and len(v) > _LONG_VALUE for v in params.values()):
        return params, marks
    safe = dict(params)
    for name, value in params.items():
        if isinstance(value, str) and len(value) > _LONG_VALUE:
            mark = f"\ue000{len(marks)}\ue001"
            marks[mark] = value
            safe[name] = mark
    return safe, marks


@lru_cache(maxsize=4)
def get_translator(default: str = DEFAULT_LANGUAGE) -> Translator:
    return Translator(default)
