import re

from .. import text
from .base import BaseSpamBackend, Verdict

MARKUP_LINK = re.compile(r"<a\s[^>]*href|\[url[=\]]", re.IGNORECASE)
SPAM_LINKS = 6


class HeuristicBackend(BaseSpamBackend):
    """Local rules, no service: the default.

    Spam: link markup (comments are plain text, so only bots send it) or a
    pile of links. Unsure: a web address as the commenter's name.
    """

    def check(self, comment):
        if MARKUP_LINK.search(comment.body) or text.count_links(comment.body) >= SPAM_LINKS:
            return Verdict.SPAM
        if text.LINK.search(comment.author_name):
            return Verdict.UNSURE
        return Verdict.HAM
