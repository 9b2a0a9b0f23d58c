import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caspian.settings")

django_application = get_wsgi_application()

from .pagecache.wsgi import CachedApplication  # noqa: E402  (needs Django set up)

# Cache hits are answered in front of Django (see caspian.pagecache).
application = CachedApplication(django_application)
