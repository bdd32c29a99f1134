from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from bantar.mail import Mail, mail_send
from bantar.models import MailKind, User

# Django's own Indonesian catalogue leaves these empty, so they are ours.
ERROR_INVALID_LOGIN = _(
    "Masukkan nama pengguna dan kata sandi yang benar. Huruf besar dan kecil dibedakan."
)
ERROR_INACTIVE = _("Akun ini tidak aktif. Hubungi panitia di DPMPPA.")
# Shown on the login page when django-axes refuses a login (bantar/login_protection.py).
ERROR_LOCKED_OUT = _(
    "Terlalu banyak percobaan masuk yang gagal. Demi keamanan, akun ini dikunci sementara. "
    "Coba lagi setelah %(minutes)s menit, atau minta admin portal di DPMPPA membuka kuncinya."
)
ERROR_LOCKED_OUT_PERMANENT = _(
    "Terlalu banyak percobaan masuk yang gagal. Demi keamanan, akun ini dikunci sampai "
    "admin portal di DPMPPA membuka kuncinya."
)


class LoginForm(AuthenticationForm):
    error_messages = {"invalid_login": ERROR_INVALID_LOGIN, "inactive": ERROR_INACTIVE}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Nama pengguna")
        self.fields["password"].label = _("Kata sandi")


# Django's Indonesian catalogue says "sandi" and "anda"; the portal says "kata sandi" and "Anda".
NEW_PASSWORD_HELP = _(
    "Paling sedikit 8 karakter, tidak hanya angka, tidak mirip nama pengguna atau nama Anda, "
    "dan bukan kata sandi yang umum dipakai."
)


class ChosenPasswordMixin:
    """A password the user chose itself: a temporary one from the admin no longer applies."""

    user: User
    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Kata sandi baru")
        self.fields["new_password1"].help_text = NEW_PASSWORD_HELP
        self.fields["new_password2"].label = _("Ulangi kata sandi baru")
        self.fields["new_password2"].help_text = ""
        if "old_password" in self.fields:
            self.fields["old_password"].label = _("Kata sandi sekarang")

    def save(self, commit: bool = True) -> User:
        self.user.must_change_password = False
        return super().save(commit)  # type: ignore[misc]


class OwnPasswordChangeForm(ChosenPasswordMixin, PasswordChangeForm):
    """/accounts/password/: the old password, then the new one twice."""


class ResetPasswordSetForm(ChosenPasswordMixin, SetPasswordForm):
    """The page a reset link opens: the new password twice."""


class LoggedPasswordResetForm(PasswordResetForm):
    """Django's reset form, sending through `bantar.mail` so that a failure is logged.

    Like Django's, it says the same whether or not the address belongs to an account.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Alamat surel")

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = " ".join(render_to_string(subject_template_name, context).split())
        body = render_to_string(email_template_name, context)
        mail_send(mail=Mail(kind=MailKind.PASSWORD_RESET, to=to_email, subject=subject, body=body))


class TemporaryPasswordForm(AdminPasswordChangeForm):
    """The admin's password form for a user, which may make the new password temporary."""

    must_change = forms.BooleanField(
        label=_("Kata sandi sementara: wajib diganti saat masuk berikutnya"),
        required=False,
        initial=True,
    )

    def save(self, commit: bool = True) -> User:
        self.user.must_change_password = self.cleaned_data.get("must_change", False)
        return super().save(commit)
