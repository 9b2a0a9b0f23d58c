"""A real Varnish for tests, running deploy/varnish/caspian.vcl in front of given app servers.

    with Varnish([("127.0.0.1", 8001), ("127.0.0.1", 8002)]) as varnish:
        ...                                  # requests to varnish.url (varnish.port on 127.0.0.1)
        varnish.stats()["cache_hit"]         # varnishstat's counters
        varnish.admin("backend.list")        # any varnishadm command
        varnish.log("-g", "raw", "-i", "TTL")  # varnishlog -d

Tests that need it call :func:`require_varnish` (or use a fixture that does):
without ``varnishd`` 7 and the xkey vmod (Debian's ``varnish`` and
``varnish-modules``) they are skipped, unless ``CASPIAN_REQUIRE_PROXY=1``
(CI, ``.ci/run``), where they fail.
"""

import functools
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VCL = ROOT / "deploy" / "varnish" / "caspian.vcl"
MISSING = "Varnish 7 with varnish-modules is not installed (apt-get install varnish varnish-modules)"
# Where Debian (any architecture) and a source build put vmods.
VMOD_PATTERNS = (
    "/usr/lib/*/varnish/vmods/libvmod_xkey.so",
    "/usr/lib/varnish/vmods/libvmod_xkey.so",
    "/usr/local/lib/varnish/vmods/libvmod_xkey.so",
)


# Waits for its stdin to close, then stops varnishd's process group (the manager stops its child on
# SIGTERM) and removes its folder: argv is the group and the folder.
WATCHDOG = """
import os, shutil, signal, sys, time
sys.stdin.read()
group = int(sys.argv[1])
try:
    os.killpg(group, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        os.killpg(group, 0)
        time.sleep(0.1)
    os.killpg(group, signal.SIGKILL)
except (ProcessLookupError, PermissionError):
    pass
shutil.rmtree(sys.argv[2], ignore_errors=True)
"""


def _tool(name):
    # Debian puts varnishd in /usr/sbin, which is not on every user's PATH.
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")


