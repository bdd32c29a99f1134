"""The portal in English, in chromium: a browser asking for English still gets Indonesian; a new
user who chooses English on the login page works through the kelurahan form, the juror's
list and scoring page and the public pages without Indonesian interface words; the field
kit's scripts speak English offline; each role's home in both languages on three screens.

Domain content stays Indonesian and is left out of the check: indicator texts and level
descriptors (official wording), place names, RT and kampung names, people, notes, competition
titles, category names. They are read from the database and removed from the page's text
before its words are compared with a list of common Indonesian interface words.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from bantar.models import Role, User
from competitions.models import Competition, CompetitionStatus, Kelurahan
from scoring.models import Score
from scoring.selectors import juror_tasks
from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import ALL_SAVED, save_screenshot
from tests.browser.fieldkit import TABLET, field_season, prepare_day, tap_level, wait_until

ENGLISH_BROWSER = {"extra_http_headers": {"Accept-Language": "en-US,en;q=0.9"}}
DEVICES = {
    "tablet": {"width": 800, "height": 1280},
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1366, "height": 900},
}
ROLES = ["kelurahan.ekajaya", "kecamatan.paalmerah", "juri1", "panitia", "pejabat", "admin"]
# Common words of the portal's Indonesian interface; none belongs on an English page.
INDONESIAN_UI_WORDS = {
    "simpan",
    "kirim",
    "batal",
    "masuk",
    "keluar",
    "beranda",
    "peserta",
    "penilaian",
    "kembali",
    "tambah",
    "hapus",
    "ubah",
    "unduh",
    "belum",
    "sudah",
    "dan",
    "yang",
    "untuk",
    "dengan",
    "tidak",
    "dari",
    "pada",
    "atau",
    "ini",
    "itu",
    "akan",
    "anda",
    "daftar",
    "cari",
    "lihat",
    "semua",
    "tahap",
    "usulan",
    "usulkan",
    "diusulkan",
    "kategori",
    "hasil",
    "halaman",
    "lembar",
    "dinilai",
    "menunggu",
    "dikirim",
    "ditolak",
    "tersimpan",
    "terverifikasi",
    "pengguna",
    "sandi",
    "tanggal",
    "jumlah",
    "nama",
    "ketua",
    "telepon",
    "alamat",
    "catatan",
    "pilih",
    "periksa",
    "buka",
    "tutup",
    "ringkasan",
    "pemenang",
    "hadiah",
    "wajib",
    "isian",
    "baru",
    "lalu",
    "oleh",
    "bisa",
    "harus",
}
# The page's visible words and the texts a user reads in attributes; the language menu
# (its "Bahasa Indonesia" is meant) and anything marked lang="id" are left out.
PAGE_TEXT = """() => {
  const skip = el => el.closest('script, style, noscript, select[name=language], body [lang=id]');
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement && !skip(node.parentElement) && node.textContent.trim()) {
      texts.push(node.textContent.trim());
    }
  }
  for (const el of document.querySelectorAll('[title], [placeholder], [aria-label], [alt]')) {
    if (skip(el)) continue;
    for (const name of ['title', 'placeholder', 'aria-label', 'alt']) {
      if (el.getAttribute(name)) texts.push(el.getAttribute(name));
    }
  }
  texts.push(document.title);
  return texts;
}"""
DOMAIN_APPS = ("competitions", "indicators", "scoring", "coaching")


def domain_texts() -> list[str]:
    """Every free text of the season's data, longest first (so a name inside a title goes too)."""
    found: set[str] = set()
    for app in DOMAIN_APPS:
        for model in apps.get_app_config(app).get_models():
            fields = [
                field.name
                for field in model._meta.get_fields()
                if isinstance(field, models.CharField | models.TextField) and not field.choices
            ]
            if not fields or model._meta.proxy:
                continue
            for row in model._default_manager.values_list(*fields):
                found.update(value for value in row if isinstance(value, str) and len(value) > 2)
    for first, last in User.objects.values_list("first_name", "last_name"):
        found.update(name for name in (first, last, f"{first} {last}".strip()) if len(name) > 2)
    # The competition's name (Lomba Kampung Bersih, Aman dan Pintar) and its pillars are names.
    found.update({"Bersih, Aman dan Pintar", "Kampung BANTAR"})
    return sorted(found, key=len, reverse=True)


def indonesian_words(page: Any, domain: list[str]) -> list[str]:
    """Indonesian interface words on the page, each with a little of the text around it."""
    text = "\n".join(page.evaluate(PAGE_TEXT))
    for value in domain:
        if value in text:
            text = text.replace(value, " ")
    found = []
    for match in re.finditer(r"[^\W\d_]+", text):
        if match.group(0).lower() in INDONESIAN_UI_WORDS:
            around = text[max(0, match.start() - 30) : match.end() + 30].replace("\n", " / ")
            found.append(f"{match.group(0)!r} in …{around.strip()}…")
    return found


