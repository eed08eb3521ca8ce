"""Demo editorial content: the home page, one page per filière, news and relocation stories
(fictional), the cluster directory, « À propos » and a contact form, with English translations
of the home and filière pages and the editorial groups.

Texts were written for this demo. Figures on the pages either come live from the marketplace or
are labelled « estimation de démonstration »: none is a real statistic. Images are drawn here
with Pillow (gradients and the filière's name); nothing is downloaded.

Idempotent: a page whose slug exists under its parent is left as it is.
"""
from __future__ import annotations

import datetime
import io
import random

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.models import Locale, Page
from wagtail.rich_text import RichText

from .context import DemoContext

DEMO_SOURCE = "estimation de démonstration"
DEMO_NOTICE = "<p><em>Histoire fictive rédigée pour la démonstration : entreprises et personnes sont inventées.</em></p>"
EDITOR_EMAIL = "editeur@demo.test"
EDITOR_SECTOR = "mecanique-metallurgie"  # the filière the demo editor writes for

# Two or three paragraphs per filière, written for this project.
SECTOR_STORIES: dict[str, list[str]] = {
    "agriculture-viticulture": [
        "Des vignobles aux grandes cultures, l'agriculture française fait travailler tout un tissu d'ateliers : "
        "chaudronniers qui fabriquent les cuves, mécaniciens qui adaptent les machines de récolte, menuisiers qui "
        "assemblent les caisses et les palettes.",
        "Les exploitations et les coopératives cherchent des partenaires capables d'intervenir vite, en saison, "
        "et de produire de petites séries sur mesure. La proximité compte : une pièce cassée pendant les vendanges "
        "se remplace dans la journée, pas dans la semaine.",
    ],
    "agroalimentaire": [
        "L'industrie agroalimentaire transforme chaque jour les productions de nos territoires. Derrière chaque "
        "ligne de conditionnement, il y a des intégrateurs, des inox-soudeurs, des automaticiens et des fabricants "
        "d'emballages.",
        "Hygiène, traçabilité et réactivité sont les maîtres mots de la filière. Les donneurs d'ordre y recherchent "
        "des fournisseurs qui connaissent les contraintes du contact alimentaire et savent documenter leurs "
        "matériaux.",
        "Cette page rassemble les entreprises référencées de la filière et les actualités de ceux qui l'animent.",
    ],
    "aeronautique-automobile-ferroviaire-naval": [
        "Avions, trains, voitures et navires partagent une même exigence : des pièces sûres, répétables et "
        "tracées du lingot à l'assemblage. Autour des grands assembliers gravite une chaîne de sous-traitants "
        "de rang 1, 2 et 3 souvent implantés depuis des décennies.",
        "Usinage de précision, traitement de surface, câblage, composites, fonderie : la filière mobilise presque "
        "tous les savoir-faire industriels, avec des référentiels qualité exigeants comme l'EN 9100 ou l'IATF 16949.",
        "Relocaliser une pièce dans ces secteurs demande du temps de qualification ; trouver tôt le bon "
        "partenaire en fait gagner beaucoup.",
    ],
    "biens-de-consommation": [
        "Meubles, articles de sport, luminaires, arts de la table : les biens de consommation fabriqués en France "
        "reviennent sur le devant de la scène, portés par des marques qui veulent maîtriser leur chaîne de "
        "production.",
        "Les petites séries, les délais courts et la personnalisation sont autant d'atouts pour les ateliers "
        "français face à une production lointaine. Cette page présente les fabricants qui relèvent le défi.",
    ],
    "bois-materiaux-innovants": [
        "Scieries, menuiseries industrielles, fabricants de panneaux et de matériaux biosourcés : la filière bois "
        "valorise une ressource renouvelable présente dans presque toutes nos régions.",
        "Construction, agencement, emballage, mobilier : les usages se multiplient, et avec eux les besoins en "
        "usinage numérique, en collage structural et en finition. Les nouveaux matériaux, à base de fibres "
        "végétales ou recyclées, ouvrent de nouvelles pistes aux bureaux d'études.",
    ],
    "chimie-biologie": [
        "Chimie fine, formulation, biotechnologies : la filière fournit les matières premières et les "
        "intermédiaires de nombreuses autres industries, de la cosmétique à la santé en passant par les "
        "matériaux.",
        "Les façonniers et les laboratoires sous contrat y jouent un rôle clé : ils produisent pour le compte de "
        "donneurs d'ordre qui veulent sécuriser leurs approvisionnements au plus près de leurs sites.",
    ],
    "logistique": [
        "Sans logistique, pas d'industrie. Transporteurs, entrepositaires, préparateurs de commandes et "
        "spécialistes de la logistique industrielle assurent le lien entre fournisseurs, usines et clients.",
        "Relocaliser une production, c'est aussi repenser ses flux : des stocks plus proches, des livraisons plus "
        "fréquentes, des emballages réutilisables. Les entreprises de cette filière accompagnent ces choix.",
    ],
    "culture-tourisme-sport": [
        "Décors de spectacle, équipements sportifs, mobilier de musée, signalétique touristique : de nombreux "
        "ateliers fabriquent pour la culture, le tourisme et le sport, souvent à l'unité ou en très petite série.",
        "Ces commandes demandent à la fois un savoir-faire artisanal et des moyens industriels. Les acheteurs y "
        "trouvent des partenaires habitués aux projets sur mesure et aux délais fixés par un événement.",
    ],
    "defense-securite": [
        "La défense et la sécurité reposent sur une base industrielle et technologique où les PME tiennent une "
        "place essentielle : mécanique de précision, électronique durcie, optronique, textiles de protection.",
        "Souveraineté et continuité d'approvisionnement y sont des exigences fortes. Les fournisseurs présentés "
        "ici ont l'habitude des cahiers des charges stricts et des contrôles documentés.",
    ],
    "eco-technologies-eco-construction": [
        "Isolation, réemploi des matériaux, gestion de l'énergie dans le bâtiment : les éco-technologies et "
        "l'éco-construction rassemblent des industriels qui font de la sobriété un métier.",
        "Fabricants de composants, bureaux d'études et entreprises de mise en œuvre y travaillent ensemble. "
        "Cette page aide les maîtres d'ouvrage et les industriels à trouver les bons interlocuteurs près de leurs "
        "chantiers.",
    ],
    "economie-sociale-solidaire": [
        "Entreprises adaptées, structures d'insertion, coopératives : l'économie sociale et solidaire produit "
        "aussi pour l'industrie, en sous-traitance de montage, de conditionnement ou de reconditionnement.",
        "Faire appel à ces structures, c'est allier qualité de service et engagement local. Beaucoup de donneurs "
        "d'ordre les intègrent déjà dans leur politique d'achats responsables.",
    ],
    "energie": [
        "Production, transport et stockage de l'énergie mobilisent des compétences industrielles très variées : "
        "chaudronnerie lourde, électrotechnique, mécanique, instrumentation.",
        "La transition énergétique multiplie les projets, des réseaux de chaleur aux énergies renouvelables. "
        "Les fournisseurs de la filière présentés ici accompagnent ces chantiers, du prototype à la série.",
    ],
    "environnement-eau": [
        "Traitement de l'eau, gestion des déchets, dépollution, mesure environnementale : la filière conçoit et "
        "fabrique les équipements qui protègent nos ressources.",
        "Pompes, cuves, filtres, capteurs : beaucoup de ces équipements peuvent être produits près de leur lieu "
        "d'installation, ce qui facilite aussi leur maintenance.",
    ],
    "ingenierie-services": [
        "Bureaux d'études, métrologie, essais, maintenance : les services à l'industrie sont souvent le premier "
        "maillon d'une relocalisation réussie.",
        "Avant de produire en France, il faut parfois reprendre un plan, requalifier une pièce ou adapter un "
        "procédé. Les entreprises de cette filière apportent ce savoir-faire aux donneurs d'ordre.",
    ],
    "mecanique-metallurgie": [
        "Usinage, tôlerie, décolletage, soudure, fonderie, robotique : la mécanique et la métallurgie forment le "
        "socle de l'industrie française. Des milliers de PME y transforment le métal pour presque tous les "
        "secteurs.",
        "Souvent familiales, ces entreprises ont investi dans des machines à commande numérique, la robotisation "
        "et la mesure tridimensionnelle. Elles savent passer d'un prototype à une série de plusieurs milliers de "
        "pièces.",
        "Les clusters de la filière les aident à se faire connaître et à répondre ensemble à des demandes trop "
        "importantes pour une seule entreprise.",
    ],
    "optique-photonique": [
        "Lasers, fibres optiques, capteurs d'image, optiques de précision : la photonique irrigue la santé, "
        "l'industrie, la défense et les télécommunications.",
        "La filière réunit des PME très spécialisées, souvent issues de la recherche, qui conçoivent et fabriquent "
        "en petites séries des composants à forte valeur ajoutée.",
    ],
    "sante-biotech": [
        "Dispositifs médicaux, biotechnologies, produits de bien-être : la santé est l'un des domaines où la "
        "production de proximité a montré toute son importance.",
        "Fabricants sous ISO 13485, salles propres, plasturgie médicale, usinage d'implants : les fournisseurs "
        "présentés ici travaillent dans un cadre réglementaire exigeant et savent le documenter.",
        "Les donneurs d'ordre de la filière peuvent publier leurs besoins et consulter des entreprises déjà "
        "habituées à ces contraintes.",
    ],
    "services-a-la-personne": [
        "Aides techniques, équipements pour le maintien à domicile, mobilier adapté : les services à la personne "
        "s'appuient sur des fabricants attentifs à l'usage et au confort.",
        "La proximité facilite les adaptations sur mesure et le service après-vente, deux attentes fortes des "
        "structures qui accompagnent les personnes.",
    ],
    "tic-logiciel": [
        "Logiciels industriels, objets connectés, systèmes embarqués : le numérique est devenu une brique de "
        "presque tous les produits fabriqués.",
        "Les entreprises de la filière accompagnent les industriels dans la conception de leurs produits "
        "connectés, la supervision de leurs lignes et la traçabilité de leur production.",
    ],
    "cosmetique-parfum": [
        "Formulation, conditionnement, flaconnage, étiquetage : la cosmétique et la parfumerie françaises "
        "s'appuient sur un réseau dense de façonniers et de fournisseurs d'emballages.",
        "Les marques, des plus grandes aux plus jeunes, y trouvent des partenaires capables de produire de "
        "petites séries soignées comme de grands volumes.",
    ],
    "plasturgie-composites": [
        "Injection, extrusion, thermoformage, rotomoulage, composites : la plasturgie fabrique des pièces pour "
        "l'automobile, la santé, l'emballage, le bâtiment et bien d'autres secteurs.",
        "Les plasturgistes investissent dans les matières recyclées et biosourcées et dans l'éco-conception des "
        "moules. Beaucoup proposent aussi l'étude de la pièce et la réalisation de l'outillage.",
        "Relocaliser une pièce plastique commence souvent par le rapatriement de son moule : les entreprises "
        "présentées ici savent le reprendre et le remettre en production.",
    ],
    "textiles-techniques": [
        "Textiles de protection, filtration, renforts composites, textiles médicaux : les textiles techniques "
        "sont loin de l'image d'une industrie du passé.",
        "Tissage, tricotage, enduction, confection : les entreprises de la filière combinent savoir-faire "
        "historiques et innovations, et produisent des séries adaptées aux besoins de leurs clients.",
    ],
    "electronique": [
        "Cartes électroniques, câblage, capteurs, sous-ensembles : l'électronique est au cœur des produits "
        "industriels d'aujourd'hui.",
        "Les sous-traitants électroniques (EMS) français proposent la conception, le prototypage et la "
        "fabrication en petites et moyennes séries, avec des délais et une réactivité difficiles à obtenir de "
        "loin.",
        "La maîtrise des composants et de leur approvisionnement est devenue un enjeu majeur : la proximité du "
        "fabricant aide à la sécuriser.",
    ],
}

