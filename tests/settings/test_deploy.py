"""A real installation cannot start on secrets printed in this repository, and mail
is configured by one strict EMAIL_URL: what an admin gets wrong in .env stops
start-up with a message saying what to set, instead of running unsafely."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from syncapp.settings.env import email_from_url

ROOT = Path(__file__).resolve().parents[2]
OWN = {
    "SECRET_KEY": "a-real-installation-key-0123456789-abcdefghijklmnop",
    "ENCRYPTION_KEY": "bXktb3duLWVuY3J5cHRpb24ta2V5LWZvci10ZXN0cyE=",
    "DATABASE_URL": "postgres://syncapp:my-own-password@postgres:5432/syncapp",
}
PUBLISHED = {
    "SECRET_KEY": "insecure-compose-default-set-SECRET_KEY-in-.env",
    "ENCRYPTION_KEY": "C5INbLnyxeeyn8ADx4goCOWyMoYKxte5Mt6DtGvXyIg=",
    "DATABASE_URL": "postgres://syncapp:syncapp@postgres:5432/syncapp",
}


PRINT_MAIL_SETTINGS = "from django.conf import settings as s; " \
                      "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS)"


def start(settings_module: str, code: str = PRINT_MAIL_SETTINGS,
          **values) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter, as gunicorn would, then run `code`."""
    env = {key: value for key, value in os.environ.items()
           if key not in {*OWN, "SYNCAPP_DEMO", "EMAIL_URL"}}
    env.update(DJANGO_SETTINGS_MODULE=settings_module, **values)
    return subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code],
                          check=False, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)


def test_production_refuses_every_published_secret_and_says_what_to_set():
    started = start("syncapp.settings.base", **PUBLISHED)
    assert started.returncode != 0
    message = started.stderr.strip().splitlines()[-1]
    for name in ("SECRET_KEY", "ENCRYPTION_KEY", "POSTGRES_PASSWORD", "SYNCAPP_DEMO=1"):
        assert name in message


def test_one_published_secret_among_own_ones_is_named_alone():
    mixed = {**OWN, "ENCRYPTION_KEY": PUBLISHED["ENCRYPTION_KEY"]}
    started = start("syncapp.settings.base", **mixed)
    message = started.stderr.strip().splitlines()[-1]
    assert "ENCRYPTION_KEY" in message and "SECRET_KEY (" not in message


def test_a_trial_with_syncapp_demo_starts_on_the_published_secrets():
    assert start("syncapp.settings.base", SYNCAPP_DEMO="1", **PUBLISHED).returncode == 0


def test_own_secrets_start_and_dev_settings_never_refuse():
    assert start("syncapp.settings.base", **OWN).returncode == 0
    assert start("syncapp.settings.dev", **PUBLISHED).returncode == 0


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ENCRYPTION_KEY", "DATABASE_URL"])
def test_a_missing_secret_stops_start_up_naming_it(missing):
    values = {name: value for name, value in OWN.items() if name != missing}
    started = start("syncapp.settings.base", **values)
    assert started.returncode != 0
    assert missing in started.stderr.strip().splitlines()[-1]


def test_email_url_configures_smtp_in_the_production_settings():
    started = start("syncapp.settings.base", EMAIL_URL="smtp://ana:pw@mail.example:587?tls=1",
                    **OWN)
    assert started.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend", "mail.example", "587", "True",
    ]


def test_smtp_url_with_an_escaped_password_and_starttls():
    mail = email_from_url("smtp://apikey:p%40ss%2Fword@smtp.sendgrid.net:587?tls=1")
    assert (mail["EMAIL_HOST"], mail["EMAIL_PORT"], mail["EMAIL_HOST_USER"]) == (
        "smtp.sendgrid.net", 587, "apikey")
    assert (mail["EMAIL_HOST_PASSWORD"], mail["EMAIL_USE_TLS"], mail["EMAIL_USE_SSL"]) == (
        "p@ss/word", True, False)


def test_console_url_prints_mail_instead_of_sending_it():
    assert email_from_url("console://") == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}


def test_file_url_writes_each_message_into_that_folder(tmp_path):
    folder = tmp_path / "mail box"
    sent = start("syncapp.settings.base", EMAIL_URL=f"file://{folder}".replace(" ", "%20"),
                 code="from django.core.mail import send_mail; "
                      "send_mail('Hello', 'Body line', None, ['ops@acme.example'])", **OWN)
    assert sent.returncode == 0, sent.stderr
    [written] = folder.iterdir()
    assert "To: ops@acme.example" in written.read_text()
    assert "Body line" in written.read_text()


def test_smtp_url_without_port_or_options_is_plain_port_25():
    mail = email_from_url("smtp://relay.internal")
    assert (mail["EMAIL_PORT"], mail["EMAIL_USE_TLS"], mail["EMAIL_HOST_USER"]) == (25, False, "")


@pytest.mark.parametrize(("bad", "says"), [
    ("smtps://u:p@host:465", "smtp://, console:// or file://"),
    ("host:587", "smtp://, console:// or file://"),
    ("file://relative/mail", "absolute folder"),
    ("file:///var/mail?keep=1", "absolute folder"),
    ("smtp://u:p@host:port?tls=1", "not a number"),
    ("smtp://u:p@:587", "needs a host"),
    ("smtp://u:p@host:587?tsl=1", "unknown option"),
    ("smtp://u:p@host:587?tls=maybe", "must be 1 or 0"),
    ("smtp://u:p@host:587?tls=1&ssl=1", "not both"),
])
def test_malformed_email_urls_stop_start_up_without_echoing_the_password(bad, says):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL") as refused:
        email_from_url(bad)
    assert says in str(refused.value)
    assert ":p@" not in str(refused.value)
