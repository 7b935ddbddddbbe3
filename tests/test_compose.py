"""docker-compose.yml, the Makefile and CI agree with each other.

No Docker engine is needed: the compose file is parsed as YAML and compared with the
Makefile's server commands. No database access either.
"""

import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
SHARED_SETTINGS = ("CHANCERY_ENV", "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


@pytest.fixture(scope="module")
def makefile_variables():
    """Simple `NAME := value` assignments from the Makefile."""
    variables = {}
    for line in (ROOT / "Makefile").read_text().splitlines():
        match = re.match(r"^([A-Z_]+)\s*:?=\s*(.*?)\s*$", line)
        if match:
            variables[match.group(1)] = match.group(2)
    return variables


def environment(service: dict) -> dict:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return env


def command_text(service: dict) -> str:
    command = service["command"]
    return command if isinstance(command, str) else " ".join(command)


def test_the_six_services_exist(services):
    assert {"db", "replica", "redis", "web", "worker", "beat"} <= set(services)


def test_worker_and_web_share_database_settings(services):
    web = environment(services["web"])
    for name in APP_SERVICES:
        env = environment(services[name])
        for key in ("DATABASE_URL", "REDIS_URL", "CHANCERY_ENV"):
            assert env.get(key) == web.get(key), f"{name} has a different {key} from web"


def test_app_services_run_in_production_against_db_and_redis(services):
    env = environment(services["web"])
    assert env["CHANCERY_ENV"] == "production"
    assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379/")


def test_secret_key_must_come_from_the_host_environment(services):
    for name in APP_SERVICES:
        env = environment(services[name])
        for key in SHARED_SETTINGS:
            assert key in env, f"{name} does not set {key}"
        assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]+\}", env["SECRET_KEY"]), f"{name}: SECRET_KEY is not required"
        assert env["ALLOWED_HOSTS"] == "${ALLOWED_HOSTS:-localhost}"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_healthy_db_and_redis(services, name):
    depends_on = services[name].get("depends_on")
    assert isinstance(depends_on, dict), f"{name}: depends_on must use the long form with conditions"
    for dependency in ("db", "redis"):
        assert depends_on.get(dependency, {}).get("condition") == "service_healthy", (
            f"{name} does not wait for {dependency} to be healthy"
        )


@pytest.mark.parametrize("name", ("db", "redis", "web"))
def test_db_redis_and_web_have_healthchecks(services, name):
    healthcheck = services[name].get("healthcheck")
    assert healthcheck and healthcheck.get("test"), f"{name} has no healthcheck"


def test_web_healthcheck_asks_the_health_endpoint(services):
    test = services["web"]["healthcheck"]["test"]
    text = test if isinstance(test, str) else " ".join(test)
    assert "http://127.0.0.1:8000/health/" in text
    assert "urllib" in text


def test_db_keeps_its_data_in_a_named_volume(compose, services):
    named = set(compose.get("volumes") or {})
    sources = [str(volume).split(":", 1)[0] for volume in services["db"].get("volumes", [])]
    assert any(source in named for source in sources), "db data is not on a volume declared under top-level volumes"


def test_worker_and_beat_run_the_makefile_commands(services, makefile_variables):
    worker = makefile_variables["CELERY_WORKER"]
    beat = makefile_variables["CELERY_BEAT"]
    assert "celery -A chancery worker" in worker
    assert "celery -A chancery beat" in beat
    assert shlex.split(command_text(services["worker"])) == shlex.split(worker)
    assert shlex.split(command_text(services["beat"])) == shlex.split(beat)


def test_web_runs_migrate_and_load_datasets_then_the_makefile_gunicorn(services, makefile_variables):
    command = command_text(services["web"])
    gunicorn = makefile_variables["GUNICORN"]
    assert gunicorn.startswith("gunicorn chancery.wsgi")
    assert gunicorn in command
    assert "-b 0.0.0.0:8000" in command
    # As make run does: the shipped datasets are loaded (skipped when unchanged) before serving.
    assert command.index("migrate --noinput") < command.index("load_datasets") < command.index(gunicorn)
    assert "load_datasets" in (ROOT / "scripts" / "run.sh").read_text()


def test_ci_runs_make_test():
    script = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^(exec\s+)?make test\b", script, re.MULTILINE)


def test_web_and_worker_share_the_volume_uploaded_imports_are_written_to(compose, services):
    # The admin saves an uploaded file on web; the Celery worker opens it.
    for name in ("web", "worker"):
        assert "media:/app/var/media" in services[name].get("volumes", []), name
    assert "media" in compose["volumes"]


def test_a_replica_streams_from_db_and_the_app_reads_from_it(compose, services):
    replica = services["replica"]
    assert replica["image"] == services["db"]["image"]
    assert replica["depends_on"]["db"]["condition"] == "service_healthy"
    command = command_text(replica)
    # Made from db on first start (-R writes the settings that make it follow), then served.
    assert "pg_basebackup -h db -U chancery" in command and " -R " in command
    assert command.rstrip().endswith("exec gosu postgres postgres")
    assert "replica-data:/var/lib/postgresql/data" in replica["volumes"] and "replica-data" in compose["volumes"]
    assert "pg_isready" in replica["healthcheck"]["test"]
    for name in APP_SERVICES:
        assert (
            environment(services[name])["DATABASE_REPLICA_URLS"] == "postgres://chancery:chancery@replica:5432/chancery"
        )
    # db lets it stream: the init script it mounts adds a replication line to pg_hba.conf.
    script, target = next(v for v in services["db"]["volumes"] if "initdb.d" in v).split(":")[:2]
    assert target.startswith("/docker-entrypoint-initdb.d/")
    assert "host replication $POSTGRES_USER" in (ROOT / script).read_text()
