"""The `caspian` command, run in-process with click's CliRunner."""

import pytest
from click.testing import CliRunner
from django.contrib.auth import authenticate, get_user_model

from caspian.cli import main
from caspian.newsroom.models import HomePage

COMMANDS = ["createadmin", "demo", "import-wordpress", "manage", "serve", "setup", "worker"]


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args, **kwargs: runner.invoke(main, list(args), catch_exceptions=False, **kwargs)


@pytest.mark.pure
def test_every_command_explains_itself(run):
    result = run("--help")
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.output
        help_text = run(command, "--help")
        assert help_text.exit_code == 0
        assert len(help_text.output.splitlines()) > 3, command
    assert "--no-serve" in run("demo", "--help").output
    assert "--port" in run("serve", "--help").output


@pytest.mark.django_db
def test_createadmin_with_a_given_password(run):
    result = run("createadmin", "--username", "editor", env={"CASPIAN_ADMIN_PASSWORD": "long-enough-secret"})
    assert result.exit_code == 0
    assert "long-enough-secret" not in result.output
    assert authenticate(username="editor", password="long-enough-secret").is_superuser


@pytest.mark.django_db
def test_createadmin_generates_and_shows_a_password_once(run):
    result = run("createadmin", "--username", "chief")
    assert result.exit_code == 0
    password = result.output.split("Password: ")[1].split()[0]
    assert authenticate(username="chief", password=password)


@pytest.mark.django_db
def test_createadmin_refuses_a_taken_name_in_one_line(run):
    get_user_model().objects.create_user("chief")
    result = run("createadmin", "--username", "chief")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: A user called 'chief' already exists: choose another --username."


@pytest.mark.django_db
def test_worker_explains_when_tasks_run_inline(run):
    result = run("worker", "--batch")
    assert result.exit_code == 1
    assert "CASPIAN_TASKS_BACKEND=database" in result.output


@pytest.mark.django_db
def test_manage_passes_through_to_django(run):
    result = run("manage", "check")
    assert result.exit_code == 0
    assert "no issues" in result.output


@pytest.mark.pure
def test_bad_port_is_refused_before_anything_starts(run):
    result = run("serve", "--port", "99999")
    assert result.exit_code == 2
    assert "99999 is not in the range 1<=x<=65535" in result.output


# The worker closes its database connection between batches, so the test
# cannot run inside a transaction; the rows it made are rolled back after.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_runs_queued_tasks(run, settings):
    from django_tasks_db.models import DBTaskResult
    from wagtail.tasks import update_reference_index_task

    settings.TASKS_BACKEND = "database"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    home = HomePage.objects.get()
    result = update_reference_index_task.enqueue("newsroom", "homepage", home.pk)
    assert DBTaskResult.objects.get(id=result.id).status == "READY"
    outcome = run("worker", "--batch")
    assert outcome.exit_code == 0
    assert DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"


@pytest.mark.django_db
def test_serve_refuses_a_port_in_use(run):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("serve", "--port", str(port))
    assert result.exit_code == 1
    assert f"Cannot listen on 127.0.0.1:{port}" in result.output
    assert "Try another --port" in result.output


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_worker_does_the_hourly_housekeeping(run, settings):
    """A worker pass forgets commenters' IP addresses past the retention period."""
    from datetime import timedelta

    from django.utils import timezone

    from caspian.comments.factories import CommentFactory
    from caspian.comments.models import Comment
    from caspian.newsroom.factories import ArticlePageFactory, SectionPageFactory

    settings.TASKS_BACKEND = "database"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    article = ArticlePageFactory(section=SectionPageFactory(parent=HomePage.objects.get()))
    old = CommentFactory(article=article, created_at=timezone.now() - timedelta(days=45))
    recent = CommentFactory(article=article)
    assert run("worker", "--batch").exit_code == 0
    assert Comment.objects.get(pk=old.pk).ip_address is None
    assert Comment.objects.get(pk=recent.pk).ip_address == "203.0.113.10"


@pytest.mark.pure
def test_generate_archive_explains_itself_and_refuses_a_count_below_one(run):
    help_text = run("generate-archive", "--help").output
    assert "--seed" in help_text and "--no-search-index" in help_text
    result = run("generate-archive", "0")
    assert result.exit_code == 2
    assert "0 is not in the range 1<=x<=1000000" in result.output


@pytest.mark.django_db
def test_generate_archive_needs_a_site_with_sections_in_one_line(run):
    result = run("generate-archive", "5")
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "Error: This site has no home page with sections to file articles in: "
        "run `caspian demo --no-serve` (or `caspian setup` and add sections in the admin) first."
    )


@pytest.mark.django_db
def test_generate_archive_adds_articles(run):
    from caspian.newsroom.factories import SectionPageFactory
    from caspian.newsroom.models import ArticlePage

    SectionPageFactory(parent=HomePage.objects.get(), title="Economy")
    result = run("generate-archive", "12", "--seed", "3", "--no-search-index")
    assert result.exit_code == 0, result.output
    assert "Added 12 articles in" in result.output
    assert "12 authors" in result.output
    assert ArticlePage.objects.live().count() == 12
    newest = ArticlePage.objects.order_by("-first_published_at").first()
    assert f"Newest: {newest.url}" in result.output
