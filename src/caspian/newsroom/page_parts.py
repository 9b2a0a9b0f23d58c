"""What the apps above the newsroom add to its pages: comments under an article, feed links on /corrections/.

The newsroom is the ground floor: it imports none of the apps built on it
(comments, distribution, search, pagecache). An app that shows something
on a newsroom page registers a *part* here from its ``AppConfig.ready()``,
as apps register their jobs with :mod:`caspian.background`: a function
returning template context, merged into the page's own. Each part stays
a function of its own, so it can be called, and its fragment cached, on
its own.
"""

# name → part, in the order registered. Each app adds its own from
# AppConfig.ready(), so this module names none of them.
article_parts = {}
corrections_parts = {}


def add_to_article_page(name, part):
    """Have every article page's context include ``part(article, request)``, a dict; ``name`` is whose it is.

    For an app's ``AppConfig.ready()``. ``article`` may be a preview not
    saved yet (no primary key). Parts are called in the order registered,
    after the newsroom's own context is built, and may raise ``Http404``
    (for a page of comments that does not exist). Registering ``name``
    again replaces its part, so ``ready()`` may run twice.
    """
    article_parts[name] = part


def add_to_corrections_page(name, part):
    """Have the context of /corrections/ include ``part(site, request)``, a dict; as :func:`add_to_article_page`."""
    corrections_parts[name] = part


def article_context(article, request):
    """The context every registered article part adds for ``article``, merged in the order registered."""
    return _merged(article_parts, article, request)


def corrections_context(site, request):
    """The context every registered corrections part adds for ``site``'s /corrections/, merged in order."""
    return _merged(corrections_parts, site, request)


def _merged(parts, *args):
    context = {}
    for part in parts.values():
        context.update(part(*args))
    return context
