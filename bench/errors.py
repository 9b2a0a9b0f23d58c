"""The one error type the benchmark reports to the user, and how each benchmark's command ends."""

import signal
import sys


class BenchError(Exception):
    """Something the user can fix: the message is one line saying what to do next.

    :func:`exit_status` prints it (after everything the run started was
    stopped by its ``finally`` blocks) and exits with status 1 instead of a
    traceback.
    """


def exit_status(run):
    """Call ``run()``; 0 when it finishes, 1 after a :class:`BenchError` it explained, 130 when interrupted.

    A plain ``kill`` or a closed terminal interrupts the run as Ctrl+C
    does, so it cleans up the same way.
    """
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _interrupt)
    try:
        run()
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nbench: interrupted; everything it started has been stopped and removed.", file=sys.stderr)
        return 130
    return 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt
