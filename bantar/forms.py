from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

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
