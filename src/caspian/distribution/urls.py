from django.urls import path, re_path

from . import feeds, views

urlpatterns = [
    re_path(
        r"^feeds/(?:(?P<scope>section|author|tag)/(?P<slug>[-\w]+)/)?(?P<fmt>rss\.xml|atom\.xml|feed\.json)$",
        views.feed,
        name="feed",
    ),
    re_path(r"^corrections/(?P<fmt>rss\.xml|atom\.xml)$", feeds.corrections_feed, name="corrections_feed"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sitemap.xml", views.sitemap_index, name="sitemap_index"),
    path("sitemap-news.xml", views.news_sitemap, name="news_sitemap"),
    path("sitemap-<str:section>.xml", views.sitemap, name="sitemap"),
]
