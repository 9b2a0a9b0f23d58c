from django.dispatch import Signal

# Sent with ``article_ids`` whenever the comments readers see on those
# articles change (approved, removed, reported off the page). The page
# cache listens, so an article's cached page never shows stale comments.
comments_changed = Signal()
