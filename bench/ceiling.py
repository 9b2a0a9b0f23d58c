"""The server's own ceiling: granian running a trivial WSGI app that answers with the article's bytes.

Served the way `caspian serve` serves Caspian (granian's WSGI interface,
the same number of workers and threads, access log on), so the gap
between this row and nginx is what the application server costs, and the
gap between this row and the cached article is what Caspian's hit path
costs.
"""

import contextlib
import os
import sys
import tempfile
import urllib.request
from pathlib import Path

from errors import BenchError
from processes import background, free_port, wait_until_up
from tools import pinned

APP = """\
from pathlib import Path

BODY = (Path(__file__).parent / "article.html").read_bytes()
HEADERS = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(BODY)))]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
"""
SERVE = """\
import sys

from granian.constants import Interfaces
from granian.server import Server

from caspian.cli import THREADS_PER_WORKER

port, workers = int(sys.argv[1]), int(sys.argv[2])
Server(
    "trivial:application",
    address="127.0.0.1",
    port=port,
    interface=Interfaces.WSGI,
    workers=workers,
    blocking_threads=THREADS_PER_WORKER,
    log_access=True,
).serve()
"""


@contextlib.contextmanager
def trivial_server(body, tools, cpus, workers):
    """Serve ``body`` from memory with a trivial WSGI app on granian for the ``with`` block.

    Yields its URL and process; raises :class:`BenchError` if it serves other bytes.
    """
    with tempfile.TemporaryDirectory(prefix="caspian-bench-trivial-") as name:
        folder = Path(name)
        (folder / "article.html").write_bytes(body)
        (folder / "trivial.py").write_text(APP)
        (folder / "serve.py").write_text(SERVE)
        port = free_port()
        command = pinned([sys.executable, str(folder / "serve.py"), str(port), str(workers)], cpus, tools)
        # Access log lines go to the log file, as `caspian serve`'s do in the benchmark.
        with background(command, {**os.environ, "PYTHONPATH": str(folder)}, folder, folder / "granian.log") as process:
            url = f"http://127.0.0.1:{port}/"
            wait_until_up(url, process, folder / "granian.log", timeout=30)
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.read() != body:
                    raise BenchError(f"the trivial app at {url} serves other bytes than the article.")
            yield url, process
