"""StreamField blocks of the editorial pages, each with an accessible template in
``cms/templates/cms/blocks/``.

Rich text keeps a short list of features; Wagtail stores it through its own whitelist, so markup
outside it (``<script>``, event handlers, inline styles) never reaches a page. Images require alt
text. The supplier and RFQ lists are queries, rendered live at each (cached) render: a block
never stores a copy of marketplace data.
"""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from . import live
from .choosers import RegionChooserBlock, SectorChooserBlock, SkillChooserBlock, supplier_chooser_viewset

RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "link", "document-link", "ol", "ul", "hr"]

SupplierChooserBlock = supplier_chooser_viewset.get_block_class(
    name="SupplierChooserBlock", module_path="cms.blocks"
)


class SanitisedRichTextBlock(blocks.RichTextBlock):
    """Rich text passed through Wagtail's whitelist on every save, not only when typed in the
    editor: text written by code or imports gets the same cleaning as the admin's."""

    def get_prep_value(self, value):
        html = super().get_prep_value(value)
        if not html:
            return html
        from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

        return EditorHTMLConverter(features=self.features).to_database_format(html)


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(
        label=_("texte alternatif"),
        max_length=250,
        help_text=_("Décrit l'image pour les personnes qui ne la voient pas. Obligatoire."),
    )
    caption = blocks.CharBlock(label=_("légende"), required=False, max_length=250)
    credit = blocks.CharBlock(label=_("crédit"), required=False, max_length=120)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("citation"))
    attribution = blocks.CharBlock(label=_("personne citée"), required=False, max_length=150)
    role = blocks.CharBlock(label=_("fonction, entreprise"), required=False, max_length=150)

    class Meta:
        icon = "openquote"
        label = _("Citation")
        template = "cms/blocks/quote.html"


class KeyFigureBlock(blocks.StructBlock):
    value = blocks.CharBlock(label=_("valeur"), max_length=30, help_text=_("Ex. : 1 200, 35 %, x2"))
    label = blocks.CharBlock(label=_("libellé"), max_length=120)
    source = blocks.CharBlock(
        label=_("source"), max_length=200, help_text=_("D'où vient ce chiffre ? Ex. : « INSEE, 2023 »")
    )

    class Meta:
        icon = "order"
        label = _("Chiffre clé")
        template = "cms/blocks/key_figure.html"


class KeyFiguresBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("titre"), required=False, max_length=120)
    figures = blocks.ListBlock(KeyFigureBlock(), label=_("chiffres"), min_num=1, max_num=6)

    class Meta:
        icon = "order"
        label = _("Chiffres clés")
        template = "cms/blocks/key_figures.html"


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("titre"), max_length=120)
    text = blocks.TextBlock(label=_("texte"), required=False)
    link_text = blocks.CharBlock(label=_("texte du lien"), max_length=80)
    page = blocks.PageChooserBlock(label=_("page du site"), required=False)
    url = blocks.URLBlock(label=_("ou adresse web"), required=False)

    class Meta:
        icon = "link"
        label = _("Appel à l'action")
        template = "cms/blocks/call_to_action.html"

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise blocks.StructBlockValidationError(
                block_errors={"url": ValidationError(_("Choisissez soit une page du site, soit une adresse web."))}
            )
        return value


class SupplierListBlock(blocks.StructBlock):
    """Suppliers picked by hand, or by a sector / skill / région query, rendered live."""

    heading = blocks.CharBlock(label=_("titre"), required=False, max_length=120)
    suppliers = blocks.ListBlock(
        SupplierChooserBlock(), label=_("fournisseurs choisis"), required=False,
        help_text=_("Laissez vide pour une sélection automatique par filière, compétence ou région."),
    )
    sector = SectorChooserBlock(label=_("filière"), required=False)
    skill = SkillChooserBlock(label=_("compétence"), required=False)
    region = RegionChooserBlock(label=_("région"), required=False)
    verified_only = blocks.BooleanBlock(label=_("fournisseurs vérifiés seulement"), required=False, default=True)
    limit = blocks.IntegerBlock(label=_("nombre maximum"), default=6, min_value=1, max_value=24)

    class Meta:
        icon = "group"
        label = _("Liste de fournisseurs")
        template = "cms/blocks/supplier_list.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        picked = [profile.pk for profile in value.get("suppliers") or [] if profile is not None]
        context["suppliers"] = live.supplier_list(
            supplier_ids=picked or None,
            sector_id=value["sector"].pk if value.get("sector") else None,
            skill_id=value["skill"].pk if value.get("skill") else None,
            region_code=value["region"].pk if value.get("region") else None,
            verified_only=bool(value.get("verified_only")),
            limit=value.get("limit") or 6,
        )
        return context


class RfqListBlock(blocks.StructBlock):
    """Open public RFQs (of a sector), rendered live; empty until the RFQ app exists."""

    heading = blocks.CharBlock(label=_("titre"), required=False, max_length=120)
    sector = SectorChooserBlock(label=_("filière"), required=False)
    limit = blocks.IntegerBlock(label=_("nombre maximum"), default=5, min_value=1, max_value=20)

    class Meta:
        icon = "list-ul"
        label = _("Demandes de devis ouvertes")
        template = "cms/blocks/rfq_list.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        sector = value.get("sector")
        context["rfqs"] = live.open_rfqs(sector.pk if sector else None, limit=value.get("limit") or 5)
        return context


class AccessibleTableBlock(blocks.StructBlock):
    caption = blocks.CharBlock(label=_("titre du tableau"), max_length=200, help_text=_("Lu par les lecteurs d'écran."))
    table = TableBlock(label=_("tableau"), table_options={"contextMenu": ["row_above", "row_below", "col_left", "col_right", "remove_row", "remove_col", "undo", "redo"]})

    class Meta:
        icon = "table"
        label = _("Tableau")
        template = "cms/blocks/table.html"


class EditorialStreamBlock(blocks.StreamBlock):
    """The body of every editorial page."""

    paragraph = SanitisedRichTextBlock(features=RICH_TEXT_FEATURES, label=_("Texte"), template="cms/blocks/paragraph.html")
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    key_figures = KeyFiguresBlock()
    call_to_action = CallToActionBlock()
    supplier_list = SupplierListBlock()
    rfq_list = RfqListBlock()
    embed = EmbedBlock(label=_("Contenu intégré (vidéo…)"), template="cms/blocks/embed.html")
    table = AccessibleTableBlock()


class KeyFiguresStreamBlock(blocks.StreamBlock):
    figure = KeyFigureBlock()


class CallsToActionStreamBlock(blocks.StreamBlock):
    call_to_action = CallToActionBlock()


class FeaturedSectorsStreamBlock(blocks.StreamBlock):
    sector_page = blocks.PageChooserBlock(page_type="cms.SectorPage", label=_("page de filière"))
