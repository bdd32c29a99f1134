"""Counts the user reads are plural messages: Indonesian has one form, English two ("1 RT",
"2 RTs"), so each count goes through ngettext or {% blocktranslate count %}.

Each place is read as makemessages reads it (the Python call, the template's blocktranslate
node), so a count written back as a plain gettext or a bare `{{ n }} RT` fails here, and
its English plural could not be given in the catalogue.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.template.base import Node
from django.templatetags.i18n import BlockTranslateNode

ROOT = Path(settings.BASE_DIR)
PLURAL_CALLS = {"ngettext", "ngettext_lazy", "npgettext", "npgettext_lazy"}


def python_plurals(path: str) -> set[tuple[str, str]]:
    """(singular, plural) of every ngettext-like call in a Python file."""
    found = set()
    for node in ast.walk(ast.parse((ROOT / path).read_text())):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        texts = [a.value for a in node.args if isinstance(a, ast.Constant)]
        texts = [text for text in texts if isinstance(text, str)]
        first = 1 if name.startswith("np") else 0  # npgettext's first text is the context
        if name in PLURAL_CALLS and len(texts) >= first + 2:
            found.add((texts[first], texts[first + 1]))
    return found


def walk(nodes: list[Node]) -> Iterator[Node]:
    for node in nodes:
        yield node
        for attr in node.child_nodelists:
            yield from walk(getattr(node, attr, None) or [])


def template_plurals(path: str) -> set[tuple[str, str]]:
    """(singular, plural) msgids of every {% blocktranslate count %} in a template."""
    template = engines["django"].engine.get_template(path.removeprefix("templates/"))
    found = set()
    for node in walk(template.nodelist):
        if isinstance(node, BlockTranslateNode) and node.countervar:
            found.add(
                (node.render_token_list(node.singular)[0], node.render_token_list(node.plural)[0])
            )
    return found


PLACES = [
    ("competitions/entry_views.py", "%(count)s RT diimpor sebagai peserta."),
    ("competitions/entry_views.py", "%(count)s usulan terverifikasi: %(rts)s."),
    ("scoring/views.py", "%(count)s RT dibagi rata ke tim juri."),
    ("scoring/views.py", "dan %(count)s RT lainnya"),
    ("scoring/views.py", "%(count)s RT ditugaskan ke %(team)s."),
    (
        "scoring/results.py",
        "Batas %(cap)s pemenang kategori %(category)s memisahkan %(count)s RT yang nilainya sama "
        "pada peringkat %(rank)s (peserta %(ids)s). Semuanya ditahan; panitia perlu memutuskan.",
    ),
    (
        "scoring/results.py",
        "Pagu %(budget)s memisahkan %(count)s RT yang nilainya sama (peserta %(ids)s). "
        "Semuanya ditahan; panitia perlu memutuskan.",
    ),
    (
        "scoring/results.py",
        "Pagu hadiah tidak cukup: %(count)s RT yang lulus tidak mendapat hadiah.",
    ),
    ("scoring/results.py", "%(count)s RT memiliki indikator tanpa nilai juri."),
    ("templates/scoring/teams.html", "%(load)s RT"),
    ("templates/scoring/teams.html", "%(verified)s RT terverifikasi"),
    ("templates/scoring/plenary.html", "%(complete)s RT lengkap dinilai"),
    ("templates/scoring/plenary.html", "%(incomplete)s RT belum lengkap"),
    ("templates/scoring/plenary.html", "%(unscored)s RT belum dinilai."),
    ("templates/public/results.html", "%(holders)s dari %(rts)s RT (%(share)s%%)"),
]


@pytest.mark.parametrize(("path", "singular"), PLACES)
def test_a_count_the_user_reads_is_a_plural_message(path, singular):
    found = python_plurals(path) if path.endswith(".py") else template_plurals(path)
    # Indonesian writes both forms alike; English gets "RT" and "RTs" in the catalogue.
    assert (singular, singular) in found, sorted(found)


def test_the_readers_see_a_plain_gettext_count_and_a_bare_template_count(tmp_path, settings):
    (tmp_path / "a.py").write_text(
        "from django.utils.translation import gettext as _, ngettext\n"
        '_("%(count)s RT dinilai.") % {"count": 2}\n'
        'ngettext("%(count)s RT", "%(count)s RT", 2)\n'
    )
    assert python_plurals(str(tmp_path / "a.py")) == {("%(count)s RT", "%(count)s RT")}
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path], "APP_DIRS": False}]
    (tmp_path / "b.html").write_text(
        "{% load i18n %}{{ n }} RT {% blocktranslate %}{{ n }} RT{% endblocktranslate %}"
        "{% blocktranslate count n=3 %}{{ n }} RT{% plural %}{{ n }} RTs{% endblocktranslate %}"
    )
    assert template_plurals("b.html") == {("%(n)s RT", "%(n)s RTs")}
