"""`caspian serve` with the embedded default publishes on schedule by itself: no worker, no cron."""

import subprocess
import time

import requests

from .conftest import CASPIAN

# An editor schedules an edit of a live article for an hour from now; then the
# clock moves on (the stored go-live time becomes a minute ago).
SCHEDULE = """
from datetime import timedelta
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from caspian.newsroom.models import ArticlePage
article = ArticlePage.objects.live().order_by("first_published_at")[1].specific
assert article.live_revision_id
article.standfirst = "{marker}"
article.go_live_at = timezone.now() + timedelta(hours=1)
revision = article.save_revision()
revision.publish()
when = timezone.now() - timedelta(minutes=1)
revision.content["go_live_at"] = DjangoJSONEncoder().default(when)
revision.approved_go_live_at = when
revision.save(update_fields=["content", "approved_go_live_at"])
print(article.url)
"""

# The e2e site's scheduler wakes every second (see conftest.py), so the
# edit is live within a second or two; this allows for a slow machine.
PATIENCE_SECONDS = 90


def test_the_server_publishes_a_due_revision_and_readers_see_it(demo_site):
    marker = f"Scheduled by the e2e test at {time.time()}"
    schedule = subprocess.run(
        [CASPIAN, "manage", "shell", "-c", SCHEDULE.format(marker=marker)],
        env=demo_site.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert schedule.returncode == 0, schedule.stderr
    url = demo_site.url + schedule.stdout.strip().splitlines()[-1]

    deadline = time.monotonic() + PATIENCE_SECONDS
    seen = False
    while not seen and time.monotonic() < deadline:
        seen = marker in requests.get(url, timeout=30).text
        time.sleep(0.5)
    assert seen, f"the scheduled edit was not live on {url} after {PATIENCE_SECONDS} s"
