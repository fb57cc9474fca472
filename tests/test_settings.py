"""Settings come from the environment; production refuses to start without its secrets."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DEBUG",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests for their own process
            "PDP_ENCRYPTION_KEYS",
        }
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check_with_no_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="emilia.settings.production",
        SECRET_KEY="k" * 20 + "-a-long-random-enough-test-key-" + "z" * 20,
        ALLOWED_HOSTS="courses.example.org",
        PDP_ENCRYPTION_KEYS="bGVhcm5pbmctcHJvZmlsZS10ZXN0LWtleS0wMDAwMDA=",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_refuses_a_missing_or_malformed_pdp_key():
    # An empty value is set on purpose: it also stops a developer's .env from supplying one.
    for keys, message in (("", "is not set"), ("not-a-key", "malformed key")):
        result = manage(
            "check",
            "--deploy",
            DJANGO_SETTINGS_MODULE="emilia.settings.production",
            SECRET_KEY="k" * 60,
            ALLOWED_HOSTS="courses.example.org",
            PDP_ENCRYPTION_KEYS=keys,
        )
        assert result.returncode != 0
        assert "learning_profile.E001" in result.stderr and message in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = manage(
        "check",
        DJANGO_SETTINGS_MODULE="emilia.settings.production",
        ALLOWED_HOSTS="courses.example.org",
        SECRET_KEY="",
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = manage(
        "check",
        DJANGO_SETTINGS_MODULE="emilia.settings.production",
        SECRET_KEY="s" * 60,
        ALLOWED_HOSTS="",
    )
    assert result.returncode != 0
    assert "Set ALLOWED_HOSTS" in result.stderr


def test_database_and_cache_come_from_the_environment():
    code = (
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE']); "
        "print(settings.CACHES['default']['BACKEND']); "
        "print(settings.CACHES['limits']['BACKEND'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "emilia.settings.dev",
            "DATABASE_URL": "postgresql://someone@db.example:5432/emilia",
            "REDIS_URL": "redis://cache.example:6379/0",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "emilia.cache.TolerantRedisCache",  # pages: reads as empty while Redis is down
        "django.core.cache.backends.redis.RedisCache",  # limits: fails closed
    ]