ARTICLES = [
    # slug, kind, title, intro, sector slug (article lives under its page) or None, région, paragraphs
    (
        "relocalisation-carters-usines", "succes", "Des carters usinés de nouveau à 40 km de l'usine",
        "Un fabricant fictif de pompes a rapatrié l'usinage de ses carters auprès d'un atelier de sa région.",
        "mecanique-metallurgie", "84",
        [
            "Pendant dix ans, les Pompes Verdier (entreprise fictive) ont fait usiner leurs carters en fonte à "
            "l'autre bout du monde. Délais de douze semaines, stocks de sécurité, retours qualité difficiles à "
            "traiter : la direction a décidé de consulter des ateliers proches.",
            "Trois entreprises ont répondu à la demande de devis. L'atelier retenu, à quarante kilomètres, a "
            "repris les plans, proposé une gamme d'usinage plus courte et livré une présérie en six semaines.",
        ],
    ),
    (
        "moule-rapatrie-plasturgie", "succes", "Un moule rapatrié, une pièce relancée en trois mois",
        "Un équipementier fictif a rapatrié un moule d'injection et confié la série à un plasturgiste français.",
        "plasturgie-composites", "52",
        [
            "Le moule dormait dans un entrepôt depuis l'arrêt de son ancien fournisseur. Un plasturgiste de la "
            "région l'a expertisé, remis en état et adapté à une presse de sa propre usine.",
            "La pièce, un capot technique, est de nouveau produite en série, avec une matière en partie recyclée.",
        ],
    ),
    (
        "cartes-electroniques-petite-serie", "succes", "Cartes électroniques : la petite série revient",
        "Une start-up fictive d'objets connectés fait fabriquer ses cartes par un sous-traitant proche.",
        "electronique", "53",
        [
            "Pour ses mille premiers capteurs, la jeune entreprise avait besoin d'un partenaire capable "
            "d'accepter des modifications jusqu'au dernier moment. Un sous-traitant électronique breton a pris "
            "en charge le prototypage puis la série.",
            "Les échanges directs entre bureau d'études et atelier ont permis de corriger deux défauts de "
            "conception avant l'industrialisation.",
        ],
    ),
    (
        "textile-filtration-normandie", "succes", "Des médias filtrants tissés en Normandie",
        "Un fabricant fictif de systèmes de ventilation s'approvisionne désormais auprès d'un tisseur normand.",
        "textiles-techniques", "28",
        [
            "Le tisseur a développé avec son client un média filtrant adapté à ses caissons, testé dans un "
            "laboratoire partenaire.",
            "Le circuit court a réduit les stocks et permis de lancer une seconde référence en quelques semaines.",
        ],
    ),
    (
        "implants-usinage-medical", "succes", "Usinage d'implants : qualifier un fournisseur en France",
        "Comment un fabricant fictif de dispositifs médicaux a qualifié un nouvel usineur sous ISO 13485.",
        "sante-biotech", "27",
        [
            "Changer de fournisseur d'implants demande une qualification complète : audit, lots de validation, "
            "dossier technique. Le fabricant a choisi un usineur déjà certifié, ce qui a raccourci l'étape.",
            "La proximité facilite désormais les audits et les échanges sur les évolutions de produit.",
        ],
    ),
    (
        "emballages-bois-reemploi", "succes", "Des caisses en bois réemployables pour l'export",
        "Un industriel fictif remplace ses emballages jetables par des caisses en bois fabriquées près de chez lui.",
        "bois-materiaux-innovants", "75",
        [
            "Une menuiserie industrielle a conçu des caisses démontables qui font plusieurs allers-retours avant "
            "d'être réparées sur place.",
            "L'industriel réduit ses déchets d'emballage et sécurise ses expéditions.",
        ],
    ),
    (
        "cluster-rencontres-acheteurs", "actualite", "Rencontres acheteurs-fournisseurs : la méthode des clusters",
        "Les clusters de la démonstration organisent des rencontres entre donneurs d'ordre et PME de leur territoire.",
        None, "84",
        [
            "Le principe est simple : les acheteurs présentent leurs besoins, les PME leurs savoir-faire, et des "
            "rendez-vous courts s'enchaînent sur une demi-journée.",
            "Les demandes de devis publiées sur la place de marché prolongent ces rencontres : chaque besoin "
            "présenté peut y être décrit et ouvert aux entreprises intéressées.",
        ],
    ),
    (
        "nouveaux-membres-cluster-mecanique", "actualite", "Cinq nouvelles entreprises rejoignent le cluster mécanique",
        "Le cluster mécanique de la démonstration accueille de nouveaux membres, de l'usinage à la robotique.",
        "mecanique-metallurgie", "84",
        [
            "Parmi les nouveaux venus, un spécialiste du décolletage, un roboticien et deux ateliers de tôlerie "
            "fine (tous fictifs).",
            "Leurs profils sont consultables dans l'annuaire, et la liste des membres se met à jour "
            "automatiquement sur la page du cluster.",
        ],
    ),
    (
        "journee-industrie-du-futur", "actualite", "Journée industrie du futur : robotique et PME",
        "Une journée de démonstrations consacrée à la robotisation des petits ateliers.",
        None, "32",
        [
            "Cobots, chargement automatique de machines, contrôle par vision : les exposants ont montré des "
            "solutions à la portée d'ateliers de dix à cinquante personnes.",
            "Les échanges ont surtout porté sur le financement et la formation des équipes.",
        ],
    ),
    (
        "plasturgie-matieres-recyclees", "actualite", "Plasturgie : les matières recyclées entrent en production",
        "Les plasturgistes de la démonstration partagent leurs retours d'expérience sur les matières recyclées.",
        "plasturgie-composites", "52",
        [
            "Stabilité des lots, réglage des presses, aspect des pièces : les premières séries demandent des "
            "ajustements, mais la plupart des applications techniques sont accessibles.",
        ],
    ),
    (
        "guide-demande-de-devis", "actualite", "Bien rédiger une demande de devis",
        "Quelques conseils pour obtenir des réponses comparables et rapides des fournisseurs.",
        None, None,
        [
            "Joignez des plans cotés, précisez les quantités par lot et la cadence, indiquez les certifications "
            "exigées et la date de réponse attendue.",
            "Plus la demande est précise, plus les devis reçus se comparent facilement.",
        ],
    ),
    (
        "electronique-composites-approvisionnement", "actualite", "Composants électroniques : sécuriser ses approvisionnements",
        "Les sous-traitants électroniques de la démonstration expliquent comment ils gèrent les pénuries.",
        "electronique", "53",
        [
            "Références alternatives validées dès la conception, stocks partagés avec les clients, suivi des fins "
            "de vie : les pratiques se sont professionnalisées.",
        ],
    ),
]

