import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caspian.settings")

django_application = get_wsgi_application()

from .api.cors import CorsApplication  # noqa: E402  (needs Django set up)
from .pagecache.wsgi import CachedApplication  # noqa: E402

# Cache hits are answered in front of Django (see caspian.pagecache); CORS
# for the content API in front of them, since one cached copy serves every origin.
application = CorsApplication(CachedApplication(django_application))
