"""Every page for every role, read as text: in Persian no Gregorian date, no Latin digit in
Persian prose, every reference number isolated left-to-right; in English no Persian in the
interface (headings, navigation, labels, buttons, table headers).

The pages and the data come from the permission matrix (every route × every persona)."""

from __future__ import annotations

import html as htmllib
import re

from django.test import override_settings

from pishkhan.office.tests.test_permission_matrix import PermissionMatrixTests, routes

# One persona per kind of desk (the others see subsets of the same pages).
PERSONAS = ["anon", "manager1", "senior", "member", "mayor", "secretary", "head_civil", "admin"]

GREGORIAN = re.compile(r"\b(?:19|20)\d\d[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])\b")
PERSIAN_LETTER = "[\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]"
# A Latin number standing in Persian prose: Persian letters, at most a few spaces or
# punctuation, then Latin digits (or the other way round), in one text run.
LATIN_IN_PERSIAN = re.compile(
    rf"{PERSIAN_LETTER}[\s:،؛()«»\-–—]{{0,3}}[0-9]|[0-9][\s:،؛()«»\-–—٪%]{{0,3}}{PERSIAN_LETTER}"
)
# A meeting/decision/directive number: 1405-37, 1405-37-35, 1405-37-35-1 (any digits).
REFERENCE = re.compile(r"[0-9۰-۹]{4}-[0-9۰-۹]{2}(?:-[0-9۰-۹]{1,3}){0,2}")
ISOLATED = re.compile(
    r"<bdi\b[^>]*>.*?</bdi>|<(\w+)\b[^>]*\bdir=\"ltr\"[^>]*>.*?</\1>|\u2066.*?\u2069|"
    r"<(\w+)\b[^>]*\bclass=\"[^\"]*\b(?:ltr|tracking-code)\b[^\"]*\"[^>]*>.*?</\2>",
    re.S,
)
SKIP_PREFIXES = ("/api/", "/open311/", "/healthz", "/sitemap", "/news/feed", "/decisions/feed")


def visible(html: str) -> str:
    """The page's text as a reader meets it: no scripts, styles, attributes, inputs' values."""
    html = re.sub(r"<(script|style|template|textarea|select)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", "\n", html)
    return htmllib.unescape(html)


def unisolated(html: str) -> str:
    """The HTML with every isolated run (bdi, dir=ltr, .ltr, LRI…PDI) blanked out."""
    previous = None
    while previous != html:
        previous, html = html, ISOLATED.sub(" ", html)
    return html


class PersianCrawlTests(PermissionMatrixTests):
    test_every_route_for_every_role = None  # type: ignore[assignment]

    def pages(self) -> list[str]:
        urls = []
        for name, pattern in routes():
            url = self.url_for(name, pattern)
            if not url.startswith(SKIP_PREFIXES) and not url.endswith(
                (".pdf", ".ics", ".csv", ".xlsx")
            ):
                urls.append(url)
        return urls

    def html_pages(self, persona: str, language: str = "") -> dict[str, str]:
        from django.conf import settings

        self.client.logout()
        if persona != "anon":
            self.login(getattr(self, persona))
        if language:  # chosen with the language switch (logging out forgets the cookie)
            self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        out = {}
        for url in self.pages():
            response = self.client.get(url)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                out[url] = response.content.decode()
        return out

    @override_settings(PUBLIC_CACHE_SECONDS=0)
    def test_persian_pages_read_persian(self) -> None:
        problems: list[str] = []
        seen = 0
        for persona in PERSONAS:
            for url, html in self.html_pages(persona).items():
                seen += 1
                body = html[html.find("<main") :] if "<main" in html else html
                text = visible(body)
                for match in GREGORIAN.finditer(text):
                    problems.append(f"{persona} {url}: Gregorian date {match.group()!r}")
                prose = visible(unisolated(body))
                for line in prose.splitlines():
                    if LATIN_IN_PERSIAN.search(line) and not re.search(r"[A-Za-z]", line):
                        problems.append(f"{persona} {url}: Latin digits in {line.strip()[:80]!r}")
                for match in REFERENCE.finditer(visible(unisolated(body))):
                    problems.append(f"{persona} {url}: reference not isolated {match.group()!r}")
        self.assertGreater(seen, 40)
        with open("/tmp/pk-crawl-problems.txt", "w") as out:
            out.write("\n".join(sorted(set(problems))))
        self.assertEqual(sorted(set(problems)), [])


ATTRIBUTES = re.compile(r"\b(?:placeholder|aria-label|title|alt)=\"([^\"]*)\"")
# A run of Persian: from a Persian letter to the last one before Latin text, digits or markup
# (spaces, ZWNJ, marks, «», / and - between Persian words belong to it; a comma, a colon or a
# parenthesis ends it: a list of names, «title: text» and «name (title)» are checked part by part).
_FA = "\u0621-\u065f\u0670-\u06d3\u06f0-\u06f9"
PERSIAN_RUN = re.compile(rf"[{_FA}](?:[{_FA}\s\u200c«»/\-]*[{_FA}])?")


def database_text() -> str:
    """Every text value stored in the database, one per line: what people typed or the city
    configured (names, addresses, descriptions, service and district names, holiday names) and
    the Persian records the services store (event notes, SMS texts). On an English page these
    stay as they were written; they are data, not interface."""
    from django.apps import apps
    from django.db import models

    values: list[str] = []
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        if not fields:
            continue
        for row in model._base_manager.values_list(*fields):
            for value in row:
                if isinstance(value, str):
                    values.append(value)
                elif value:  # JSON: its strings
                    values.extend(re.findall(r'"((?:[^"\\]|\\.)*)"', _json(value)))
    return "\n".join(values)


def _json(value: object) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def persian_interface(html: str, data: str) -> list[str]:
    """The runs of Persian on an English page that are not data: each text node (and each
    user-facing attribute) is cut into runs that start at a Persian letter; a run is data when
    the database holds it (whole, or its first 20 characters when a template shortened it)."""
    html = re.sub(r"<(script|style|template)\b.*?</\1>", " ", html, flags=re.S)
    texts = ATTRIBUTES.findall(html)
    texts += re.sub(r"<[^>]+>", "\n", html).splitlines()
    found = []
    for text in texts:
        text = htmllib.unescape(text)
        for run in PERSIAN_RUN.findall(text):
            run = run.strip(" …:،.()«»-–—").strip()
            if run == "فارسی":  # the language switch names Persian in Persian
                continue
            if run in data or run[:20] in data:
                continue
            found.append(f"{run!r} in {' '.join(text.split())[:80]!r}")
    return found


ENGLISH_PERSONAS = ["anon", "manager1", "senior", "mayor", "secretary", "head_civil", "admin"]


class EnglishCrawlTests(PersianCrawlTests):
    test_persian_pages_read_persian = None  # type: ignore[assignment]

    @override_settings(PUBLIC_CACHE_SECONDS=0)
    def test_english_pages_show_no_persian_interface(self) -> None:
        data = database_text()
        problems: list[str] = []
        seen = 0
        for persona in ENGLISH_PERSONAS:
            for url, html in self.html_pages(persona, language="en").items():
                if "<html" in html:  # a full page, not an htmx fragment
                    self.assertIn('<html lang="en"', html, url)
                seen += 1
                for run in persian_interface(html, data):
                    problems.append(f"{persona} {url}: {run}")
        self.assertGreater(seen, 40)
        with open("/tmp/pk-crawl-english.txt", "w") as out:
            out.write("\n".join(sorted(set(problems))))
        self.assertEqual(sorted(set(problems)), [])