CLUSTER_SECTOR_KEYWORDS = {
    "mécanique": "mecanique-metallurgie",
    "décolletage": "mecanique-metallurgie",
    "métallurgie": "mecanique-metallurgie",
    "microtechniques": "mecanique-metallurgie",
    "industrie du futur": "mecanique-metallurgie",
    "aéronautique": "aeronautique-automobile-ferroviaire-naval",
    "plasturgie": "plasturgie-composites",
    "textiles": "textiles-techniques",
    "électronique": "electronique",
    "agroalimentaire": "agroalimentaire",
    "santé": "sante-biotech",
    "bois": "bois-materiaux-innovants",
    "chimie": "chimie-biologie",
    "robotique": "mecanique-metallurgie",
}


def build_pages(ctx: DemoContext) -> None:
    """Create the missing editorial pages, their English translations and the editorial groups."""
    from cms.editorial import setup_editorial_groups

    rng = ctx.stream("pages")
    created = _Counter()
    with transaction.atomic():
        french = Locale.objects.get(language_code="fr")
        english, _created = Locale.objects.get_or_create(language_code="en")
        home = _home(french)
        if home is None:
            return
        _fill_home(home, created)
        sector_index = _sector_index(home, created)
        sector_pages = _sector_pages(sector_index, rng, created)
        article_index = _article_index(home, created)
        _articles(article_index, sector_pages, rng, created)
        _cluster_directory(home, ctx, created)
        _about_and_contact(home, created)
        _feature_sectors(home, sector_pages)
        _english_translations(home, sector_index, sector_pages, english, created)
        setup = setup_editorial_groups()
        _editor_writes_for_a_sector(setup)
    ctx.write(_("Pages éditoriales : %(created)d créées.") % {"created": created.value})


