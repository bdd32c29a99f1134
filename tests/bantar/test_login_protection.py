"""Repeated wrong passwords lock a username on one address for a while (django-axes)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.db.models import F
from django.test import RequestFactory

from bantar.forms import ERROR_INVALID_LOGIN, ERROR_LOCKED_OUT
from bantar.login_protection import client_ip
from season.management.commands.seed_demo import DEMO_PASSWORD
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED_OUT_15 = str(ERROR_LOCKED_OUT % {"minutes": 15})
OFFICE = "10.20.30.40"


def log_in(client, username: str, password: str, *, address: str = OFFICE, url: str = ""):
    return client.post(
        url or "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def fail(client, username: str, times: int, *, address: str = OFFICE):
    for _ in range(times):
        response = log_in(client, username, "bukan-sandinya", address=address)
    return response


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_then_the_right_one_is_refused_in_indonesian(client, panitia):
    assert str(ERROR_INVALID_LOGIN) in fail(client, "panitia", 4).content.decode()

    fifth = fail(client, "panitia", 1)
    assert fifth.status_code == 429
    assert LOCKED_OUT_15 in fifth.content.decode()

    right = log_in(client, "panitia", PASSWORD)
    page = right.content.decode()
    assert right.status_code == 429
    assert LOCKED_OUT_15 in page
    assert "Masuk ke Portal BANTAR" in page  # the portal's login page, not a bare 403
    assert 'value="panitia"' in page
    assert not is_logged_in(client)


def test_four_wrong_passwords_do_not_lock(client, panitia):
    fail(client, "panitia", 4)
    response = log_in(client, "panitia", PASSWORD)
    assert response.status_code == 302
    assert is_logged_in(client)


def test_a_successful_login_forgets_earlier_mistakes(client, panitia):
    fail(client, "panitia", 4)
    log_in(client, "panitia", PASSWORD)
    client.post("/accounts/logout/")
    fail(client, "panitia", 4)
    assert log_in(client, "panitia", PASSWORD).status_code == 302


def test_another_username_from_the_same_address_is_not_locked(client, panitia, pejabat):
    fail(client, "panitia", 5)
    response = log_in(client, "pejabat", PASSWORD)
    assert response.status_code == 302
    assert is_logged_in(client)


def test_the_same_username_from_another_address_is_not_locked(client, panitia):
    fail(client, "panitia", 5)
    response = log_in(client, "panitia", PASSWORD, address="10.99.0.7")
    assert response.status_code == 302


def test_after_the_cool_off_the_user_can_log_in(client, panitia):
    fail(client, "panitia", 5)
    # Let 14 minutes pass: still locked.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=14))
    assert log_in(client, "panitia", PASSWORD).status_code == 429
    # Two more: the cool-off of 15 minutes has passed.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=2))
    response = log_in(client, "panitia", PASSWORD)
    assert response.status_code == 302
    assert is_logged_in(client)


def test_an_admin_can_unlock_a_username_at_once(client, panitia):
    fail(client, "panitia", 5)
    call_command("axes_reset_username", "panitia", stdout=None)
    assert log_in(client, "panitia", PASSWORD).status_code == 302


def test_the_limits_are_settings(client, panitia, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    fail(client, "panitia", 1)
    response = fail(client, "panitia", 1)
    assert response.status_code == 429
    assert str(ERROR_LOCKED_OUT % {"minutes": 30}) in response.content.decode()


def test_the_admin_login_is_guarded_as_well(client, admin_user):
    for _ in range(5):
        response = log_in(client, "admin", "bukan-sandinya", url="/admin/login/")
    assert response.status_code == 429
    assert LOCKED_OUT_15 in response.content.decode()
    assert log_in(client, "admin", PASSWORD).status_code == 429


def test_the_demo_accounts_still_log_in_after_a_few_typos(client):
    call_command("seed_demo", verbosity=0)
    fail(client, "juri1", 3)
    response = client.post(
        "/accounts/login/",
        {"username": "juri1", "password": DEMO_PASSWORD},
        REMOTE_ADDR=OFFICE,
        follow=True,
    )
    assert response.status_code == 200
    assert response.context["user"].username == "juri1"


def test_a_weak_password_is_refused_when_an_admin_changes_it(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    assert "Kata sandi ini terlalu umum." in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.check_password(PASSWORD)

    strong = "Tanjung-Pinang-berbunga-7"
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": strong, "new_password2": strong},
    )
    assert response.status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.check_password(strong)


def forwarded_request(forwarded: str, remote: str = "127.0.0.1"):
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=remote)
    if forwarded:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        # No proxy trusted (the default): the header is the client's own word, ignored.
        (0, "", "198.51.100.7"),
        (0, "203.0.113.9", "198.51.100.7"),
        # One proxy (nginx appends the address it saw): the last entry; the client's own
        # entries before it are ignored.
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        (1, "", "198.51.100.7"),  # not through the proxy at all
        (1, "1.2.3.4, unknown", "198.51.100.7"),  # not written by nginx: not believed
        # Two proxies (a load balancer, then nginx): the second entry from the right.
        (2, "1.2.3.4, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (2, "203.0.113.9", "198.51.100.7"),  # fewer entries than proxies
    ],
)
def test_the_client_address_trusts_exactly_the_configured_proxies(
    settings, proxies, forwarded, expected
):
    settings.BANTAR_TRUSTED_PROXIES = proxies
    assert client_ip(forwarded_request(forwarded, remote="198.51.100.7")) == expected


def test_a_direct_client_cannot_escape_the_lockout_by_forging_its_address(client, panitia):
    for number in range(5):
        response = client.post(
            "/accounts/login/",
            {"username": "panitia", "password": "bukan-sandinya"},
            REMOTE_ADDR=OFFICE,
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}",
        )
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {OFFICE}


def test_behind_nginx_the_address_nginx_saw_counts(client, panitia, settings):
    settings.BANTAR_TRUSTED_PROXIES = 1
    for _ in range(5):
        client.post(
            "/accounts/login/",
            {"username": "panitia", "password": "bukan-sandinya"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9",
        )
    elsewhere = client.post(
        "/accounts/login/",
        {"username": "panitia", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.10",
    )
    assert AccessAttempt.objects.get().ip_address == "203.0.113.9"
    assert elsewhere.status_code == 302  # another client behind the same nginx


# --- Many usernames from one address (password spraying) ---------------------------------

PER_ADDRESS = 20


def spray(client, count: int, *, address: str = OFFICE):
    """One wrong password for each of `count` different usernames."""
    for number in range(count):
        response = log_in(client, f"warga{number}", "bukan-sandinya", address=address)
    return response


def test_twenty_failures_across_accounts_lock_the_address_out(client, panitia):
    assert spray(client, PER_ADDRESS - 1).status_code == 200  # each name failed once only

    twentieth = spray(client, 1)
    right = log_in(client, "panitia", PASSWORD)

    assert twentieth.status_code == 429
    assert right.status_code == 429
    assert LOCKED_OUT_15 in right.content.decode()
    assert not is_logged_in(client)


def test_the_address_limit_spares_other_addresses_and_ends_with_the_cool_off(client, panitia):
    spray(client, PER_ADDRESS)
    assert log_in(client, "panitia", PASSWORD, address="10.99.0.7").status_code == 302
    client.post("/accounts/logout/")

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))

    assert log_in(client, "panitia", PASSWORD).status_code == 302


def test_the_address_limit_is_a_setting(client, panitia, settings):
    settings.BANTAR_LOGIN_FAILURES_PER_ADDRESS = 3
    assert spray(client, 3).status_code == 429

    settings.BANTAR_LOGIN_FAILURES_PER_ADDRESS = 0  # off
    assert log_in(client, "panitia", PASSWORD).status_code == 302


def test_a_proxy_that_is_not_trusted_does_not_lock_the_whole_city_out(client, panitia):
    # Behind nginx with BANTAR_TRUSTED_PROXIES left at 0, every client is 127.0.0.1.
    spray(client, PER_ADDRESS + 5, address="127.0.0.1")

    assert log_in(client, "panitia", PASSWORD, address="127.0.0.1").status_code == 302


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "0"),
        ({"BANTAR_TRUSTED_PROXIES": "1"}, "1"),
        ({"BANTAR_BEHIND_PROXY": "true"}, "1"),  # the older setting still means one proxy
        ({"BANTAR_BEHIND_PROXY": "false"}, "0"),
        ({"BANTAR_BEHIND_PROXY": "true", "BANTAR_TRUSTED_PROXIES": "2"}, "2"),
    ],
)
def test_production_trusts_no_proxy_unless_told(environment, expected):
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "DEBUG",
            "ALLOWED_HOSTS",
            "BANTAR_TRUSTED_PROXIES",
            "BANTAR_BEHIND_PROXY",
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bantar.settings_production",
        SECRET_KEY="x7#Gq2!pZ9@wL4$vN8^tR1&yK6*hJ3(mB5)cD0-eF2+aS9=uQ7",
        ALLOWED_HOSTS="bantar.jambikota.go.id",
        **environment,
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from bantar import settings_production as s; print(s.BANTAR_TRUSTED_PROXIES)",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected
