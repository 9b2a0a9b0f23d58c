"""The one error type the benchmark reports to the user."""


class BenchError(Exception):
    """Something the user can fix: the message is one line saying what to do next.

    ``run.py`` prints it (after stopping everything it started) and exits
    with status 1 instead of a traceback.
    """