class _Counter:
    value = 0

    def add(self):
        self.value += 1


def _home(locale):
    from cms.models import HomePage

    return HomePage.objects.filter(locale=locale).first()


def _publish(page):
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def _child(parent, slug):
    return parent.get_children().filter(slug=slug).specific().first()


def _add(parent, page, created):
    parent = Page.objects.get(pk=parent.pk)  # a fresh tree position for treebeard
    parent.add_child(instance=page)
    created.add()
    return _publish(page)


def _fill_home(home, created):
    if home.key_figures:
        return
    home.hero_title = "<p>Relocalisez votre production : trouvez des fournisseurs industriels en France</p>"
    home.intro = (
        "<p>Production en France met en relation les donneurs d'ordre et les PME industrielles, filière par "
        "filière, avec l'aide des clusters qui les animent.</p>"
    )
    home.search_description = (
        "Trouvez des fournisseurs industriels en France par savoir-faire, filière et région, et publiez vos "
        "demandes de devis."
    )
    home.key_figures = [
        ("figure", {"value": "23", "label": "filières présentées", "source": "Production en France"}),
        ("figure", {"value": "8", "label": "clusters partenaires de la démonstration", "source": DEMO_SOURCE}),
        ("figure", {"value": "48 h", "label": "délai moyen de première réponse visé", "source": DEMO_SOURCE}),
    ]
    home.calls_to_action = [
        ("call_to_action", {
            "title": "Vous êtes donneur d'ordre ?",
            "text": "Décrivez votre besoin et recevez des devis de PME françaises qualifiées.",
            "link_text": "Créer un compte acheteur", "page": None, "url": "/accounts/signup/",
        }),
        ("call_to_action", {
            "title": "Vous êtes une PME industrielle ?",
            "text": "Présentez vos savoir-faire aux acheteurs qui relocalisent.",
            "link_text": "Référencer mon entreprise", "page": None, "url": "/accounts/signup/",
        }),
    ]
    _publish(home)


