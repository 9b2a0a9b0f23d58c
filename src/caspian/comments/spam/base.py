import enum


class Verdict(enum.Enum):
    HAM = "ham"
    SPAM = "spam"
    UNSURE = "unsure"  # hold it for a moderator


class SpamCheckUnavailable(Exception):
    """The check could not be made (service down, bad key); the comment waits for a moderator."""


class BaseSpamBackend:
    """A spam check for comments.

    Subclasses implement :meth:`check`. Set ``remote = True`` when it talks
    to another service: it then runs in the background worker, never while
    a reader waits.
    """

    remote = False

    @classmethod
    def configuration_problems(cls):
        """Optional: what is wrong with the settings this backend reads, as sentences (checked at startup)."""
        return []

    def check(self, comment):
        """Return a :class:`Verdict` for a stored comment, or raise :class:`SpamCheckUnavailable`."""
        raise NotImplementedError

    def report(self, comment, verdict):
        """Optional: tell the service a moderator's correction (``Verdict.SPAM`` or ``Verdict.HAM``).

        Called in the background after a moderator marks a comment spam or
        approves one; the default does nothing.
        """
