from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from bantar import language, views
from bantar.forms import (
    LoggedPasswordResetForm,
    LoginForm,
    OwnPasswordChangeForm,
    ResetPasswordSetForm,
)

admin.site.site_header = _("Administrasi Portal BANTAR")
admin.site.site_title = _("Portal BANTAR")

# Error pages in the portal's layout and the user's language (bantar/views.py); 500 is
# Django's own handler with the plain templates/500.html.
handler400 = "bantar.views.bad_request"
handler403 = "bantar.views.permission_denied"
handler404 = "bantar.views.page_not_found"

urlpatterns = [
    path("", include("season.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(form_class=OwnPasswordChangeForm),
        name="password_change",
    ),
    path(
        "accounts/password/selesai/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # Forgotten password: a link by e-mail (Django's views, templates/registration/).
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(
            form_class=LoggedPasswordResetForm,
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "accounts/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=ResetPasswordSetForm),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("surel/", views.mail_log, name="mail-log"),
    # The language menu: Django's set_language, and the choice kept on the user.
    path("i18n/setlang/", language.set_language, name="set_language"),
    # The scripts' strings (Django's JavaScriptCatalog, from locale/*/djangojs.po).
    path(
        "jsi18n/<str:language>/<str:version>.js",
        language.javascript_catalog,
        name="javascript-catalog",
    ),
    path("", include("indicators.urls")),
    path("", include("competitions.urls")),
    path("", include("scoring.urls")),
    path("", include("documents.urls")),
    path("", include("coaching.urls")),
    path("admin/", admin.site.urls),
]
