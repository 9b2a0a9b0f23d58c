import argparse
import time

from django.core.management.base import BaseCommand

from ...stale_claims import record_all


class Command(BaseCommand):
    help = (
        "Read every live article again for sentences announcing something for a date (what the Stale claims "
        "report lists) and replace the claims recorded for it. Publishing an article does this for that article; "
        "run this after an upgrade, after `caspian import-wordpress` or `caspian generate-archive` (which write "
        "articles in bulk, without publishing them one by one), or for articles published before claims were "
        "recorded. Safe to run at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=_positive,
            default=200,
            help="Articles read and written per transaction (default: 200).",
        )

    def handle(self, *args, batch_size, verbosity, **options):
        started = time.perf_counter()
        shown = {"at": 0.0}

        def progress(done, total):
            # A line every few seconds and at the end: enough to see it move on 100,000 articles.
            if verbosity and (done == total or time.perf_counter() - shown["at"] > 5):
                shown["at"] = time.perf_counter()
                self.stdout.write(f"  {done:,} of {total:,} articles read")

        found = record_all(progress=progress, batch_size=batch_size)
        self.stdout.write(
            f"Found {found:,} dated claim{'s' if found != 1 else ''} in {time.perf_counter() - started:.1f} s. "
            "Those whose date has passed are listed in the admin under Reports → Stale claims."
        )


def _positive(value):
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of at least 1")
    return int(value)
