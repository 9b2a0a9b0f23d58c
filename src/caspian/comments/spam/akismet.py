import datetime
import http.client
import logging
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

from .base import BaseSpamBackend, SpamCheckUnavailable, Verdict

logger = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10


class AkismetBackend(BaseSpamBackend):
    """Akismet's comment-check API, or any service speaking it.

    ``COMMENTS_AKISMET_URL`` is the API address (``https://rest.akismet.com``)
    and ``COMMENTS_AKISMET_KEY`` the key. Runs in the worker.
    """

    remote = True

    def __init__(self, url=None, key=None):
        self.url = (url or settings.COMMENTS_AKISMET_URL).rstrip("/")
        self.key = key if key is not None else settings.COMMENTS_AKISMET_KEY

    @classmethod
    def configuration_problems(cls):
        if settings.COMMENTS_AKISMET_KEY:
            return []
        return ["COMMENTS_AKISMET_KEY is not set: every spam check will fail and comments will wait for a moderator."]

    def check(self, comment):
        answer = self._call("comment-check", comment)
        if answer == "true":
            return Verdict.SPAM
        if answer == "false":
            return Verdict.HAM
        raise SpamCheckUnavailable(f"unexpected answer {answer[:40]!r}")

    def report(self, comment, verdict):
        try:
            self._call("submit-spam" if verdict is Verdict.SPAM else "submit-ham", comment)
        except SpamCheckUnavailable as error:
            logger.warning("Could not report comment %s to the spam service: %s", comment.pk, error)

    def _call(self, method, comment):
        if not self.key:
            raise SpamCheckUnavailable("COMMENTS_AKISMET_KEY is not set")
        fields = {
            "api_key": self.key,
            "blog": settings.BASE_URL,
            "blog_lang": settings.LANGUAGE_CODE,
            "blog_charset": "UTF-8",
            "user_ip": comment.ip_address or "",
            "user_agent": comment.user_agent,
            "permalink": settings.BASE_URL + comment.article.url,
            "comment_type": "reply" if comment.parent_id else "comment",
            "comment_author": comment.author_name,
            "comment_author_email": comment.author_email,
            "comment_author_url": comment.author_url,
            "comment_content": comment.body,
            "comment_date_gmt": comment.created_at.astimezone(datetime.UTC).isoformat(),
        }
        request = urllib.request.Request(
            f"{self.url}/1.1/{method}",
            data=urllib.parse.urlencode(fields).encode(),
            headers={"User-Agent": "Caspian/1 | Akismet-compatible client"},
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return response.read(200).decode("utf-8", "replace").strip()
        except (OSError, urllib.error.URLError, http.client.HTTPException) as error:
            raise SpamCheckUnavailable(str(error)) from error
