"""deploy/nginx/caspian.conf: accepted by `nginx -t`, and working in front of Varnish and an app server.

The configuration is used as operators install it, with its placeholders
(certificate, static folder, ports) replaced by a test's own: a
self-signed certificate made with openssl, a temporary folder, free ports.
"""

import http.client
import os
import re
import shutil
import ssl
import subprocess
import tempfile
from pathlib import Path

import pytest

from ..fake_services import free_port
from ..services import wait_for_port
from ..varnish import ROOT, Varnish, require_varnish
from .conftest import HOST
from .origin import AppServer, Site

pytestmark = pytest.mark.pure

CONF = ROOT / "deploy" / "nginx" / "caspian.conf"
MISSING = "nginx and openssl are not installed (apt-get install nginx-light openssl)"


def require_nginx():
    if shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin") and shutil.which("openssl"):
        return
    if os.environ.get("CASPIAN_REQUIRE_PROXY") == "1":
        pytest.fail(f"{MISSING}; CASPIAN_REQUIRE_PROXY=1 requires them.", pytrace=False)
    pytest.skip(MISSING)


def nginx():
    return shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin")


class Nginx:
    """deploy/nginx/caspian.conf in a minimal nginx.conf of its own, under ``folder``."""

    def __init__(self, folder, *, varnish_port=6081, http_port=None, https_port=None):
        self.folder = Path(folder)
        self.http_port, self.https_port = http_port, https_port
        self.static = self.folder / "static"
        self.static.mkdir()
        certificate, key = self.folder / "cert.pem", self.folder / "key.pem"
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "1",
                "-subj",
                f"/CN={HOST}",
                "-keyout",
                key,
                "-out",
                certificate,
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )
        site = CONF.read_text()
        replacements = [
            (r"ssl_certificate /\S+;", f"ssl_certificate {certificate};"),
            (r"ssl_certificate_key /\S+;", f"ssl_certificate_key {key};"),
            (r"alias /var/lib/caspian/static/;", f"alias {self.static}/;"),
            (r"server 127\.0\.0\.1:6081;", f"server 127.0.0.1:{varnish_port};"),
        ]
        if http_port:
            replacements += [(r"listen 80;", f"listen 127.0.0.1:{http_port};"), (r"listen \[::\]:80;", "")]
        if https_port:
            replacements += [
                (r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
                (r"listen \[::\]:443 ssl http2;", ""),
            ]
        for pattern, replacement in replacements:
            site, count = re.subn(pattern, replacement, site)
            assert count == 1, f"deploy/nginx/caspian.conf no longer has {pattern!r}: update this test"
        (self.folder / "caspian.conf").write_text(site)
        temporary = "\n".join(
            f"    {kind}_temp_path {self.folder}/{kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        mime_types = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
        self.conf = self.folder / "nginx.conf"
        self.conf.write_text(f"""\
pid {self.folder}/nginx.pid;
error_log {self.folder}/error.log;
worker_processes 1;
events {{ worker_connections 64; }}
http {{
    {mime_types}
    access_log off;
{temporary}
    include {self.folder}/caspian.conf;
}}
""")

    def command(self, *options):
        return [nginx(), "-p", str(self.folder), "-c", str(self.conf), *options]


@pytest.fixture
def folder():
    """A temporary folder nginx's workers can read (as root they run as nobody; pytest's tmp_path is 0700)."""
    path = Path(tempfile.mkdtemp(prefix="caspian-nginx-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_nginx_accepts_the_configuration(folder):
    require_nginx()

    checked = subprocess.run(Nginx(folder).command("-t"), capture_output=True, text=True, timeout=30)

    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


@pytest.fixture
def stack(folder):
    """nginx (its own ports) → Varnish → one app server, all on 127.0.0.1."""
    require_nginx()
    require_varnish()
    site = Site()
    with AppServer(site) as app, Varnish([app.address]) as varnish:
        server = Nginx(folder, varnish_port=varnish.port, http_port=free_port(), https_port=free_port())
        process = subprocess.Popen(
            server.command("-g", "daemon off;"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            wait_for_port(server.https_port, process, seconds=10)
            yield site, server
        finally:
            process.terminate()  # nginx's master stops its workers on SIGTERM
            process.wait(timeout=10)
            process.stderr.close()


def https(server, path, *, method="GET", headers=None, body=None):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's self-signed certificate
    connection = http.client.HTTPSConnection("127.0.0.1", server.https_port, context=context, timeout=5)
    try:
        connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def test_nginx_in_front_of_varnish(stack):
    site, server = stack
    site.page("/world/", "the world", tags="page-1")
    (server.static / "site.css").write_text("body { color: black }\n")

    plain = http.client.HTTPConnection("127.0.0.1", server.http_port, timeout=5)
    plain.request("GET", "/world/?page=2", headers={"Host": HOST})
    redirect = plain.getresponse()
    first = https(server, "/world/", headers={"X-Forwarded-For": "198.51.100.9", "X-Forwarded-Proto": "http"})
    fetched = site.fetches[-1].headers
    second = https(server, "/world/")
    static = https(server, "/static/site.css")
    purge = https(server, "/world/", method="PURGE")
    tag_purge = https(server, "/", method="PURGE", headers={"xkey-purge": "page-1"})
    too_long = https(server, "/search/", method="POST", body=b"x" * 200_000)
    # A comment pasted far past its limit reaches Caspian, which keeps its start (comments/oversized.py).
    long_comment = https(server, "/comments/post/1/", method="POST", body=b"comment=" + b"x" * 200_000)

    assert (redirect.status, redirect.headers["Location"]) == (301, f"https://{HOST}/world/?page=2")
    assert (first[0], first[1]["X-Cache"], first[2]) == (200, "MISS", b"the world")
    assert (second[0], second[1]["X-Cache"]) == (200, "HIT")
    assert second[1]["Surrogate-Key"] is None, "readers do not see the purge tags"
    assert fetched["X-Forwarded-Proto"] == "https" and fetched["X-Forwarded-Host"] == HOST
    # The last entry, the one Caspian believes, is the address that connected to nginx.
    assert fetched["X-Forwarded-For"] == "198.51.100.9, 127.0.0.1"
    assert (static[0], static[2]) == (200, b"body { color: black }\n")
    assert "immutable" in static[1]["Cache-Control"]
    assert purge[0] == tag_purge[0] == 405
    assert https(server, "/world/")[1]["X-Cache"] == "HIT", "nothing was purged"
    assert too_long[0] == 413
    assert long_comment[0] != 413 and site.fetches[-1].path == "/comments/post/1/"
    assert site.fetched("/comments/post/") == 0
