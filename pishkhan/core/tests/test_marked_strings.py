"""Every Persian string a person can read from Python code is marked for translation (gettext),
so the English site shows no Persian errors. A string that is a stored Persian record (an event
note, an agenda text or an outbox SMS written into the database in the citizen's language) says
so on its statement with ``# record:``; Persian that is data, not a message (the calendar's month
names beside their English ones, words matched in addresses, normalisation tables) says so with
``# data:``. Docstrings are not user-facing.

Every module of the apps in CHECKED is read (tests and migrations aside); DATA_MODULES are
whole modules of Persian data."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[3]
PERSIAN = re.compile("[\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]")  # letters
GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "gettext_noop",
}
CHECKED = [
    "accounts",
    "api",
    "cases",
    "core",
    "cycle",
    "directives",
    "meetings",
    "notify",
    "office",
    "portal",
    "visits",
]
MODULES = ["rest.py"]  # single modules of the project package
DATA_MODULES = {
    "cases/textmatch.py": "street words and abbreviations matched in addresses",
    "core/text.py": "the Arabic/Persian letter normalisation tables",
}
MARKERS = ("# record:", "# data:")


def unmarked(path: Path) -> list[str]:
    source = path.read_text()
    lines = source.splitlines()
    tree = ast.parse(source)
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            fn = node.func
            name = fn.id if isinstance(fn, ast.Name) else getattr(fn, "attr", "")
            if name in GETTEXT:
                skip.update(id(sub) for arg in node.args for sub in ast.walk(arg))
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            if isinstance(body[0].value, ast.Constant):  # docstring
                skip.add(id(body[0].value))
    statements = [n for n in ast.walk(tree) if isinstance(n, ast.stmt)]
    problems = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if id(node) in skip or not PERSIAN.search(node.value):
            continue
        around = [s for s in statements if s.lineno <= node.lineno <= (s.end_lineno or s.lineno)]
        inner = min(around, key=lambda s: (s.end_lineno or s.lineno) - s.lineno, default=None)
        span = (
            range(inner.lineno, (inner.end_lineno or inner.lineno) + 1) if inner else [node.lineno]
        )
        if any(marker in lines[i - 1] for i in span for marker in MARKERS):
            continue
        problems.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:50]!r}")
    return problems


class MarkedStringsTests(SimpleTestCase):
    def test_python_modules_mark_persian_strings(self) -> None:
        problems = []
        paths = [ROOT / "pishkhan" / name for name in MODULES]
        for app in CHECKED:
            for path in sorted((ROOT / "pishkhan" / app).rglob("*.py")):
                parts = path.relative_to(ROOT / "pishkhan" / app).parts
                if parts[0] in ("tests", "migrations"):
                    continue
                if str(path.relative_to(ROOT / "pishkhan")) in DATA_MODULES:
                    continue
                paths.append(path)
        self.assertGreater(len(paths), 100)  # the apps are really read
        for path in paths:
            problems += unmarked(path)
        self.assertEqual(problems, [])

    def test_the_check_finds_an_unmarked_string(self) -> None:
        sample = ROOT / "pishkhan" / "core" / "tests" / "_unmarked_sample.py"
        sample.write_text(
            "from django.utils.translation import gettext as _\n"
            'def f():\n    """مستند."""\n    a = _("نشان‌دار")\n'
            '    b = "نادیده"\n    c = "یادداشت"  # record: stored\n'
            '    d = ["شنبه"]  # data: a name list\n'
        )
        try:
            found = unmarked(sample)
        finally:
            sample.unlink()
        self.assertEqual(len(found), 1)
        self.assertIn("نادیده", found[0])
