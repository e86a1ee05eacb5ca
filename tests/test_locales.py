"""Every key exists in every language with the same placeholders, and no user-facing
literal hides in the Python code."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from fluent.syntax import FluentParser
from fluent.syntax import ast as fast
from fluent.syntax.visitor import Visitor

from locales import DEFAULT_LANGUAGE, LANGUAGES, Translator, ftl_files

ROOT = Path(__file__).resolve().parents[1]


class _Vars(Visitor):
    def __init__(self) -> None:
        self.names: set[str] = set()
        self.messages: set[str] = set()

    def visit_VariableReference(self, node: fast.VariableReference) -> None:
        self.names.add(node.id.name)

    def visit_MessageReference(self, node: fast.MessageReference) -> None:
        self.messages.add(node.id.name)


def _entries(language: str) -> dict[str, fast.Message]:
    entries: dict[str, fast.Message] = {}
    for path in ftl_files(language):
        resource = FluentParser().parse(path.read_text(encoding="utf-8"))
        for entry in resource.body:
            if isinstance(entry, fast.Junk):
                pytest.fail(f"{path}: cannot parse {entry.content[:80]!r}")
            if isinstance(entry, fast.Message):
                assert entry.id.name not in entries, f"{language}: {entry.id.name} defined twice"
                entries[entry.id.name] = entry
    return entries


def _placeholders(message: fast.Message) -> tuple[set[str], set[str]]:
    visitor = _Vars()
    visitor.visit(message)
    return visitor.names, visitor.messages


def test_every_language_has_the_same_keys() -> None:
    keys = {language: set(_entries(language)) for language in LANGUAGES}
    reference = keys[DEFAULT_LANGUAGE]
    assert reference, "no locale keys at all"
    for language, found in keys.items():
        assert found - reference == set(), f"{language} has keys zh_Hans lacks"
        assert reference - found == set(), f"{language} lacks keys"


def test_placeholders_match_between_languages() -> None:
    reference = _entries(DEFAULT_LANGUAGE)
    for language in LANGUAGES:
        for key, message in _entries(language).items():
            assert _placeholders(message) == _placeholders(reference[key]), (
                f"{language}:{key} placeholders differ from {DEFAULT_LANGUAGE}"
            )


def test_every_message_renders_in_every_language() -> None:
    translator = Translator()
    for language in LANGUAGES:
        for key, message in _entries(language).items():
            variables, _ = _placeholders(message)
            text = translator.get(key, language, **{name: 1 for name in variables})
            assert text.strip(), f"{language}:{key} renders empty"


def _keys_used_in_code() -> set[str]:
    """Literal keys passed to t("…"), T("…") or translator.get("…", …)."""
    used: set[str] = set()
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            first = node.args[0]
            if name in {"t", "T", "get", "_t", "tr"} and isinstance(first, ast.Constant) and isinstance(first.value, str):
                if re.fullmatch(r"[a-z][a-z0-9-]+", first.value) and "-" in first.value:
                    used.add(first.value)
    return used


def _python_files() -> list[Path]:
    folders = ["bot", "handlers", "dialogs", "services", "scheduler"]
    return [p for folder in folders for p in (ROOT / folder).rglob("*.py")]


def test_every_key_the_code_uses_exists() -> None:
    defined = set(_entries(DEFAULT_LANGUAGE))
    missing = _keys_used_in_code() - defined
    assert not missing, f"keys used in code but missing in locales: {sorted(missing)}"


_CJK = re.compile(r"[\u3400-\u9fff]")


def test_no_chinese_text_hides_in_python_code() -> None:
    """A Chinese literal in code is almost surely a user-visible word outside locales/.
    (Header aliases the roster importer accepts live in locales too, or are marked.)"""
    offenders = []
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and _CJK.search(node.value)
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, f"Chinese literals outside locales/: {offenders}"


def test_services_do_not_import_aiogram() -> None:
    """The policy rules stay free of Telegram, so another messenger could reuse them."""
    for path in (ROOT / "services").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+aiogram", source, re.M), path



def test_long_values_render_whole() -> None:
    """fluent.runtime refuses a placeable over 2,500 characters; a long class list or
    notice must still render, whole and unchanged, in every language."""
    from fluent.runtime import FluentResource

    translator = Translator()
    for bundle in translator._bundles.values():
        bundle.add_resource(FluentResource("test-long-list = Not confirmed: { $lines } ({ $count })"))
    lines = "张三 13800000000\n" * 400  # ~6,400 characters
    for language in LANGUAGES:
        rendered = translator.get("test-long-list", language, lines=lines, count=400)
        assert rendered == f"Not confirmed: {lines} (400)"
