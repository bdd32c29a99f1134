"""The English catalogues are complete, and every user-facing string goes through gettext.

Three checks, each failing with a list of `file:line` so that whoever wrote a string can fix it:
- the committed catalogues (locale/en/LC_MESSAGES/django.po and djangojs.po) have no
  untranslated or fuzzy entry;
- every message of the source is in them: `makemessages` runs on a copy of the source, with
  its own locale folder (it writes work files next to the templates, so never in the shared
  tree), and each of its messages must be in the committed catalogue;
- text the user reads is not left as a plain literal: template text outside {% translate %}
  and {% blocktranslate %}, and Python strings given to messages, ValidationError, form
  labels and help texts, verbose names, choices, HttpResponse bodies and ERROR_* constants.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "locale" / "en" / "LC_MESSAGES"
DOMAINS = ("django", "djangojs")
APPS = ("bantar", "competitions", "indicators", "scoring", "season", "documents", "coaching")
# What `make messages` reads (Makefile, MESSAGES_IGNORE): the apps, the templates, the scripts.
SOURCE_DIRS = (*APPS, "templates", "static")
SOURCE_SUFFIXES = {".py", ".html", ".txt", ".js"}

# Words that are the same in both languages: names, abbreviations, formats, units.
ALLOWED_WORDS = {
    "BANTAR",
    "Kampung",
    "Kota",
    "Jambi",
    "RT",
    "RW",
    "KK",
    "NIP",
    "NIK",
    "Excel",
    "CSV",
    "PDF",
    "XLSX",
    "xlsx",
    "csv",
    "pdf",
    "Rp",
    "WIB",
    "DPMPPA",
    "Perwali",
    "SK",
    "QR",
    "ID",
    "OK",
    "KB",
    "MB",
    "GB",
    "px",
    "Bersih",
    "Aman",
    "Pintar",
    "Kencana",
    "BANTAR Juri",
    "Juri",
    "WhatsApp",
}
CODE = re.compile(r"^(?:[BAP]\d{1,2}|[A-Z]{1,3}\d*|\d+\w*|[ivx]+)$")
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def unexplained_words(text: str) -> list[str]:
    """The words of `text` that are neither allow-listed nor codes (B1, RT, 2020)."""
    return [
        word for word in WORD.findall(text) if word not in ALLOWED_WORDS and not CODE.match(word)
    ]


# --- 1. The catalogues ---------------------------------------------------------------------


def where(entry: polib.POEntry, catalogue: Path) -> str:
    places = [f"{path}:{line}" for path, line in entry.occurrences[:2]]
    return ", ".join(places) or f"{catalogue.name}:{entry.linenum}"


def incomplete(catalogue: Path) -> list[str]:
    po = polib.pofile(str(catalogue))
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        if entry.fuzzy:
            problems.append(f"fuzzy: {where(entry, catalogue)}: {entry.msgid!r}")
        elif not entry.translated():
            problems.append(f"untranslated: {where(entry, catalogue)}: {entry.msgid!r}")
    return problems


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_english_catalogue_has_no_untranslated_or_fuzzy_entry(domain):
    catalogue = LOCALE / f"{domain}.po"
    assert catalogue.exists(), f"{catalogue} is missing: run `make messages`"
    problems = incomplete(catalogue)
    assert problems == [], (
        f"{len(problems)} entries of {catalogue.relative_to(ROOT)} need an English text:\n"
        + "\n".join(problems)
    )


def test_the_incompleteness_check_sees_an_untranslated_and_a_fuzzy_entry(tmp_path):
    """The check above can fail: a catalogue with one of each is reported, with its source line."""
    catalogue = tmp_path / "django.po"
    catalogue.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#: templates/a.html:3\nmsgid "Simpan"\nmsgstr ""\n\n'
        '#: templates/b.html:9\n#, fuzzy\nmsgid "Batal"\nmsgstr "Cancel"\n\n'
        'msgid "Kirim"\nmsgstr "Send"\n',
        encoding="utf-8",
    )
    assert incomplete(catalogue) == [
        "untranslated: templates/a.html:3: 'Simpan'",
        "fuzzy: templates/b.html:9: 'Batal'",
    ]


def copy_source(target: Path) -> None:
    for name in SOURCE_DIRS:
        shutil.copytree(
            ROOT / name,
            target / name,
            ignore=lambda folder, names: [
                n
                for n in names
                if not (Path(folder, n).is_dir() or Path(n).suffix in SOURCE_SUFFIXES)
                or n in {"__pycache__", "migrations"}
            ],
        )
    shutil.copy(ROOT / "manage.py", target / "manage.py")


def source_messages(workdir: Path) -> dict[str, dict[tuple[str | None, str], list[str]]]:
    """makemessages on a copy of the source: each domain's messages and where they are."""
    copy_source(workdir)
    (workdir / "locale").mkdir()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bantar.settings", "PYTHONPATH": str(workdir)}
    for domain in DOMAINS:
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "--locale=en", f"--domain={domain}"],
            cwd=workdir,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    found = {}
    for domain in DOMAINS:
        po = polib.pofile(str(workdir / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"))
        found[domain] = {
            (entry.msgctxt, entry.msgid): [f"{p}:{line}" for p, line in entry.occurrences]
            for entry in po
        }
    return found


def test_every_message_of_the_source_is_in_the_committed_catalogue(tmp_path):
    found = source_messages(tmp_path)
    assert found["django"], "makemessages found nothing: the copy of the source is wrong"
    missing = []
    for domain in DOMAINS:
        committed = {
            (entry.msgctxt, entry.msgid)
            for entry in polib.pofile(str(LOCALE / f"{domain}.po"))
            if not entry.obsolete
        }
        for key, places in sorted(found[domain].items(), key=lambda item: item[1]):
            if key not in committed:
                missing.append(f"{domain}: {', '.join(places[:2])}: {key[1]!r}")
    assert missing == [], (
        f"{len(missing)} messages of the source are not in locale/en (run `make messages`, "
        "then translate):\n" + "\n".join(missing)
    )


# --- 2. Template text outside {% translate %} ----------------------------------------------

TEMPLATE_DIRS = [ROOT / "templates"]
# Removed before looking for text; each match is replaced by its own newlines, so the line
# numbers stay right.
TEMPLATE_STRIP = [
    re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S),
    re.compile(r"{#.*?#}", re.S),
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"<script\b.*?</script>", re.S | re.I),
    re.compile(r"<style\b.*?</style>", re.S | re.I),
    re.compile(r"<code\b.*?</code>", re.S | re.I),
    # The PDFs' stylesheet and page orientation, filled in by blocks (documents/pdf_base.html).
    re.compile(r"{%\s*block\s+(?:style|orientation)\s*%}.*?{%\s*endblock\b[^%]*%}", re.S),
    re.compile(r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", re.S),
    re.compile(r"{%.*?%}", re.S),
    re.compile(r"{{.*?}}", re.S),
]
# Attributes a user reads (or hears): checked like text.
READ_ATTRIBUTES = re.compile(
    r"""\b(title|placeholder|aria-label|alt|data-confirm)\s*=\s*("[^"]*"|'[^']*')""", re.I
)
TAG = re.compile(r"<[^>]*>", re.S)
ENTITY = re.compile(r"&[#\w]+;")


def blank(match: re.Match[str]) -> str:
    """A space (words on either side stay apart) and the match's newlines."""
    return " " + "\n" * match.group(0).count("\n")


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


def template_findings(source: str, path: str) -> list[Finding]:
    """Text nodes and read attributes with words that no {% translate %} covers."""
    text = source
    for pattern in TEMPLATE_STRIP:
        text = pattern.sub(blank, text)
    findings = []
    # Attributes while the tags are still there; {% translate %} in them is gone already.
    for match in READ_ATTRIBUTES.finditer(text):
        value = match.group(2)[1:-1]
        if unexplained_words(ENTITY.sub(" ", value)):
            line = text.count("\n", 0, match.start()) + 1
            findings.append(Finding(path, line, f"{match.group(1)}={value.strip()}"))
    text = TAG.sub(blank, text)
    for number, line in enumerate(text.split("\n"), start=1):
        line = ENTITY.sub(" ", line).strip()
        if line and unexplained_words(line):
            findings.append(Finding(path, number, line))
    return sorted(findings, key=lambda finding: finding.line)


def all_template_findings() -> list[Finding]:
    findings = []
    for folder in TEMPLATE_DIRS:
        for path in sorted(folder.rglob("*")):
            if path.suffix in {".html", ".txt"}:
                source = path.read_text(encoding="utf-8")
                findings += template_findings(source, str(path.relative_to(ROOT)))
    return findings


def test_template_text_goes_through_translate():
    findings = all_template_findings()
    assert findings == [], (
        f"{len(findings)} texts in templates are not in {{% translate %}} or "
        "{% blocktranslate %}:\n" + "\n".join(map(str, findings))
    )


def test_the_template_scanner_finds_plain_text_and_ignores_what_is_covered():
    source = (
        "{% load i18n %}\n"
        "<h1>{% translate 'Beranda' %}</h1>\n"
        "<p>Simpan dulu</p>\n"
        "{% blocktranslate %}Ada {{ n }} RT{% endblocktranslate %}\n"
        "<script>var a = 'teks';</script>\n"
        "{# Catatan untuk pengembang #}\n"
        '<input placeholder="Cari RT" title="{% translate \'Cari\' %}">\n'
        "<span>BANTAR Kota Jambi · RT 001 · B1 · 2020</span>\n"
        "<td>{{ entry.rt }}</td> <td>Rp</td>\n"
    )
    assert [str(f) for f in template_findings(source, "t.html")] == [
        "t.html:3: 'Simpan dulu'",
        "t.html:7: 'placeholder=Cari RT'",
    ]


# --- 3. Python strings the user reads ----------------------------------------------------------

GETTEXT_NAMES = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "format_lazy",
}
MESSAGE_FUNCTIONS = {"debug", "info", "success", "warning", "error", "add_message"}
LABEL_KEYWORDS = {
    "label",
    "title",
    "header",
    "heading",
    "help_text",
    "verbose_name",
    "verbose_name_plural",
    "empty_label",
    "empty_value_display",
    "description",
}
RESPONSES = re.compile(r"^HttpResponse\w*$")
CONSTANT_NAME = re.compile(r"^(ERROR|MESSAGE|NOTICE|WARNING)_[A-Z0-9_]+$")
# Not the portal's pages: settings (MESSAGE_STORAGE is a dotted path), the management
# commands, which talk to the operator's terminal, and the demo seasons, whose names and
# addresses are data written to the database (like the fixtures), not the portal's text.
NOT_USER_FACING = re.compile(r"(^|/)(settings\w*\.py|management/|demo\.py$)")
READ_ATTRS_KEYS = {"placeholder", "title", "aria-label"}
CONTEXT_KEYS = {"title", "heading", "message", "error", "detail", "placeholder", "aria-label"}


