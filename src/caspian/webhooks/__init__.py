"""Webhooks: partners' endpoints told, signed and retried, when articles are published, updated, corrected or removed.

See ``docs/webhooks.md``. The newsroom knows nothing of this app: it
listens to Wagtail's and Django's signals (:mod:`.signals`), records each
event with a delivery per subscribed endpoint when the publication
commits (:mod:`.events`), and ``caspian worker`` (or, without one, a
thread of ``caspian serve``) sends them (:mod:`.sending`).
"""