def _sector_index(home, created):
    from cms.models import SectorIndexPage

    page = _child(home, "filieres")
    if page is None:
        page = _add(home, SectorIndexPage(
            title="Les filières",
            slug="filieres",
            show_in_menus=True,
            intro="<p>Chaque filière industrielle a ses savoir-faire, ses entreprises et ses animateurs. "
                  "Découvrez-les, et trouvez les fournisseurs vérifiés de chacune.</p>",
            search_description="Les filières industrielles françaises et leurs fournisseurs vérifiés.",
        ), created)
    return page


def _demo_image(title: str, slug: str, label: str, rng: random.Random):
    """A 1200×630 gradient with geometric shapes and ``label``, stored once as a Wagtail image."""
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFont

    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    width, height = 1200, 630
    start = (rng.randrange(20, 90), rng.randrange(40, 120), rng.randrange(90, 170))
    end = (rng.randrange(150, 230), rng.randrange(120, 200), rng.randrange(60, 140))
    picture = PILImage.new("RGB", (width, height))
    draw = ImageDraw.Draw(picture)
    for x in range(width):
        t = x / (width - 1)
        draw.line([(x, 0), (x, height)], fill=tuple(int(a + (b - a) * t) for a, b in zip(start, end)))
    for _shape in range(6):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(40, 180)
        draw.ellipse([x - r, y - r, x + r, y + r], outline=(255, 255, 255), width=3)
    try:
        font = ImageFont.load_default(size=54)
    except TypeError:  # Pillow without FreeType
        font = ImageFont.load_default()
    draw.rectangle([0, height - 150, width, height], fill=(15, 23, 42))
    draw.text((48, height - 110), label[:42], fill=(255, 255, 255), font=font)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    image = Image(title=title, file=ImageFile(buffer, name=f"demo-{slug}.png"))
    image.save()
    return image


