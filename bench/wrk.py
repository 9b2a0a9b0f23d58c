"""Running wrk against one URL and reading its figures."""

import os
import re
import subprocess
import time
from dataclasses import dataclass

from errors import BenchError
from tools import pinned

# wrk prints latencies with a unit; everything here is in milliseconds.
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class Load:
    """How wrk loads a URL: ``wrk -t{threads} -c{connections} -d{seconds}s``, on ``cpus`` (None: anywhere)."""

    threads: int
    connections: int
    seconds: float
    cpus: list | None

    def describe(self):
        return f"wrk -t{self.threads} -c{self.connections} -d{self.seconds:g}s --latency"


@dataclass(frozen=True)
class Result:
    """One wrk run. ``errors`` counts non-2xx/3xx answers and socket errors (timeouts included).

    The latencies are None when no request was answered within the run.
    """

    requests_per_second: float
    p50_ms: float | None
    p99_ms: float | None
    requests: int
    errors: int
    wrk_cpu_seconds: float = 0.0
    output: str = ""  # what wrk printed, including a script's own lines


def measure(url, load, tools, seconds=None, script=None, headers=(), script_args=()):
    """Load ``url`` for ``seconds`` (default: the load's) and return the :class:`Result`.

    Bounded in time: wrk stops after the duration, and is killed if it has
    not ended 30 s later. A request still unanswered after the whole
    duration counts as a timeout error rather than a latency. ``script``
    is a wrk Lua script to run, given ``script_args`` (what it prints lands
    in ``Result.output``); ``headers`` are extra request headers, ``"Name: value"``.
    """
    return start(url, load, tools, seconds, script, headers, script_args).result()


def start(url, load, tools, seconds=None, script=None, headers=(), script_args=()):
    """Start loading ``url`` as :func:`measure` does, without waiting: several loads can run at once.

    Returns a :class:`Running`; its ``result()`` waits for wrk and reads its figures.
    """
    seconds = load.seconds if seconds is None else seconds
    duration = max(1, round(seconds))
    command = [
        tools.wrk, f"-t{load.threads}", f"-c{load.connections}", f"-d{duration}s", f"--timeout={duration}s",
        "--latency",
    ]  # fmt: skip
    if script:
        command += ["-s", str(script)]
    for header in headers:
        command += ["-H", header]
    if script_args:
        command += [url, "--", *script_args]
    else:
        command.append(url)
    process = subprocess.Popen(
        pinned(command, load.cpus, tools), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    return Running(process, url, duration)


class Running:
    """A wrk started by :func:`start`."""

    def __init__(self, process, url, duration):
        self.process, self.url, self.duration = process, url, duration

    def stop(self):
        """Stop wrk if it is still running (after an error elsewhere); a finished one is left as it is."""
        if self.process.returncode is None:
            self.process.kill()
            self.process.wait()

    def result(self):
        """Wait for wrk (killing it 30 s after its duration) and return its :class:`Result`.

        wrk is reaped here with :func:`os.wait4`, which gives the CPU time of
        this wrk alone, also when other loads ran at the same time. Its
        output (a few KB) waits in the pipes meanwhile.
        """
        limit = self.duration + 30
        deadline = time.monotonic() + limit
        try:
            while True:
                pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
                if pid:
                    break
                if time.monotonic() > deadline:
                    raise BenchError(
                        f"wrk did not finish {limit} s after starting on {self.url}: is the machine overloaded?"
                    )
                time.sleep(0.05)
        except BaseException:  # also Ctrl+C: wrk must not outlive the run
            self.process.kill()
            self.process.wait()
            raise
        self.process.returncode = os.waitstatus_to_exitcode(status)
        stdout, stderr = self.process.stdout.read(), self.process.stderr.read()
        self.process.stdout.close()
        self.process.stderr.close()
        if self.process.returncode != 0:
            raise BenchError(f"wrk failed on {self.url}: {(stderr or stdout).strip()}")
        return parse(stdout, wrk_cpu_seconds=usage.ru_utime + usage.ru_stime)


def parse(output, wrk_cpu_seconds=0.0):
    """Read req/s, p50, p99, the request count and the error count from wrk's ``--latency`` output."""
    try:
        rps = float(re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE).group(1))
        requests = int(re.search(r"^\s*(\d+) requests in", output, re.MULTILINE).group(1))
        p50, p99 = (_latency(output, percent) for percent in ("50", "99"))
    except AttributeError:
        raise BenchError(f"Could not read wrk's output (a wrk other than 4.x?):\n{output}") from None
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors += int(non_2xx.group(1)) if non_2xx else 0
    if requests == 0:
        # wrk then prints zero latencies; the requests it abandoned at the
        # end of the run are not counted as timeouts.
        p50 = p99 = None
    return Result(rps, p50, p99, requests, errors, wrk_cpu_seconds, output)


def _latency(output, percent):
    value, unit = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE).groups()
    return float(value) * UNIT_MS[unit]
