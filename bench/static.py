"""nginx serving one file: the ceiling every Caspian figure is compared with.

nginx runs from a temporary folder with its own configuration (no system
service, nothing written outside the folder; started by root, its workers
run as nobody), in the foreground, on a free loopback port, until the
``with`` block ends.
"""

import contextlib
import os
import tempfile
import urllib.request
from pathlib import Path

from errors import BenchError
from processes import background, free_port, wait_until_up
from tools import pinned

PAGE = "article.html"
CONFIG = """\
# Written by bench/static.py for one measurement; removed with its folder.
daemon off;
worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    default_type text/html;
    # Debian's defaults for serving files.
    sendfile on;
    tcp_nopush on;
    # wrk keeps its connections open, as it does with granian, which has no
    # cap: nginx's default of 1,000 requests would add reconnections.
    keepalive_requests 1000000;
{extra}    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {prefix}/html;
    }}
}}
"""


@contextlib.contextmanager
def static_server(body, tools, cpus, gzipped=None):
    """Serve ``body`` (bytes) as /article.html with nginx for the ``with`` block; yield its URL and process.

    One nginx worker per CPU it may use (``cpus``, None: all of them).
    With ``gzipped`` (the same page gzip-compressed, e.g. as a caching
    proxy delivers it), requests that accept gzip get those bytes instead
    (``gzip_static``, a file beside it), as a proxy's would.
    Raises :class:`BenchError` if nginx does not start or serves other bytes.
    """
    with tempfile.TemporaryDirectory(prefix="caspian-bench-nginx-") as name:
        folder = Path(name)
        # Started by root, nginx's workers run as nobody: they must be able
        # to reach the file (TemporaryDirectory makes the folder private).
        if os.geteuid() == 0:
            folder.chmod(0o755)
        (folder / "html").mkdir()
        (folder / "tmp").mkdir()
        (folder / "html" / PAGE).write_bytes(body)
        (folder / "html" / PAGE).chmod(0o644)
        if gzipped is not None:
            (folder / "html" / f"{PAGE}.gz").write_bytes(gzipped)
            (folder / "html" / f"{PAGE}.gz").chmod(0o644)
        with _nginx(folder, tools, cpus, gzipped is not None) as (url, process):
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.read() != body:
                    raise BenchError(f"nginx at {url} serves other bytes than the article: check {folder}/nginx.conf.")
            yield url, process


@contextlib.contextmanager
def _nginx(folder, tools, cpus, gzip_static=False):
    """nginx with a configuration written into ``folder``, until the ``with`` block ends."""
    port = free_port()
    workers = len(cpus) if cpus else "auto"
    # Only when asked: an nginx built without the module would refuse even `gzip_static off`.
    extra = "    gzip_static on;\n" if gzip_static else ""
    (folder / "nginx.conf").write_text(CONFIG.format(workers=workers, prefix=folder, port=port, extra=extra))
    # -e: the error log before the configuration is read, which otherwise
    # is a system path an unprivileged user cannot write.
    command = [tools.nginx, "-p", f"{folder}/", "-c", f"{folder}/nginx.conf", "-e", f"{folder}/error.log"]
    url = f"http://127.0.0.1:{port}/{PAGE}"
    with background(pinned(command, cpus, tools), None, folder, folder / "nginx.out") as process:
        wait_until_up(url, process, folder / "error.log", timeout=15)
        yield url, process
