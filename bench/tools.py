"""The programs the benchmark drives (wrk, nginx, taskset) and the facts about this machine."""

import os
import platform
import re
import shutil
import socket
import subprocess
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path

from errors import BenchError

REPO = Path(__file__).resolve().parent.parent
CASPIAN = REPO / ".venv" / "bin" / "caspian"

# Debian packages to try for each program, in order. nginx-light is the
# smallest build that serves files; newer Debian releases only have nginx.
DEBIAN_PACKAGES = {"wrk": ("wrk",), "nginx": ("nginx-light", "nginx")}
# nginx lives in sbin, which an ordinary user's PATH often leaves out.
SBIN = os.pathsep.join(("/usr/local/sbin", "/usr/sbin", "/sbin"))


@dataclass(frozen=True)
class Tools:
    """Paths of the programs a run uses; ``taskset`` is None when it is missing (no CPU pinning)."""

    caspian: Path
    wrk: str
    nginx: str
    taskset: str | None


def which(name):
    """The path of program ``name`` on PATH or in an sbin folder, else None."""
    return shutil.which(name) or shutil.which(name, path=SBIN)


def find_tools(install):
    """Return the :class:`Tools`, installing wrk and nginx from Debian first when missing.

    Installs only when ``install`` is true, apt-get exists and we are root
    (as the Makefile does for chromium); otherwise raises :class:`BenchError`
    naming the packages to install.
    """
    if not CASPIAN.exists():
        raise BenchError(f"{CASPIAN} is missing: run `make install` (or `make bench`) first.")
    missing = [name for name in DEBIAN_PACKAGES if not which(name)]
    if missing and install and shutil.which("apt-get") and os.geteuid() == 0:
        for name in missing:
            _apt_install(DEBIAN_PACKAGES[name])
        missing = [name for name in missing if not which(name)]
    if missing:
        packages = " ".join(DEBIAN_PACKAGES[name][0] for name in missing)
        pronoun = "it" if len(missing) == 1 else "them"
        raise BenchError(
            f"The benchmark needs {' and '.join(missing)}: install {pronoun} "
            f"(Debian: `apt-get install -y {packages}`), then run again."
        )
    return Tools(caspian=CASPIAN, wrk=which("wrk"), nginx=which("nginx"), taskset=which("taskset"))


def _apt_install(candidates):
    """Install the first of ``candidates`` that apt-get can, refreshing the package lists once if needed."""
    print(f"Installing Debian's {candidates[0]} for the benchmark…", flush=True)
    for refresh in (False, True):
        if refresh:
            subprocess.run(["apt-get", "update", "-qq"], stdout=subprocess.DEVNULL, check=False)
        for package in candidates:
            done = subprocess.run(
                ["apt-get", "install", "-y", "-qq", package],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
            if done.returncode == 0:
                return


def cpu_split(tools, pin):
    """Split this process's CPUs between the servers and the load generator.

    Returns ``(server_cpus, load_cpus)``. With ``pin`` and at least two
    CPUs, wrk gets the last CPU and the servers the others, so the load
    generator never takes CPU time from the server it measures (and nginx
    and Caspian get the same CPUs). Otherwise both are None: no pinning.
    """
    cpus = sorted(os.sched_getaffinity(0))
    if not pin or len(cpus) < 2 or tools.taskset is None:
        return None, None
    return cpus[:-1], cpus[-1:]


def pinned(command, cpus, tools):
    """``command`` run on ``cpus`` only (through taskset), or unchanged when ``cpus`` is None."""
    if cpus is None:
        return list(command)
    return [tools.taskset, "-c", ",".join(map(str, cpus)), *command]


# --- machine facts ------------------------------------------------------------


def machine_facts(tools):
    """What a reader of the results needs to compare runs: hardware, software versions, code revision."""
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    models = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    cores = len(re.findall(r"^processor\s*:", cpuinfo, re.MULTILINE)) or os.cpu_count()
    return {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "host": socket.gethostname(),
        "cpu": f"{models[0] if models else platform.processor() or '?'}, {cores} cores",
        "memory": _memory(),
        "system": f"{_os_name()}, Linux {platform.release()}",
        "python": platform.python_version(),
        "software": ", ".join(
            [
                *(f"{name} {_version(name)}" for name in ("Django", "wagtail", "granian")),
                _command_version([tools.nginx, "-v"], r"nginx/(\S+)", "nginx"),
                _command_version([tools.wrk, "-v"], r"wrk (\S+)", "wrk"),
            ]
        ),
        "code": _code_revision(),
    }


def _memory():
    match = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
    return f"{int(match.group(1)) / 1024**2:.0f} GiB" if match else "?"


def _os_name():
    try:
        text = Path("/etc/os-release").read_text()
    except OSError:
        return platform.system()
    match = re.search(r'^PRETTY_NAME="?([^"\n]+)', text, re.MULTILINE)
    return match.group(1) if match else platform.system()


def _version(distribution):
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "?"


def _command_version(command, pattern, name):
    # nginx and wrk print their version on stderr, and wrk exits non-zero.
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    match = re.search(pattern, done.stdout + done.stderr)
    return f"{name} {match.group(1) if match else '?'}"


def _code_revision():
    """The commit measured, and whether src/ had changes not yet committed."""

    def git(*args):
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "?"
    dirty = git("status", "--porcelain", "--", "src")
    return f"caspian {_version('caspian')} at {commit}" + (" with uncommitted changes in src/" if dirty else "")