class Walk:
    """The pages visited in English and the Indonesian words each showed."""

    def __init__(self) -> None:
        self.domain = domain_texts()
        self.findings: dict[str, list[str]] = {}

    def refresh(self) -> None:
        """After the walk itself wrote data (an entry's kampung and head of RT)."""
        self.domain = domain_texts()

    def check(self, page: Any, name: str) -> None:
        assert page.evaluate("document.documentElement.lang") == "en", f"{name} is not English"
        words = indonesian_words(page, self.domain)
        if words:
            self.findings[f"{name} ({page.url})"] = words

    def report(self) -> str:
        lines = [f"{len(self.findings)} pages show Indonesian interface words:"]
        for name, words in self.findings.items():
            lines.append(f"- {name}: {len(words)}")
            lines += [f"    {word}" for word in words[:15]]
        return "\n".join(lines)


def sign_in(page: Any, username: str, password: str) -> None:
    """The login form by its fields, whatever language its labels are in."""
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.wait_for_selector('[data-testid="whoami"]', state="attached")


def sign_out(page: Any) -> None:
    # On a tablet the button sits in the collapsed menu: pressed from the script.
    with page.expect_navigation():
        page.locator("nav form[action='/accounts/logout/'] button").evaluate("b => b.click()")


def choose_language(page: Any, code: str) -> None:
    menu = page.locator("select[name=language]")
    if not menu.is_visible():  # a tablet or a phone: the menu is behind the toggler
        page.locator(".navbar-toggler").click()
        menu.wait_for(state="visible")
    with page.expect_navigation():
        menu.select_option(code)


