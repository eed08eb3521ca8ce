"""Wagtail page types of the editorial site. The tree, parent/child rules and permissions are
described in docs/CMS.md; each page type declares its own rules (parent_page_types,
subpage_types, search_fields) on its model."""
from .articles import ArticleIndexPage, ArticlePage
from .clusters import ClusterIndexPage, ClusterPage
from .home import HomePage
from .sectors import SectorIndexPage, SectorPage
from .standard import FormField, FormPage, StandardPage

__all__ = [
    "ArticleIndexPage",
    "ArticlePage",
    "ClusterIndexPage",
    "ClusterPage",
    "FormField",
    "FormPage",
    "HomePage",
    "SectorIndexPage",
    "SectorPage",
    "StandardPage",
]
