"""`caspian import-wordpress`: explains itself, shows what it did, and fails in one line."""

from unittest import mock

import pytest
from click.testing import CliRunner
from django.db import DatabaseError

from caspian.cli import main
from caspian.newsroom.models import ArticlePage
from caspian.wordpress.models import ImportedObject

from ..corpora import path as corpus
from .helpers import THEME_UNIT_TEST, export, item


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def small_export(tmp_path):
    path = tmp_path / "harbour-gazette.xml"
    path.write_bytes(
        export(
            item(1, "Ferries run again", comments=[{"id": 3}]),
            item(2, "Members only", status="private"),
            item(4, "Draft", status="draft"),
            item(5, "Gone", status="trash"),
        )
    )
    return path


@pytest.mark.pure
def test_it_explains_itself(run):
    result = run("import-wordpress", "--help")
    assert result.exit_code == 0
    for option in ("--media-dir", "--dry-run", "--section-map", "--fetch-media"):
        assert option in result.output
    assert "import-wordpress" in run("--help").output


@pytest.mark.django_db
def test_it_imports_and_ends_with_a_summary(run, small_export):
    result = run("import-wordpress", str(small_export))
    assert result.exit_code == 0, result.output
    assert "Imported harbour-gazette.xml from https://news.example.org in" in result.output
    lines = result.output.splitlines()
    table = lines[lines.index(next(line for line in lines if "imported  updated  unchanged  skipped" in line)) :]
    assert table[1].split() == ["posts", "3", "0", "0", "1"]
    assert "  posts: 1 in the trash" in lines
    assert "Posts: 1 live, 1 drafts, 1 behind a login (were private)" in lines
    assert any(line.startswith("  /uncategorized/2024/members-only/  Members only  (login)") for line in lines)
    assert ArticlePage.objects.count() == 3


@pytest.mark.django_db
def test_a_dry_run_says_so_and_keeps_nothing(run, small_export):
    result = run("import-wordpress", "--dry-run", str(small_export))
    assert result.exit_code == 0, result.output
    assert "Dry run of harbour-gazette.xml" in result.output
    assert result.output.rstrip().endswith("Dry run: nothing was changed.")
    assert ArticlePage.objects.count() == 0
    assert ImportedObject.objects.count() == 0


@pytest.mark.django_db
def test_a_broken_export_fails_in_one_line_naming_the_place(run, tmp_path):
    cut = tmp_path / "cut.xml"
    cut.write_bytes(corpus(THEME_UNIT_TEST).read_bytes()[:300_000])
    result = run("import-wordpress", str(cut))
    assert result.exit_code == 1
    error = result.output.strip().splitlines()[-1]
    assert error.startswith("Error: cut.xml is cut short: it stops at line 7373, column 2")
    assert error.endswith("Nothing was imported.")
    assert "Traceback" not in result.output
    assert ArticlePage.objects.count() == 0


@pytest.mark.django_db
def test_an_unknown_section_in_the_map_fails_in_one_line(run, small_export, tmp_path):
    section_map = tmp_path / "sections.txt"
    section_map.write_text("uncategorized = world\n")
    result = run("import-wordpress", "--section-map", str(section_map), str(small_export))
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "Error: sections.txt line 1: this site has no section 'world' (its sections: none yet); "
        "add the section in the admin first, or correct the line. Nothing was imported."
    )


@pytest.mark.django_db
def test_a_database_error_fails_in_one_line(run, small_export):
    with mock.patch("caspian.wordpress.redirects.Redirects.flush", side_effect=DatabaseError("disk I/O error")):
        result = run("import-wordpress", str(small_export))
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "Error: the database refused the import (disk I/O error); nothing was imported: "
        "check DATABASE_URL and run `caspian setup`, then import again"
    )
    assert ArticlePage.objects.count() == 0