@pytest.fixture
def season(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", verbosity=0)


def test_a_new_user_who_chooses_english_works_in_english(new_page, season):
    eka_jaya = Kelurahan.objects.get(name="Eka Jaya")
    newcomer = User(
        username="kelurahan.baru",
        first_name="Rina",
        last_name="Marlina",
        role=Role.KELURAHAN,
        kelurahan=eka_jaya,
        email="kelurahan.baru@bantar.example",
    )
    newcomer.set_password(DEMO_PASSWORD)
    newcomer.full_clean()
    newcomer.save()
    walk = Walk()
    page = new_page(viewport=DEVICES["desktop"], **ENGLISH_BROWSER)

    # The browser asks for English; the portal answers in Indonesian until the user chooses.
    page.goto("/accounts/login/")
    assert page.evaluate("document.documentElement.lang") == "id"
    assert page.locator("main form button[type=submit]").inner_text().strip() == "Masuk"
    choose_language(page, "en")
    walk.check(page, "login")
    sign_in(page, newcomer.username, DEMO_PASSWORD)
    newcomer.refresh_from_db()
    assert newcomer.language == "en"  # kept for the next browser
    walk.check(page, "kelurahan home")
    page.goto(reverse("entry-list"))
    walk.check(page, "kelurahan entry list")

    # The registration form: its errors, the category preview (a script), the saved entry.
    competition = Competition.objects.get(status=CompetitionStatus.REGISTRATION)
    page.goto(reverse("entry-create", kwargs={"competition_pk": competition.pk}))
    walk.check(page, "entry form")
    with page.expect_navigation():
        page.locator("button[name=propose]").click()
    assert page.locator(".invalid-feedback, .errorlist, .alert-danger").count() > 0
    walk.check(page, "entry form with errors")
    page.locator("#id_new_rt_number").fill("31")
    page.locator("#id_kampung_name").fill("Kampung Harapan Baru")
    page.locator("#id_ketua_rt").fill("Pak Darmawan")
    page.locator("#id_phone").fill("0812 7411 9090")
    page.locator("#id_kk_count").fill("98")
    assert "Rp 7.000.000" in page.locator("#category-preview").inner_text()
    walk.check(page, "entry form, category preview")
    save_screenshot(page, "english-entry-form-desktop")
    with page.expect_navigation():
        page.locator("button[name=propose]").click()
    assert page.get_by_test_id("entry-status").is_visible()
    walk.refresh()
    walk.check(page, "entry proposed")
    sign_out(page)

    # The juror, on the same browser: its list, a scoring page, a level chosen and saved.
    page.set_viewport_size(DEVICES["tablet"])
    sign_in(page, "juri1", DEMO_PASSWORD)
    page.goto(reverse("juror-home"))
    walk.check(page, "juror list")
    juror = User.objects.get(username="juri1")
    task = next(task for task in juror_tasks(juror) if not task.done and not task.excluded)
    page.goto(reverse("scoring-page", args=[task.entry.pk]))
    walk.check(page, "scoring page")
    # The official Indonesian descriptors are marked as such for screen readers.
    assert page.locator(".level-text > span[lang=id]").count() >= 21 * 5
    code = page.evaluate(
        "[...document.querySelectorAll('.score-card')].find(card =>"
        " !card.querySelector('.level-option[aria-checked=true]')).dataset.indicator"
    )
    tap_level(page, code, 3)
    page.wait_for_function(f"() => {ALL_SAVED}")
    assert Score.objects.filter(
        sheet__juror=juror, sheet__entry=task.entry, indicator__code=code, value=3
    ).exists()
    walk.check(page, "scoring page after a level")
    save_screenshot(page, "english-scoring-page-tablet")
    # The compact view's descriptor panel keeps the mark too.
    page.locator("#view-toggle").click()
    page.locator(".descriptors-toggle:visible").first.click()
    assert page.locator(".level-descriptors p span[lang=id]").count() >= 1
    walk.check(page, "scoring page, compact view")
    page.goto(reverse("field-outbox"))
    walk.check(page, "outbox")
    sign_out(page)

    # The public pages, still in English for a visitor.
    for name, url in [
        ("public home", "/"),
        ("public results", reverse("public-results")),
        ("indicator guide", reverse("guide")),
        ("self-check", reverse("selfcheck")),
    ]:
        page.goto(url)
        walk.check(page, name)
        save_screenshot(page, f"english-{name.replace(' ', '-')}-tablet")
    page.goto(reverse("public-results"))
    rt_link = page.locator("main a[href^='/rt/']").first
    if rt_link.count():
        with page.expect_navigation():
            rt_link.click()
        walk.check(page, "public RT page")
    assert not walk.findings, walk.report()


def test_the_field_kits_scripts_speak_english_offline(new_page):
    """The scripts' catalogue is cached with the kit: the outbox reads English with no signal."""
    field_season(rts=2)
    User.objects.filter(username="juri1").update(language="en")
    page = new_page(**TABLET)
    sign_in(page, "juri1", DEMO_PASSWORD)
    prepare_day(page)
    catalogue = page.evaluate(
        "[...document.scripts].map(s => s.src).find(src => src.includes('/jsi18n/en/'))"
    )
    assert catalogue, "the page loads no English catalogue"
    page.context.set_offline(True)
    page.goto(reverse("field-outbox"))
    # Django's catalogue defines `django`; the fallback in once.js does not.
    assert page.evaluate("typeof django === 'object' && typeof django.ngettext === 'function'")
    summary = page.locator("#outbox-summary")
    page.wait_for_function("() => document.getElementById('outbox-summary').textContent !== ''")
    assert summary.inner_text() == "The outbox is empty: the server has accepted all changes."
    assert page.evaluate("ngettext('%(count)s jam lalu', '%(count)s jam lalu', 1)") == (
        "%(count)s hour ago"
    )
    save_screenshot(page, "english-outbox-offline-tablet")
    # A page the kit does not hold: the worker's own page says so in both languages.
    page.goto(reverse("scoring-page", args=[999_999]))
    offline = page.get_by_test_id("field-offline")
    assert offline.locator("section[lang=id] h1").inner_text() == "Belum tersedia tanpa koneksi"
    english = offline.locator("section[lang=en] h1").inner_text()
    assert english and english != "Belum tersedia tanpa koneksi"
    save_screenshot(page, "english-field-offline-page-tablet")
    page.context.set_offline(False)


def test_a_kit_prepared_in_indonesian_is_prepared_again_in_english(new_page):
    """A juror who switches to English after preparing the day finds English pages offline."""
    entries = field_season(rts=2)
    page = new_page(**TABLET)
    sign_in(page, "juri1", DEMO_PASSWORD)
    assert prepare_day(page)["language"] == "id"
    page.goto(reverse("juror-home"))
    choose_language(page, "en")  # back on the list, which prepares the kit again
    state = "BantarField.sw({type: 'status', user: BantarField.user}).then(a => a.state)"
    wait_until(
        lambda: (lambda kit: kit["language"] == "en" and kit["complete"])(page.evaluate(state)),
        message="the kit was not prepared again in English",
    )
    page.context.set_offline(True)
    page.goto(reverse("scoring-page", args=[entries[0].pk]))
    assert page.evaluate("document.documentElement.lang") == "en"
    page.context.set_offline(False)


def test_every_role_home_in_indonesian_and_english(new_page, season):
    """Screenshots of each home in both languages on three screens; English homes in English."""
    walk = Walk()
    for username in ROLES:
        page = new_page(**ENGLISH_BROWSER)
        sign_in(page, username, DEMO_PASSWORD)
        role = username.split(".")[0]
        for language in ("id", "en"):
            page.goto("/")
            if page.evaluate("document.documentElement.lang") != language:
                choose_language(page, language)
            assert page.evaluate("document.documentElement.lang") == language
            for device, size in DEVICES.items():
                page.set_viewport_size(size)
                page.reload()
                save_screenshot(page, f"language-{language}-home-{role}-{device}")
            if language == "en":
                walk.check(page, f"home of {username}")
            else:
                # The check can fail: the same home in Indonesian shows such words.
                assert indonesian_words(page, walk.domain), f"{username}: nothing found in id"
        choose_language(page, "id")
    assert not walk.findings, walk.report()
