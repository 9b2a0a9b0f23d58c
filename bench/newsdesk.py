"""A newsdesk publishing new stories through Wagtail's real publish path, for the breaking-news benchmark.

Two halves:

- :func:`desk` runs inside the site (``caspian manage shell -c``, so with
  the site's settings, database and cache). It reads one command a line on
  standard input and answers one line on standard output:

      publish N   ->  published N <start> <end> <path> <headline>
                      (start and end: time.monotonic() around the
                      publication, a clock every process on the machine
                      shares)
                  or  error N <what went wrong>
      quit (or end of input): exit

  Each story is a new article, filed in the section of the newest story
  with a lead image (the one the front page leads with) and made like it:
  its lead image, byline, standfirst, body and tags, under a headline of
  its own. It is added as a draft (``add_child``), then published with
  ``save_revision().publish()``, as the admin's Publish button does, so
  Wagtail's signals fire and the page cache (and the proxy at
  CASPIAN_PURGE_URL, if set) is invalidated by Caspian's own code.
  Published with a lead image, the newest story leads the front page.

- :class:`Newsdesk` runs in the benchmark: it starts the desk once (its
  start-up is not timed), asks for each publication and reads the answer.
"""

import contextlib
import os
import queue
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from errors import BenchError
from processes import log_tail, stop
from tools import pinned

BENCH = Path(__file__).resolve().parent
# What `caspian manage shell -c` runs: this file, imported from the bench folder.
DESK_COMMAND = f"import sys; sys.path.insert(0, {str(BENCH)!r}); import newsdesk; newsdesk.desk()"
READY_SECONDS = 120
PUBLISH_SECONDS = 60


@dataclass(frozen=True)
class Publication:
    """One story published: its number, headline, path, and when publishing started and ended (monotonic s)."""

    number: int
    headline: str
    path: str
    started: float
    ended: float

    @property
    def seconds(self):
        return self.ended - self.started


class Newsdesk:
    """The desk (:func:`desk`) running against ``site`` in its own process, for a ``with`` block.

    ``extra_env`` adds settings (e.g. CASPIAN_PURGE_URL); ``cpus`` pins it
    (None: anywhere). ``publish(n)`` sends one publication and returns
    immediately; ``result()`` waits for its answer.
    """

    def __init__(self, site, cpus, extra_env=None, name="newsdesk"):
        self.site, self.cpus, self.name = site, cpus, name
        self.env = {**site.env, **(extra_env or {})}
        self.log_path = site.workdir / f"{name}.log"
        self.process = None
        self.template = ""

    def __enter__(self):
        command = [str(self.site.tools.caspian), "manage", "shell", "-v", "0", "-c", DESK_COMMAND]
        self.log = open(self.log_path, "wb")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(
            pinned(command, self.cpus, self.site.tools), env=self.env, cwd=self.site.workdir,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True, bufsize=1,
            start_new_session=True,
        )  # fmt: skip
        self.lines = queue.Queue()
        threading.Thread(target=self._read_lines, args=(self.process.stdout,), daemon=True).start()
        try:
            line = self._read_line(READY_SECONDS, "start")
            if not line.startswith("ready "):
                raise BenchError(f"The newsdesk answered {line!r} instead of ready.{log_tail(self.log_path)}")
            self.template = line.removeprefix("ready ")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        if self.process is not None:
            with contextlib.suppress(OSError, ValueError):
                self.process.stdin.write("quit\n")
                self.process.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
            stop(self.process)
            self.process = None
        self.log.close()

    def publish(self, number):
        """Ask for publication ``number``; its answer is read by :meth:`result`."""
        self.process.stdin.write(f"publish {number}\n")
        self.process.stdin.flush()

    def result(self):
        """The :class:`Publication` the desk answers for the oldest publication asked for."""
        line = self._read_line(PUBLISH_SECONDS, "publish")
        match = re.fullmatch(r"published (\d+) ([\d.]+) ([\d.]+) (\S+) (.+)", line)
        if not match:
            raise BenchError(f"The newsdesk could not publish: {line}{log_tail(self.log_path)}")
        number, started, ended, path, headline = match.groups()
        return Publication(int(number), headline, path, float(started), float(ended))

    def _read_lines(self, stdout):
        # A thread of its own, so that waiting for an answer can time out.
        for line in stdout:
            self.lines.put(line)
        self.lines.put("")

    def _read_line(self, timeout, doing):
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            line = ""
        if not line:
            status = self.process.poll()
            state = f"exited with status {status}" if status is not None else f"did not {doing} within {timeout} s"
            raise BenchError(f"The newsdesk {state}.{log_tail(self.log_path)}")
        return line.strip()


# --- inside the site ------------------------------------------------------------


def desk():
    """Publish a story for each ``publish N`` line on standard input (see the module's docstring)."""
    import logging

    from django.utils import timezone

    from caspian.newsroom.models import ArticlePage

    logging.getLogger("wagtail").setLevel(logging.WARNING)
    template = ArticlePage.objects.live().exclude(lead_image=None).order_by("-first_published_at").first()
    if template is None:
        print("error 0 the site has no live article with a lead image to model stories on", flush=True)
        return
    token = f"{os.getpid():x}"
    print(f"ready {template.title}", flush=True)
    for line in sys.stdin:
        command = line.split()
        if not command or command[0] == "quit":
            break
        number = int(command[1])
        headline = f"Breaking story {number} from newsdesk {token}"
        try:
            started = time.monotonic()
            article = _publish(template, headline, timezone.now())
            ended = time.monotonic()
        except Exception as error:  # reported to the benchmark, which stops
            logging.getLogger(__name__).exception("Publishing %s failed", headline)
            print(f"error {number} {type(error).__name__}: {error}".replace("\n", " "), flush=True)
            continue
        print(f"published {number} {started:.6f} {ended:.6f} {article.url} {headline}", flush=True)


def _publish(template, headline, now):
    """A new article like ``template`` under ``headline``: added as a draft, then published as the admin does."""
    from django.utils.text import slugify

    from caspian.newsroom.models import ArticleByline, ArticlePage

    section = template.section
    draft = ArticlePage(
        title=headline,
        slug=slugify(headline),
        live=False,
        standfirst=f"What we know so far: {template.standfirst}"[:400],
        dateline=template.dateline,
        lead_image=template.lead_image,
        lead_image_alt=template.lead_image_alt,
        lead_image_caption=template.lead_image_caption,
        lead_image_credit=template.lead_image_credit,
        body=template.body.raw_data,
        bylines=[ArticleByline(author=byline.author, sort_order=n) for n, byline in enumerate(template.bylines.all())],
    )
    draft.tags.add(*template.tags.all())
    section.year_folder(timezone_year(now)).add_child(instance=draft)
    revision = draft.save_revision()
    revision.publish()
    return ArticlePage.objects.get(pk=draft.pk)


def timezone_year(now):
    from django.utils import timezone

    return timezone.localtime(now).year
