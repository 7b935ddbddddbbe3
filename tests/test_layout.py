"""The layout docs/architecture.md describes, held: modules stay small enough to read.

(The import rule between apps is import-linter's, in `make lint`; this is what it cannot see.)"""

from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
MAX_LINES = 400
SKIPPED = {".venv", ".git", "tests", "bench", "migrations", "node_modules", "static", "staticfiles", "var"}


def application_modules():
    for path in sorted(ROOT.rglob("*.py")):
        if not SKIPPED.intersection(path.relative_to(ROOT).parts):
            yield path


def test_no_module_of_the_application_is_over_400_lines():
    modules = list(application_modules())
    assert len(modules) > 100, "the walk found too few modules to prove anything"
    long = {str(path.relative_to(ROOT)): n for path in modules if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert long == {}, (
        f"split these into modules of at most {MAX_LINES} lines (a module that grows becomes a package): {long}"
    )


def test_the_project_package_holds_configuration_only():
    names = sorted(path.name for path in (ROOT / "chancery").iterdir() if path.suffix == ".py")
    assert names == [
        "__init__.py",
        "asgi.py",
        "celery.py",
        "env.py",
        "settings.py",
        "settings_intake.py",
        "urls.py",
        "wsgi.py",
    ]
