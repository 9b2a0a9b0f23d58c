"""Starting, watching and stopping the processes a run needs.

Every child runs in its own process group (its own session), so that
stopping it stops everything it started (granian's and nginx's workers),
and so that a Ctrl+C in the terminal reaches only the benchmark, which
then stops the children itself, in order, from its ``finally`` blocks.
"""

import collections
import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from errors import BenchError

# How long a stopped process group gets to exit before it is killed.
STOP_GRACE_SECONDS = 10


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def background(command, env, cwd, log_path):
    """Run ``command`` in the background for the ``with`` block, its output going to ``log_path``.

    Yields the :class:`subprocess.Popen`. On leaving the block, for any
    reason, the whole process group is stopped (SIGTERM, then SIGKILL).
    """
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        yield process
    finally:
        stop(process)


def stop(process):
    """Stop ``process`` and the rest of its process group; return once the leader is gone.

    SIGTERM first, so servers shut down cleanly; after the grace period, or
    as soon as the leader has exited, SIGKILL for whatever is left.
    """
    _signal_group(process, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_GRACE_SECONDS)
    _signal_group(process, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_GRACE_SECONDS)


def _signal_group(process, sig):
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)


def run_step(command, env, cwd, relay=True, hide=()):
    """Run a preparation command in the foreground and wait for it.

    With ``relay``, its output is shown indented under the benchmark's
    own lines, less blank lines and lines starting with one of ``hide``;
    without, it writes to the terminal directly (so a progress bar stays
    live). Raises :class:`BenchError` when it fails, and stops it
    when the benchmark is interrupted.
    """
    output = subprocess.PIPE if relay else None
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT if relay else None,
        start_new_session=True, text=relay, bufsize=1 if relay else -1,
    )  # fmt: skip
    try:
        if relay:
            for line in process.stdout:
                if line.strip() and not line.lstrip().startswith(hide):
                    print("    " + line.rstrip(), flush=True)
        status = process.wait()
    finally:
        stop(process)
    if status != 0:
        shown = " ".join(str(part) for part in command[-3:])
        raise BenchError(
            f"`…{shown}` failed with exit status {status} (its output is above): fix that, then run again."
        )


def wait_until_up(url, process, log_path, timeout=90):
    """Wait until ``url`` answers 200; raise :class:`BenchError` with the log's end if it never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"The server stopped with exit status {process.returncode}.{log_tail(log_path)}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise BenchError(f"{url} did not answer 200 within {timeout} s.{log_tail(log_path)}")


def log_tail(log_path, lines=15):
    """The last ``lines`` lines of a log, ready to append to an error message."""
    try:
        with open(log_path, errors="replace") as log:
            tail = collections.deque(log, maxlen=lines)
    except OSError:
        return ""
    return f" Last lines of {Path(log_path).name}:\n" + "".join("    " + line for line in tail)


def group_processes(pgid):
    """``(pid, /proc/<pid>/stat fields after the command name)`` for each live process of group ``pgid``.

    Nothing where /proc is missing.
    """
    for entry in Path("/proc").iterdir() if Path("/proc").exists() else ():
        if not entry.name.isdigit():
            continue
        try:
            # The command name (2nd field) may hold spaces: split after it.
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid:  # fields[0] is field 3 (state); pgrp is field 5
            yield entry.name, fields


def group_cpu_seconds(pgid):
    """CPU time (user + system) used so far by the live processes of process group ``pgid``.

    Read from /proc; 0.0 where /proc is missing. Used to tell whether the
    server or the load generator was the one short of CPU.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    # utime, stime: fields 14 and 15
    return sum(int(fields[11]) + int(fields[12]) for _pid, fields in group_processes(pgid)) / ticks


def wait_until_idle(pgid, timeout=60, interval=0.5, busy_share=0.1):
    """Wait until process group ``pgid`` uses less than ``busy_share`` of a core, or ``timeout`` s have passed.

    After a wrk run the server still has the requests wrk left unanswered
    to work through; the next measurement must not start with that backlog.
    """
    deadline = time.monotonic() + timeout
    used = group_cpu_seconds(pgid)
    while time.monotonic() < deadline:
        time.sleep(interval)
        used, before = group_cpu_seconds(pgid), used
        if used - before < busy_share * interval:
            return
