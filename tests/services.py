"""Private PostgreSQL and Redis servers on 127.0.0.1, for tests and drills that stop or freeze them.

The machine's own PostgreSQL and Redis serve every test; an outage must
not touch them. These run from Debian's binaries in a temporary folder, on
a free port, and are gone when the ``with`` block ends.

- :class:`RedisServer`: ``freeze()`` stops the process with SIGSTOP (what a
  stuck node or a network partition looks like: connections are accepted
  by the kernel and never answered); ``resume()`` sends SIGCONT.
- :class:`PostgresServer`: ``stop()`` and ``start()`` (the same data), as a
  restart during a story would.
"""

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from .fake_services import free_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
# Debian's PostgreSQL server binaries (package postgresql-NN), newest first.
POSTGRES_BINARIES = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda path: int(path.split("/")[-2]))[::-1]
# PostgreSQL refuses to run as root: as root, the cluster belongs to this user.
POSTGRES_USER = "postgres"


def redis_available():
    return os.access(REDIS_SERVER, os.X_OK)


def postgres_available():
    return bool(POSTGRES_BINARIES) and (os.geteuid() != 0 or _user_exists(POSTGRES_USER))


def _user_exists(name):
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def wait_for_port(port, process=None, seconds=30):
    """Until something accepts connections on ``port``; fails if ``process`` ends first (with its stderr if piped)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            said = process.stderr.read() if process.stderr else b""
            said = said.decode(errors="replace") if isinstance(said, bytes) else said
            raise RuntimeError(f"the server for port {port} ended with status {process.returncode}: {said.strip()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"nothing answered on port {port} within {seconds} s")


class RedisServer:
    """A private ``redis-server`` without persistence: ``url``, ``freeze()``, ``resume()``."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, self.process)
        return self

    def freeze(self):
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)

    def __exit__(self, *exc_info):
        self.resume()
        self.process.terminate()
        self.process.wait(timeout=10)


class PostgresServer:
    """A private PostgreSQL cluster (trust authentication, no fsync): ``url``, ``stop()``, ``start()``."""

    def __init__(self, database="caspian"):
        self.port = free_port()
        self.database = database
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/{database}"
        self.folder = Path(tempfile.mkdtemp(prefix="caspian-pg-"))
        self.data = self.folder / "data"
        self.bin = Path(POSTGRES_BINARIES[0])

    def _run(self, *command):
        if os.geteuid() == 0:
            command = ("runuser", "-u", POSTGRES_USER, "--", *command)
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)

    def __enter__(self):
        if os.geteuid() == 0:
            shutil.chown(self.folder, POSTGRES_USER)
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", self.database)
        return self

    def start(self):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"), "-w", "start"
        )
        wait_for_port(self.port)

    def stop(self):
        """Stop it at once (open connections are cut, as when the server goes down)."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def __exit__(self, *exc_info):
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # stopped already
        shutil.rmtree(self.folder, ignore_errors=True)
