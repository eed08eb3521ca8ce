"""Staff edit the reference lists (filières, skills, materials, certification types) in the CMS
admin, as snippets grouped under one « Référentiels » menu.

Searches run on the database (``search_backend_name = None``): these tables are small and are
not in the Wagtail search index.
"""
from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import CertificationType, Material, Sector, Skill


class SectorViewSet(SnippetViewSet):
    model = Sector
    icon = "tag"
    menu_label = _("Filières")
    list_display = ["name", "name_en", "slug", "position"]
    search_fields = ["name", "name_en", "slug"]
    search_backend_name = None
    ordering = ["position", "name"]


class SkillViewSet(SnippetViewSet):
    model = Skill
    icon = "list-ul"
    menu_label = _("Compétences")
    list_display = ["name", "name_en", "slug", "parent"]
    list_filter = ["parent", "sectors"]
    search_fields = ["name", "name_en", "slug", "synonyms"]
    search_backend_name = None
    ordering = ["position", "name"]


class MaterialViewSet(SnippetViewSet):
    model = Material
    icon = "cog"
    menu_label = _("Matériaux")
    list_display = ["name", "name_en", "family", "slug"]
    list_filter = ["family"]
    search_fields = ["name", "name_en", "slug", "synonyms"]
    search_backend_name = None


class CertificationTypeViewSet(SnippetViewSet):
    model = CertificationType
    icon = "doc-full"
    menu_label = _("Certifications")
    list_display = ["code", "name", "name_en", "slug"]
    search_fields = ["code", "name", "name_en", "slug"]
    search_backend_name = None


class ReferenceListsGroup(SnippetViewSetGroup):
    menu_label = _("Référentiels")
    menu_icon = "folder-open-inverse"
    menu_order = 300
    items = (SectorViewSet, SkillViewSet, MaterialViewSet, CertificationTypeViewSet)


register_snippet(ReferenceListsGroup)
