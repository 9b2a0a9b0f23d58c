"""The docs describe what the code does: the CLI reference is regenerated from --help."""

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.pure

ROOT = Path(__file__).resolve().parent.parent


def load_script(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_current():
    expected = load_script("cli_reference").reference()
    assert (ROOT / "docs" / "cli.md").read_text() == expected, "run `make docs` to refresh docs/cli.md"


def test_readme_quick_start_is_the_two_make_commands():
    readme = (ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = [line.strip() for line in quick_start.splitlines() if line.startswith(("make ", "    make "))]
    assert [c.split()[1] for c in commands] == ["demo", "test"]
    assert "make test" in (ROOT / ".ci" / "run").read_text()