def plain_literal(node: ast.AST | None) -> str | None:
    """The text when `node` is a string literal the user would read untranslated."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif isinstance(node, ast.JoinedStr):
        text = "".join(
            part.value
            for part in node.values
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        )
    elif isinstance(node, ast.BinOp):
        # "..." % values or "a" + "b": the left side decides.
        return plain_literal(node.left)
    else:
        return None
    return text if unexplained_words(text) else None


def call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else ""
        return f"{owner}.{func.attr}"
    return ""


# A dataclass's fields that hold a name for the machine, not text: a file name, a code.
NOT_TEXT_FIELDS = {"code", "kind", "key", "filename", "url", "href", "slug", "css_class", "icon"}
TEXT_ANNOTATION = re.compile(r"\b(str|StrOrPromise|Promise|StrPromise)\b")


@dataclass(frozen=True)
class DataclassShape:
    """A dataclass as the scanner sees it: its bases' names and its own fields, in order,
    each as (name, holds text)."""

    bases: tuple[str, ...]
    fields: tuple[tuple[str, bool], ...]


# Each dataclass by its class name; a name defined twice keeps both definitions.
Dataclasses = dict[str, list[DataclassShape]]


def is_dataclass(node: ast.ClassDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if getattr(target, "id", getattr(target, "attr", "")) == "dataclass":
            return True
    return False


def own_fields(node: ast.ClassDef) -> tuple[tuple[str, bool], ...]:
    fields = []
    for item in node.body:
        if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            annotation = ast.unparse(item.annotation)
            if "ClassVar" in annotation or "InitVar" in annotation:
                continue
            name = item.target.id
            text = bool(TEXT_ANNOTATION.search(annotation)) and name not in NOT_TEXT_FIELDS
            fields.append((name, text))
    return tuple(fields)


def collect_dataclasses(tree: ast.AST, into: Dataclasses) -> Dataclasses:
    """The dataclasses `tree` defines, added to `into`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and is_dataclass(node):
            bases = tuple(getattr(base, "id", getattr(base, "attr", "")) for base in node.bases)
            into.setdefault(node.name, []).append(DataclassShape(bases, own_fields(node)))
    return into


