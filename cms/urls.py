"""Editorial routes inside i18n_patterns (French at /…, English at /en/…), before Wagtail's
catch-all: site-wide search and the article feeds."""
from django.urls import path

from . import feeds, views

app_name = "cms"

urlpatterns = [
    path("recherche-globale/", views.site_search, name="site_search"),
    path("actualites/flux/rss/", feeds.ArticlesRssFeed(), name="articles_rss"),
    path("actualites/flux/atom/", feeds.ArticlesAtomFeed(), name="articles_atom"),
]
