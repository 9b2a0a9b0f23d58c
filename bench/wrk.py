"""Running wrk against one URL and reading its figures."""

import re
import resource
import subprocess
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


def measure(url, load, tools, seconds=None):
    """Load ``url`` for ``seconds`` (default: the load's) and return the :class:`Result`.

    Bounded in time: wrk stops after the duration, and is killed if it has
    not ended 30 s later. A request still unanswered after the whole
    duration counts as a timeout error rather than a latency.
    """
    seconds = load.seconds if seconds is None else seconds
    duration = max(1, round(seconds))
    command = [
        tools.wrk, f"-t{load.threads}", f"-c{load.connections}", f"-d{duration}s", f"--timeout={duration}s",
        "--latency", url,
    ]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        done = subprocess.run(
            pinned(command, load.cpus, tools), capture_output=True, text=True, timeout=duration + 30, check=False
        )
    except subprocess.TimeoutExpired:
        raise BenchError(
            f"wrk did not finish {duration + 30} s after starting on {url}: is the machine overloaded?"
        ) from None
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise BenchError(f"wrk failed on {url}: {(done.stderr or done.stdout).strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return parse(done.stdout, wrk_cpu_seconds=cpu)


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
    return Result(rps, p50, p99, requests, errors, wrk_cpu_seconds)


def _latency(output, percent):
    value, unit = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE).groups()
    return float(value) * UNIT_MS[unit]
