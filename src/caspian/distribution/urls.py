from django.urls import re_path

from . import views

urlpatterns = [
    re_path(
        r"^feeds/(?:(?P<scope>section|author|tag)/(?P<slug>[-\w]+)/)?(?P<fmt>rss\.xml|atom\.xml|feed\.json)$",
        views.feed,
        name="feed",
    ),
]