def _sector_pages(sector_index, rng, created) -> dict:
    from cms.models import SectorPage
    from suppliers.models import Sector

    pages = {}
    for sector in Sector.objects.order_by("position", "name"):
        page = SectorPage.objects.filter(sector=sector, locale=sector_index.locale).first() or _child(sector_index, sector.slug)
        if page is None:
            paragraphs = SECTOR_STORIES.get(sector.slug) or [
                sector.description or f"La filière {sector.name} rassemble des entreprises industrielles de toute la France.",
                "Cette page présente ses fournisseurs vérifiés et les actualités de ceux qui l'animent.",
            ]
            body = [("paragraph", RichText("".join(f"<p>{text}</p>" for text in paragraphs)))]
            body.append(("key_figures", {
                "heading": "Repères",
                "figures": [
                    {"value": str(rng.randrange(40, 400)), "label": "entreprises accompagnées par les animateurs de la filière",
                     "source": DEMO_SOURCE},
                    {"value": f"{rng.randrange(15, 60)} %", "label": "des demandes de devis venant d'une autre région",
                     "source": DEMO_SOURCE},
                ],
            }))
            page = _add(sector_index, SectorPage(
                title=sector.name,
                slug=sector.slug,
                sector=sector,
                intro=sector.description,
                search_description=sector.description[:300],
                image=_demo_image(f"Démo — {sector.name}", sector.slug, sector.name, rng),
                body=body,
            ), created)
        pages[sector.slug] = page
    return pages


