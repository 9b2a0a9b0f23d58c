"""Configuration checks run by Django at startup (``caspian setup``, ``serve``, ``manage check``)."""

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string


@checks.register
def spam_backend_importable(app_configs, **kwargs):
    """A wrong ``COMMENTS_SPAM_BACKEND`` is found at startup, not on the first reader's comment."""
    try:
        backend = import_string(settings.COMMENTS_SPAM_BACKEND)
    except ImportError as error:
        return [
            checks.Error(
                f"COMMENTS_SPAM_BACKEND={settings.COMMENTS_SPAM_BACKEND!r} cannot be imported ({error}).",
                hint="Use caspian.comments.spam.heuristic.HeuristicBackend, "
                "caspian.comments.spam.akismet.AkismetBackend or the dotted path of your own backend class.",
                id="caspian.comments.E001",
            )
        ]
    return [checks.Warning(problem, id="caspian.comments.W001") for problem in backend.configuration_problems()]
