"""Cross-site request forgery, refused without a cookie: the browser says where a post comes from.

Article pages are cached and shared by every reader (by Caspian's page
cache, a proxy or a CDN), so their forms cannot carry a per-reader CSRF
token. Browsers say instead which site a form was sent from: every current
browser sends ``Sec-Fetch-Site`` with a post, and ``Origin``. A post is
accepted when they name this site, and refused when they name another.

A request with neither header (nor a ``Referer``) did not come from a
browser that another site could have steered, which is what CSRF is about;
it meets the same bot-timing token, honeypot and rate limits as any other.
"""

from urllib.parse import urlsplit

from django.conf import settings

# ``none``: the reader's own action (a bookmark, a typed address), never another site's page.
TRUSTED_FETCH_SITES = {"same-origin", "none"}


def cross_site(request):
    """Whether the browser says this request was sent from a page of another site."""
    fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
    if fetch_site and fetch_site not in TRUSTED_FETCH_SITES:
        return True
    origin = request.META.get("HTTP_ORIGIN")
    if origin is None:
        referer = request.META.get("HTTP_REFERER")
        if not referer:
            return False
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    return origin not in _own_origins(request)


def _own_origins(request):
    return {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}
