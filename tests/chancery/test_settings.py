"""Settings are parsed strictly: each bad value stops the process with a message naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_SECRET = "x" * 20 + "-a-long-random-production-secret-key-0123456789"
CLEARED = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "CHANCERY_ENV", "DATABASE_REPLICA_URLS")


def load_settings(**env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in CLEARED}
    base.update(env)
    code = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER, settings.DEBUG)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60)


def test_defaults_give_a_development_instance_on_sqlite_with_in_process_tasks(tmp_path):
    result = load_settings(DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "True"]


def test_a_redis_url_switches_tasks_to_the_broker(tmp_path):
    result = load_settings(DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3", REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "False"


def test_a_postgres_url_selects_postgresql():
    result = load_settings(DATABASE_URL="postgres://u:p@127.0.0.1:5432/chancery")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "django.db.backends.postgresql"


def test_replica_urls_add_a_read_alias_each_and_the_router():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASE_REPLICAS, settings.DATABASE_ROUTERS, settings.DATABASES['replica2']['PORT'], "
        "settings.DATABASES['replica2']['TEST']['MIRROR'])"
    )
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env |= {
        "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/chancery",
        "DATABASE_REPLICA_URLS": "postgres://u:p@127.0.0.1:5433/chancery,postgres://u:p@127.0.0.1:5434/chancery",
    }
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ("['replica1', 'replica2'] ['core.replicas.ReplicaRouter'] 5434 default")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"DATABASE_REPLICA_URLS": "postgres://u@h/db"},
            "DATABASE_REPLICA_URLS are replicas of a PostgreSQL DATABASE_URL",
        ),
        (
            {"DATABASE_URL": "postgres://u@h/db", "DATABASE_REPLICA_URLS": "postgres://u@h/db,mysql://u@h/db"},
            "DATABASE_REPLICA_URLS (URL 2)='mysql://u@h/db' is not a supported database URL",
        ),
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL='mysql://u@h/db' is not a supported database URL"),
        ({"REDIS_URL": "http://127.0.0.1"}, "REDIS_URL='http://127.0.0.1' must start with redis://"),
        ({"CHANCERY_ENV": "staging"}, "CHANCERY_ENV='staging' must be one of development, production"),
        ({"ALLOWED_HOSTS": "a.org,,b.org"}, "ALLOWED_HOSTS='a.org,,b.org' has an empty item"),
        ({"CELERY_TASK_TIME_LIMIT": "soon"}, "CELERY_TASK_TIME_LIMIT='soon' is not an integer"),
        ({"INTAKE_FETCH_MAX_BYTES": "5MB"}, "INTAKE_FETCH_MAX_BYTES='5MB' is not an integer"),
        ({"INTAKE_FETCH_TIMEOUT": "0"}, "INTAKE_FETCH_TIMEOUT=0 must be at least 1"),
    ],
)
def test_a_bad_value_fails_at_start_naming_the_variable(env, message):
    result = load_settings(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_news_intake_fetches_nothing_private_and_within_bounds_by_default(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.INTAKE_FETCH_ALLOW_HOSTS, s.INTAKE_FETCH_CONNECT_TIMEOUT, s.INTAKE_FETCH_READ_TIMEOUT, "
        "s.INTAKE_FETCH_TIMEOUT, s.INTAKE_FETCH_MAX_BYTES)"
    )
    env = {k: v for k, v in os.environ.items() if k not in CLEARED and not k.startswith("INTAKE_")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/x.sqlite3"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[] 5 10 30 5242880"


def test_production_refuses_the_development_secret_key():
    result = load_settings(
        CHANCERY_ENV="production", ALLOWED_HOSTS="chancery.example.org", REDIS_URL="redis://r:6379/0"
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = load_settings(CHANCERY_ENV="production", SECRET_KEY=GOOD_SECRET, REDIS_URL="redis://r:6379/0")
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_with_real_settings_starts_with_debug_off():
    result = load_settings(
        CHANCERY_ENV="production",
        SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="chancery.example.org",
        REDIS_URL="redis://127.0.0.1:6379/0",
        DATABASE_URL="postgres://u:p@127.0.0.1:5432/chancery",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False", "False"]


def test_production_settings_pass_the_deployment_checks():
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(
        CHANCERY_ENV="production",
        SECRET_KEY=GOOD_SECRET,
        ALLOWED_HOSTS="chancery.example.org",
        REDIS_URL="redis://127.0.0.1:6379/0",
        DATABASE_URL="postgres://u:p@127.0.0.1:5432/chancery",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
