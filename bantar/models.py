"""Users of the portal and the role each one plays.

A user's region scope lives on the user: a petugas kelurahan belongs to one
kelurahan, a petugas kecamatan to one kecamatan. Every queryset that a view,
the admin or an export uses is narrowed by `for_user(user)` from this scope.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    KELURAHAN = "kelurahan", _("Petugas kelurahan")
    KECAMATAN = "kecamatan", _("Petugas kecamatan")
    JURI = "juri", _("Juri")
    PANITIA = "panitia", _("Panitia")
    PEJABAT = "pejabat", _("Pejabat kota")
    ADMIN = "admin", _("Admin")


# Roles that see the whole city.
CITY_WIDE_ROLES = frozenset({Role.PANITIA, Role.PEJABAT, Role.ADMIN})

ERROR_KELURAHAN_REQUIRED = _("Petugas kelurahan harus terhubung ke satu kelurahan.")
ERROR_KECAMATAN_REQUIRED = _("Petugas kecamatan harus terhubung ke satu kecamatan.")
ERROR_REGION_NOT_ALLOWED = _(
    "Peran ini tidak terikat pada wilayah; kosongkan kelurahan dan kecamatan."
)


class User(AbstractUser):
    role = models.CharField(_("peran"), max_length=16, choices=Role.choices, default=Role.JURI)
    kecamatan = models.ForeignKey(
        "competitions.Kecamatan",
        verbose_name=_("kecamatan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
    )
    kelurahan = models.ForeignKey(
        "competitions.Kelurahan",
        verbose_name=_("kelurahan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
    )
    phone = models.CharField(_("telepon"), max_length=20, blank=True)
    # Set with a temporary password by the admin: every page leads to the password change
    # until the user has chosen its own (bantar/password_policy.py).
    must_change_password = models.BooleanField(
        _("wajib ganti kata sandi"),
        default=False,
        help_text=_("Pengguna harus mengganti kata sandinya sebelum membuka halaman lain."),
    )
    # The language menu's choice (bantar/language.py); empty: none yet, so Indonesian unless
    # the visitor's cookie says otherwise. The browser's language is never used.
    language = models.CharField(
        _("bahasa"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("Bahasa tampilan yang dipilih pengguna di menu bahasa."),
    )

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def clean(self) -> None:
        super().clean()
        if self.role == Role.KELURAHAN and self.kelurahan_id is None:
            raise ValidationError({"kelurahan": ERROR_KELURAHAN_REQUIRED})
        if self.role == Role.KECAMATAN and self.kecamatan_id is None:
            raise ValidationError({"kecamatan": ERROR_KECAMATAN_REQUIRED})
        if self.role in {Role.PANITIA, Role.PEJABAT} and (self.kelurahan_id or self.kecamatan_id):
            raise ValidationError(ERROR_REGION_NOT_ALLOWED)

    @property
    def is_city_wide(self) -> bool:
        return self.is_superuser or self.role in CITY_WIDE_ROLES

    def has_role(self, *roles: str) -> bool:
        return self.is_authenticated and (
            self.role in roles or (self.is_superuser and Role.ADMIN in roles)
        )

    @property
    def scope_label(self) -> str:
        """The region this user works for, as people say it."""
        if self.role == Role.KELURAHAN and self.kelurahan:
            return str(self.kelurahan)
        if self.role == Role.KECAMATAN and self.kecamatan:
            return str(self.kecamatan)
        return str(_("Kota Jambi"))


class MailKind(models.TextChoices):
    ENTRY_RETURNED = "entry_returned", _("Usulan dikembalikan")
    DIGEST = "digest", _("Ringkasan harian kecamatan")
    ASSIGNED = "assigned", _("Penugasan juri")
    SHEET_REOPENED = "sheet_reopened", _("Lembar nilai dibuka kembali")
    PUBLISHED = "published", _("Hasil diumumkan")
    PASSWORD_RESET = "password_reset", _("Atur ulang kata sandi")


class MailStatus(models.TextChoices):
    SENT = "sent", _("Terkirim")
    FAILED = "failed", _("Gagal")


class MailLog(models.Model):
    """One e-mail the portal tried to send, and whether the mail server took it.

    Written by `bantar.mail.mail_send` after the action that caused the mail has been
    committed, so a failure is recorded here without undoing that action; the panitia
    sees failures on its home page and on /surel/.
    """

    created_at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("jenis"), max_length=20, choices=MailKind.choices)
    recipients = models.TextField(_("penerima"))
    subject = models.CharField(_("judul"), max_length=200)
    status = models.CharField(_("status"), max_length=8, choices=MailStatus.choices)
    error = models.TextField(_("kesalahan"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("catatan surel")
        verbose_name_plural = _("catatan surel")

    def __str__(self) -> str:
        return f"{self.subject} -> {self.recipients} ({self.get_status_display()})"