@functools.cache
def varnish_available():
    """Whether ``varnishd`` 7 or later, ``varnishadm``, ``varnishstat`` and the xkey vmod are installed."""
    varnishd = _tool("varnishd")
    if not (varnishd and _tool("varnishadm") and _tool("varnishstat")):
        return False
    try:
        version = subprocess.run([varnishd, "-V"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    found = re.search(r"varnish-(\d+)\.", version.stderr + version.stdout)
    if not found or int(found.group(1)) < 7:
        return False
    return any(glob.glob(pattern) for pattern in VMOD_PATTERNS)


def require_varnish():
    """Skip the calling test when Varnish is missing; fail it instead under ``CASPIAN_REQUIRE_PROXY=1``."""
    if varnish_available():
        return
    if os.environ.get("CASPIAN_REQUIRE_PROXY") == "1":
        pytest.fail(f"{MISSING}; CASPIAN_REQUIRE_PROXY=1 requires it.", pytrace=False)
    pytest.skip(MISSING)


def backends_vcl(backends, *, probe_interval=0.2):
    """A backends file for caspian.vcl (the contract of deploy/varnish/backends.vcl): an ``app``
    round-robin director over ``backends``, ``(host, port)`` pairs, each probed on /healthz.

    The probe is quick (``probe_interval`` seconds, sick after 2 failures of
    the last 3) so a test sees a stopped app server taken out in well under
    a second.
    """
    lines = [
        "probe caspian_healthz {",
        '    .request = "GET /healthz HTTP/1.1" "Host: localhost" "Connection: close";',
        f"    .interval = {probe_interval}s;",
        "    .timeout = 1s;",
        "    .window = 3;",
        "    .threshold = 2;",
        "    .initial = 2;",
        "}",
    ]
    for number, (host, port) in enumerate(backends, 1):
        lines += [
            f"backend app{number} {{",
            f'    .host = "{host}";',
            f'    .port = "{port}";',
            "    .probe = caspian_healthz;",
            "    .connect_timeout = 1s;",
            "    .first_byte_timeout = 10s;",
            "}",
        ]
    lines += ["sub vcl_init {", "    new app = directors.round_robin();"]
    lines += [f"    app.add_backend(app{number});" for number in range(1, len(backends) + 1)]
    lines += ["}", ""]
    return "\n".join(lines)


class Varnish:
    """``varnishd -F`` running ``vcl`` (caspian.vcl) in front of ``backends``, ``(host, port)`` pairs.

    Listens on a free port of 127.0.0.1 (``.port``, ``.url``) with a private
    working folder and 64 MB of malloc storage; ``__enter__`` returns once it
    answers, ``__exit__`` stops it (manager and child) and removes the
    folder. Run as root, varnishd hands its work to the users ``varnish``
    and ``vcache`` (``-j unix``): the folder it is given is made readable
    to them.
    """

    START_SECONDS = 30  # compiling the VCL with cc takes about a second

    def __init__(self, backends, *, vcl=VCL, probe_interval=0.2, storage="malloc,64m", params=()):
        require_varnish()
        self.backends = list(backends)
        self.vcl = Path(vcl)
        self.probe_interval = probe_interval
        self.storage = storage
        self.params = list(params)
        self.process = None
        self.port = None
        self.url = None

    def __enter__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="caspian-varnish-"))
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self):
        # varnish and vcache must reach the working folder (made by varnishd
        # inside this one) and read the backends file.
        self.folder.chmod(0o755)
        (self.folder / "backends.vcl").write_text(backends_vcl(self.backends, probe_interval=self.probe_interval))
        self.workdir = self.folder / "work"
        params = [("vcl_path", str(self.folder)), ("thread_pools", "1"), ("thread_pool_min", "10"), *self.params]
        command = [
            _tool("varnishd"),
            "-F",
            "-n",
            str(self.workdir),
            "-a",
            "127.0.0.1:0",
            "-T",
            "127.0.0.1:0",
            "-f",
            str(self.vcl),
            "-s",
            self.storage,
        ]
        for name, value in params:
            command += ["-p", f"{name}={value}"]
        self.log_file = open(self.folder / "varnishd.log", "w+b")  # closed in __exit__
        # A session of its own, so stopping it can reach its child if the manager is gone.
        self.process = subprocess.Popen(
            command, stdout=self.log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
        # If this process dies without __exit__ (killed by a timeout), the watchdog's stdin closes
        # and it stops varnishd, which would otherwise run on in its own session.
        self.watchdog = subprocess.Popen(
            [sys.executable, "-c", WATCHDOG, str(self.process.pid), str(self.folder)],
            stdin=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + self.START_SECONDS
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"varnishd exited with {self.process.returncode}:\n{self.output()}")
            status = self.admin("status", check=False, timeout=2)
            if status.returncode == 0 and "running" in status.stdout:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"varnishd did not start in {self.START_SECONDS} s:\n{self.output()}")
            time.sleep(0.05)
        # "a0 127.0.0.1 43567": the port the kernel picked for -a 127.0.0.1:0.
        addresses = self.admin("debug.listen_address").stdout.split()
        self.port = int(addresses[2])
        self.url = f"http://127.0.0.1:{self.port}"

    def admin(self, *command, check=True, timeout=10):
        """Run a ``varnishadm`` command against this Varnish; returns the completed process."""
        result = subprocess.run(
            [_tool("varnishadm"), "-n", str(self.workdir), "-t", str(timeout), *command],
            capture_output=True,
            text=True,
            timeout=timeout + 5,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"varnishadm {' '.join(command)}: {result.stdout}{result.stderr}")
        return result

    def stats(self):
        """Varnish's counters (``varnishstat -1 -j``): ``MAIN.`` ones by their short name
        (``cache_hit``, ``cache_miss``, ``cache_hitpass``, ``backend_fail``…), others in full."""
        result = subprocess.run(
            [_tool("varnishstat"), "-n", str(self.workdir), "-1", "-j"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        data = json.loads(result.stdout)
        counters = data.get("counters", data)  # 7.x nests them; 6.x did not
        return {
            name.removeprefix("MAIN."): counter["value"]
            for name, counter in counters.items()
            if isinstance(counter, dict) and "value" in counter
        }

    def wait_for_stats(self, condition, timeout=5):
        """Wait until ``condition(stats)`` holds (workers publish their counters when a task ends);
        returns the stats that satisfied it, or raises ``AssertionError`` with the last ones."""
        deadline = time.monotonic() + timeout
        while True:
            stats = self.stats()
            if condition(stats):
                return stats
            if time.monotonic() > deadline:
                raise AssertionError(f"Varnish counters never satisfied the condition: {stats}")
            time.sleep(0.05)

    def log(self, *options):
        """What Varnish logged so far (``varnishlog -d``), e.g. ``log("-g", "raw", "-i", "TTL")``."""
        result = subprocess.run(
            [_tool("varnishlog"), "-n", str(self.workdir), "-d", *options], capture_output=True, text=True, timeout=10
        )
        return result.stdout

    def output(self):
        """What varnishd printed (its start-up messages and VCL errors)."""
        self.log_file.flush()
        return (self.folder / "varnishd.log").read_text(errors="replace")

    def __exit__(self, *exc):
        if self.process is not None:
            if self.process.poll() is None:
                self.process.terminate()  # the manager stops its child, then exits
                try:
                    self.process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            try:  # anything left in its session (a child cut off from its manager)
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if getattr(self, "watchdog", None) is not None:
            self.watchdog.stdin.close()  # nothing left for it to stop: it exits
            self.watchdog.wait(timeout=30)
        if getattr(self, "log_file", None) is not None:
            self.log_file.close()
        shutil.rmtree(self.folder, ignore_errors=True)