def _article_index(home, created):
    from cms.models import ArticleIndexPage

    page = _child(home, "actualites")
    if page is None:
        page = _add(home, ArticleIndexPage(
            title="Actualités",
            slug="actualites",
            show_in_menus=True,
            intro="<p>Les nouvelles des filières et des clusters, et les histoires d'entreprises qui ont "
                  "relocalisé leur production.</p>",
        ), created)
    return page


def _articles(article_index, sector_pages, rng, created):
    from cms.models import ArticlePage
    from marketplace.geo.models import Region

    first_day = datetime.date(2026, 1, 5)
    for number, (slug, kind, title, intro, sector_slug, region_code, paragraphs) in enumerate(ARTICLES):
        parent = sector_pages.get(sector_slug) if sector_slug else None
        parent = parent or article_index
        if ArticlePage.objects.filter(slug=slug, locale=article_index.locale).exists():
            continue
        body = [("paragraph", RichText("".join(f"<p>{text}</p>" for text in paragraphs) + DEMO_NOTICE))]
        if kind == ArticlePage.Kind.SUCCESS_STORY:
            body.insert(1, ("quote", {
                "quote": "Travailler avec un fournisseur que l'on peut visiter dans la journée a tout changé.",
                "attribution": "Responsable achats (personnage fictif)",
                "role": "",
            }))
        article = ArticlePage(
            title=title,
            slug=slug,
            kind=kind,
            date=first_day + datetime.timedelta(days=9 * number),
            intro=intro,
            body=body,
            image=_demo_image(f"Démo — {title}", slug, title, rng),
        )
        article = _add(parent, article, created)
        if sector_slug and sector_slug in sector_pages:
            article.sectors.set([sector_pages[sector_slug].sector])
        if region_code:
            article.regions.set(Region.objects.filter(pk=region_code))
        if sector_slug or region_code:
            _publish(article)


def _cluster_profiles(ctx):
    """The demo cluster organisations' profiles, created where missing."""
    from marketplace.accounts.models import Organisation
    from suppliers.models import ClusterProfile, Sector

    sectors = {sector.slug: sector for sector in Sector.objects.all()}
    organisation_ids = ctx.organisations.get("cluster") or list(
        Organisation.objects.filter(is_cluster=True).values_list("pk", flat=True)
    )
    profiles = []
    for organisation in Organisation.objects.filter(pk__in=organisation_ids).select_related("commune"):
        profile = ClusterProfile.objects.filter(organisation=organisation).first()
        if profile is None:
            profile = ClusterProfile.objects.create(
                organisation=organisation,
                slug=organisation.slug,
                description=f"{organisation.name} anime les entreprises industrielles de son territoire (organisation fictive).",
                region_id=organisation.commune.region_id if organisation.commune_id else None,
                website=organisation.website,
            )
            lowered = organisation.name.lower()
            matched = {slug for word, slug in CLUSTER_SECTOR_KEYWORDS.items() if word in lowered and slug in sectors}
            profile.sectors.set([sectors[slug] for slug in matched])
        profiles.append(profile)
    return profiles


def _cluster_directory(home, ctx, created):
    from cms.models import ClusterIndexPage, ClusterPage

    index = _child(home, "clusters-et-poles")
    if index is None:
        index = _add(home, ClusterIndexPage(
            title="Clusters et pôles",
            slug="clusters-et-poles",
            show_in_menus=True,
            intro="<p>Les clusters et pôles de compétitivité fédèrent les entreprises d'une filière ou d'un "
                  "territoire. Filtrez par région ou par filière.</p>",
        ), created)
    for profile in _cluster_profiles(ctx):
        if ClusterPage.objects.filter(cluster=profile, locale=index.locale).exists():
            continue
        page = _child(index, profile.slug[:200])
        if page is not None:  # its organisation was deleted and generated again: link it back
            if page.cluster_id is None:
                page.cluster = profile
                _publish(page)
            continue
        _add(index, ClusterPage(
            title=profile.organisation.name,
            slug=profile.slug[:200],
            cluster=profile,
            intro=profile.description,
        ), created)


