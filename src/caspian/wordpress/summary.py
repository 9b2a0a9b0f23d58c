"""What an import did (or, in a dry run, would do), per kind of object."""

from collections import Counter
from dataclasses import dataclass, field

KINDS = ("posts", "pages", "authors", "sections", "tags", "images", "comments", "redirects", "other")
OUTCOMES = ("imported", "updated", "unchanged", "skipped")


@dataclass(frozen=True)
class NotPublic:
    """A post or page imported behind a login or a password."""

    title: str
    path: str  # its address on the new site
    restriction: str  # "login" (was private) or "password"


@dataclass
class Summary:
    """Counts per kind and outcome, why things were skipped, and what the person importing should check.

    ``imported``: new in Caspian; ``updated``: changed since the last
    import of the same export; ``unchanged``: already there as it would
    be made now (or matched to an existing author, section or tag);
    ``skipped``: not imported, with the reasons in :attr:`reasons`.
    """

    site_url: str = ""
    dry_run: bool = False
    seconds: float = 0.0
    counts: dict = field(default_factory=lambda: {kind: Counter() for kind in KINDS})
    reasons: dict = field(default_factory=lambda: {kind: Counter() for kind in KINDS})
    statuses: Counter = field(default_factory=Counter)  # posts and pages: live, draft, scheduled, login, password
    missing_media: list = field(default_factory=list)  # one line each: what is missing and where it was wanted
    not_public: list = field(default_factory=list)  # NotPublic
    notes: Counter = field(default_factory=Counter)  # things worth a look, e.g. from the content conversion

    def add(self, kind, outcome, count=1):
        self.counts[kind][outcome] += count

    def skip(self, kind, reason, count=1):
        self.counts[kind]["skipped"] += count
        self.reasons[kind][reason] += count

    def count(self, kind, outcome=None):
        """How many of ``kind`` had ``outcome`` (any outcome but skipped, when None)."""
        if outcome is None:
            return sum(n for name, n in self.counts[kind].items() if name != "skipped")
        return self.counts[kind][outcome]

    def rows(self):
        """``(kind, imported, updated, unchanged, skipped)`` for every kind with something to say."""
        return [
            (kind, *(self.counts[kind][outcome] for outcome in OUTCOMES))
            for kind in KINDS
            if any(self.counts[kind].values())
        ]

    @property
    def posts_per_second(self):
        posts = self.count("posts") + self.counts["posts"]["skipped"]
        return posts / self.seconds if self.seconds else 0.0