def fields_of(shape: DataclassShape, dataclasses: Dataclasses) -> list[tuple[str, bool]]:
    """All fields in the order the constructor takes them: the dataclass bases' first."""
    inherited: list[tuple[str, bool]] = []
    for base in reversed(shape.bases):  # the last base's fields come first, as in dataclasses
        definitions = dataclasses.get(base, [])
        if definitions and definitions[0] is not shape:
            inherited += fields_of(definitions[0], dataclasses)
    return inherited + list(shape.fields)


class UserTextScanner(ast.NodeVisitor):
    def __init__(self, path: str, dataclasses: Dataclasses | None = None) -> None:
        self.path = path
        self.findings: list[Finding] = []
        self.class_stack: list[ast.ClassDef] = []
        self.seen: set[int] = set()
        self.dataclasses = dataclasses or {}

    def report(self, node: ast.AST | None, why: str) -> None:
        text = plain_literal(node)
        if text is not None and node is not None and id(node) not in self.seen:
            self.seen.add(id(node))
            self.findings.append(Finding(self.path, getattr(node, "lineno", 0), f"{why}: {text}"))

    def report_values(self, node: ast.AST | None, why: str) -> None:
        if isinstance(node, ast.Dict):
            for value in node.values:
                self.report_values(value, why)
        elif isinstance(node, ast.List | ast.Tuple):
            for value in node.elts:
                self.report(value, why)
        else:
            self.report(node, why)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.class_stack.append(node)
        bases = {getattr(base, "attr", getattr(base, "id", "")) for base in node.bases}
        if bases & {"TextChoices", "IntegerChoices", "Choices"}:
            for item in node.body:
                if (
                    isinstance(item, ast.Assign)
                    and isinstance(item.value, ast.Tuple)
                    and len(item.value.elts) >= 2
                ):
                    self.report(item.value.elts[-1], "choice label")
        if is_dataclass(node):
            self.report_defaults(node)
        if node.name == "Meta":
            for item in node.body:
                if isinstance(item, ast.Assign):
                    for target in item.targets:
                        if isinstance(target, ast.Name) and target.id in LABEL_KEYWORDS:
                            self.report(item.value, f"Meta.{target.id}")
        self.generic_visit(node)
        self.class_stack.pop()

    def report_defaults(self, node: ast.ClassDef) -> None:
        """A dataclass's plain default for a text field (`hint: str = "Hubungi panitia"`)."""
        text_fields = {name for name, text in own_fields(node) if text}
        for item in node.body:
            if (
                isinstance(item, ast.AnnAssign)
                and isinstance(item.target, ast.Name)
                and item.target.id in text_fields
            ):
                default = item.value
                if isinstance(default, ast.Call) and call_name(default) in {
                    "field",
                    "dataclasses.field",
                }:
                    default = next((k.value for k in default.keywords if k.arg == "default"), None)
                self.report(default, f"{node.name}.{item.target.id}")

    def report_dataclass_arguments(self, node: ast.Call, short: str) -> None:
        """Plain (f-)strings given to a dataclass's text fields, by position or by name."""
        for shape in self.dataclasses.get(short, []):
            fields = fields_of(shape, self.dataclasses)
            for (name, text), argument in zip(fields, node.args, strict=False):
                if text:
                    self.report_values(argument, f"{short}.{name}")
            texts = {name for name, text in fields if text}
            for keyword in node.keywords:
                if keyword.arg in texts:
                    self.report_values(keyword.value, f"{short}.{keyword.arg}")

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name) and CONSTANT_NAME.match(target.id):
                self.report(node.value, target.id)
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        # A page's context or a JSON answer: {"title": ..., "message": ..., "error": ...}.
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and key.value in CONTEXT_KEYS:
                self.report(value, f"[{key.value!r}]")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = call_name(node)
        short = name.rsplit(".", 1)[-1]
        if name.startswith("messages.") and short in MESSAGE_FUNCTIONS:
            position = 2 if short == "add_message" else 1
            if len(node.args) > position:
                self.report(node.args[position], name)
        elif short == "message_user" and len(node.args) > 1:
            self.report(node.args[1], name)
        elif short == "ValidationError" and node.args:
            self.report_values(node.args[0], "ValidationError")
        elif RESPONSES.match(short) and node.args:
            self.report(node.args[0], short)
        elif short == "Column" and node.args:
            # A column of an export (bantar.exports): its header is the spreadsheet's.
            self.report(node.args[0], "Column header")
        elif (
            name.startswith("models.")
            and short.endswith("Field")
            and short not in {"ManyToManyField", "OneToOneField"}
            and node.args
        ):
            # A model field's first positional argument is its verbose_name.
            self.report(node.args[0], "verbose_name")
        self.report_dataclass_arguments(node, short)
        for keyword in node.keywords:
            if keyword.arg in LABEL_KEYWORDS:
                self.report(keyword.value, keyword.arg)
            elif keyword.arg == "error_messages":
                self.report_values(keyword.value, "error_messages")
            elif keyword.arg == "choices" and isinstance(keyword.value, ast.List | ast.Tuple):
                for choice in keyword.value.elts:
                    if isinstance(choice, ast.Tuple) and len(choice.elts) == 2:
                        self.report(choice.elts[1], "choice label")
            elif keyword.arg == "attrs" and isinstance(keyword.value, ast.Dict):
                for key, value in zip(keyword.value.keys, keyword.value.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value in READ_ATTRS_KEYS:
                        self.report(value, f"attrs[{key.value}]")
        if short not in GETTEXT_NAMES:
            self.generic_visit(node)


def python_findings(
    source: str, path: str, dataclasses: Dataclasses | None = None
) -> list[Finding]:
    """What `source` gives the user untranslated; `dataclasses`: those of the other modules
    (a dataclass is mostly built in another module than its own)."""
    tree = ast.parse(source, filename=path)
    if dataclasses is None:
        dataclasses = collect_dataclasses(tree, {})
    scanner = UserTextScanner(path, dataclasses)
    scanner.visit(tree)
    return sorted(scanner.findings, key=lambda finding: finding.line)


def app_sources() -> dict[str, str]:
    sources = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            if "migrations" in path.parts or NOT_USER_FACING.search(relative):
                continue
            sources[relative] = path.read_text(encoding="utf-8")
    return sources


def all_python_findings() -> list[Finding]:
    sources = app_sources()
    dataclasses: Dataclasses = {}
    for path, source in sources.items():
        collect_dataclasses(ast.parse(source, filename=path), dataclasses)
    findings = []
    for path, source in sources.items():
        findings += python_findings(source, path, dataclasses)
    return findings


# Found by the dataclass check in files of other lanes and reported to the lead for their
# owners (path, finding): each must still be found, so the list shrinks as they are fixed.
AWAITING_OWNERS: set[tuple[str, str]] = set()


def test_python_text_for_the_user_goes_through_gettext():
    found = all_python_findings()
    awaiting = {(finding.path, finding.text) for finding in found} & AWAITING_OWNERS
    assert awaiting == AWAITING_OWNERS, (
        f"fixed, remove from AWAITING_OWNERS: {AWAITING_OWNERS - awaiting}"
    )
    findings = [f for f in found if (f.path, f.text) not in AWAITING_OWNERS]
    assert findings == [], (
        f"{len(findings)} strings the user reads are plain literals (wrap them in gettext, "
        "gettext_lazy for module constants):\n" + "\n".join(map(str, findings))
    )


def test_the_python_scanner_finds_plain_strings_and_ignores_wrapped_ones():
    source = """
from django.utils.translation import gettext_lazy as _
ERROR_LATE = "Pendaftaran sudah ditutup."
ERROR_OK = _("Pendaftaran sudah ditutup.")
class Status(models.TextChoices):
    DRAFT = "draft", "Draf"
    SENT = "sent", _("Dikirim")
class Entry(models.Model):
    name = models.CharField("nama kampung", max_length=9, help_text=_("Nama"))
    class Meta:
        verbose_name = "peserta"
def view(request):
    messages.success(request, f"Tim {team} dibuat.")
    messages.info(request, _("Tim %(name)s dibuat.") % {"name": 1})
    raise ValidationError({"kk": "Jumlah KK terlalu kecil."})
    return HttpResponse("Tidak ada data", status=404)
field = forms.CharField(label="Cari", widget=forms.TextInput(attrs={"placeholder": "Cari RT"}))
code = forms.ChoiceField(choices=[("a", "Semua kecamatan"), ("b", _("Satu"))])
columns = [Column("Peringkat", rank), Column("RT", label), Column(_("Kampung"), kampung)]
answer = JsonResponse({"ok": False, "error": "Lembar sudah dikirim", "code": "sheet_locked"})
"""
    assert [str(f) for f in python_findings(source, "x.py")] == [
        "x.py:3: 'ERROR_LATE: Pendaftaran sudah ditutup.'",
        "x.py:6: 'choice label: Draf'",
        "x.py:9: 'verbose_name: nama kampung'",
        "x.py:11: 'Meta.verbose_name: peserta'",
        "x.py:13: 'messages.success: Tim  dibuat.'",
        "x.py:15: 'ValidationError: Jumlah KK terlalu kecil.'",
        "x.py:16: 'HttpResponse: Tidak ada data'",
        "x.py:17: 'label: Cari'",
        "x.py:17: 'attrs[placeholder]: Cari RT'",
        "x.py:18: 'choice label: Semua kecamatan'",
        "x.py:19: 'Column header: Peringkat'",
        "x.py:20: \"['error']: Lembar sudah dikirim\"",
    ]


def test_the_python_scanner_finds_indonesian_strings_given_to_dataclasses():
    """A dataclass carries text to a page or a sheet: a plain (f-)string given to one of its
    text fields reaches the user without gettext, like its plain default."""
    source = """
from dataclasses import dataclass, field
from django.utils.translation import gettext as _
@dataclass(frozen=True)
class Blocker:
    code: str
    message: str
    hint: str = "Hubungi panitia"
    count: int = 0
@dataclass
class Card(Blocker):
    filename: str = ""
    note: str | None = field(default="Catatan juri")
def blockers(n, rt):
    yield Blocker("late", f"{n} lembar belum masuk")
    yield Blocker("late", _("%(n)s lembar belum masuk") % {"n": n}, hint=_("Hubungi panitia"))
    yield Blocker(code="rt", message=f"{rt}/{n}", count=3)
    yield Card("x", "Belum dinilai", note="Nilai sementara", filename=f"rapor-kampung-{rt}")
"""
    assert [str(f) for f in python_findings(source, "x.py")] == [
        "x.py:8: 'Blocker.hint: Hubungi panitia'",
        "x.py:13: 'Card.note: Catatan juri'",
        "x.py:15: 'Blocker.message:  lembar belum masuk'",
        "x.py:18: 'Card.message: Belum dinilai'",
        "x.py:18: 'Card.note: Nilai sementara'",
    ]


# The names `makemessages` (xgettext with Django's keywords) extracts: a gettext imported
# under any other name is never extracted, and its text stays Indonesian in English.
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext"}
GETTEXT_NAMES |= {"pgettext_lazy", "npgettext", "npgettext_lazy", "gettext_noop"}


def gettext_aliases(source: str, path: str) -> list[str]:
    """`file:line` of each translation function imported under a name xgettext ignores."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                if (
                    alias.name in GETTEXT_NAMES
                    and (alias.asname or alias.name) not in GETTEXT_NAMES
                ):
                    found.append(f"{path}:{node.lineno}: {alias.name} as {alias.asname}")
    return found


def test_gettext_is_imported_under_a_name_makemessages_extracts():
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            found += gettext_aliases(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not found, "renamed so makemessages misses their text:\n" + "\n".join(found)


def test_the_alias_check_sees_a_renamed_gettext_lazy():
    source = "from django.utils.translation import gettext_lazy as _lazy, gettext as _\n"
    assert gettext_aliases(source, "x.py") == ["x.py:1: gettext_lazy as _lazy"]