def _about_and_contact(home, created):
    from cms.models import FormField, FormPage, StandardPage

    if _child(home, "a-propos") is None:
        _add(home, StandardPage(
            title="À propos",
            slug="a-propos",
            show_in_menus=True,
            intro="Production en France aide les donneurs d'ordre à trouver des fournisseurs industriels près de chez eux.",
            body=[("paragraph", RichText(
                "<p>La plateforme réunit trois publics : les donneurs d'ordre qui cherchent à produire en France, "
                "les PME industrielles qui veulent se faire connaître, et les clusters qui animent les filières.</p>"
                "<p>Les pages des filières sont rédigées par leurs animateurs ; les listes de fournisseurs, les "
                "chiffres et les cartes viennent directement de l'annuaire et sont donc toujours à jour.</p>"
                "<p><em>Ce site de démonstration ne contient que des entreprises fictives.</em></p>"
            ))],
        ), created)
    if _child(home, "contact") is None:
        page = FormPage(
            title="Contact",
            slug="contact",
            show_in_menus=True,
            intro="<p>Une question sur la plateforme ou sur une filière ? Écrivez-nous.</p>",
            thank_you_text="<p>Merci, nous vous répondrons rapidement.</p>",
            to_address="contact@production-en-france.test",
            from_address="noreply@production-en-france.test",
            subject="Message reçu depuis le formulaire de contact",
        )
        page.form_fields = [
            FormField(label="Nom", field_type="singleline", required=True, sort_order=0),
            FormField(label="E-mail", field_type="email", required=True, sort_order=1),
            FormField(label="Organisation", field_type="singleline", required=False, sort_order=2),
            FormField(label="Message", field_type="multiline", required=True, sort_order=3),
        ]
        _add(home, page, created)


def _feature_sectors(home, sector_pages):
    home.refresh_from_db()
    if home.featured_sectors:
        return
    featured = [slug for slug in ("mecanique-metallurgie", "plasturgie-composites", "electronique", "textiles-techniques")
                if slug in sector_pages] or list(sector_pages)[:4]
    home.featured_sectors = [("sector_page", sector_pages[slug]) for slug in featured]
    _publish(home)


def _translate(page, locale, created, **fields):
    """The live translation of ``page`` in ``locale``, created with ``fields`` if missing."""
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    translation = page.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(translation, name, value)
    created.add()
    return _publish(translation)


def _english_translations(home, sector_index, sector_pages, english, created):
    home.refresh_from_db()
    _translate(
        home, english, created,
        title="Production en France",
        hero_title="<p>Reshore your production: find industrial suppliers in France</p>",
        intro="<p>Production en France connects prime contractors with French industrial SMEs, sector by sector, "
              "with the clusters that lead them.</p>",
        search_description="Find industrial suppliers in France by skill, sector and region, and publish your RFQs.",
    )
    _translate(
        sector_index, english, created,
        title="Industrial sectors",
        intro="<p>Each industrial sector has its skills, companies and cluster managers. Discover them and find "
              "each sector's verified suppliers.</p>",
    )
    for page in sector_pages.values():
        sector = page.sector
        _translate(
            page, english, created,
            title=sector.name_en or sector.name,
            intro=sector.description_en or sector.description,
            search_description=(sector.description_en or sector.description)[:300],
        )


def _editor_writes_for_a_sector(setup):
    from django.contrib.auth import get_user_model

    from suppliers.models import Sector

    editor = get_user_model().objects.filter(email=EDITOR_EMAIL).first()
    sector = Sector.objects.filter(slug=EDITOR_SECTOR).first() or Sector.objects.order_by("position").first()
    if editor is not None and sector is not None and sector.pk in setup.sector_groups:
        editor.groups.add(setup.sector_groups[sector.pk])
