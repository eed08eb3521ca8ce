"""How complete a supplier profile is (0–100), what would raise the score, and what publishing needs.

The score is a weighted sum of criteria; each criterion met adds its weight. The weights say
what buyers look at first when they shortlist a supplier: what it does (presentation, skills)
and where (a production site) weigh most, then proof (certifications), then the rest.

======================================  ======
Criterion                               Weight
======================================  ======
Presentation in French                  15
At least one skill                      15
At least one production site            15
At least one certification              10
Tagline                                 5
At least one material                   5
At least one sector served              5
Headcount band and batch sizes          5
At least one piece of equipment         5
Logo                                    5
At least one photo                      5
At least one customer reference         5
Contact (website, e-mail or phone)      5
======================================  ======

The services recompute and store the score after every change (``SupplierProfile.completeness``)
so that lists and search can sort on it without recomputing. Publishing needs the three
criteria of :data:`PUBLICATION_MINIMUM`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .sanitize import has_text


@dataclass(frozen=True)
class Criterion:
    key: str
    weight: int
    hint: str  # lazy, translated when displayed
    is_met: Callable


CRITERIA: tuple[Criterion, ...] = (
    Criterion("presentation", 15, _("Rédigez la présentation de votre entreprise"), lambda p: has_text(p.presentation)),
    Criterion("skills", 15, _("Choisissez au moins une compétence"), lambda p: p.skills.exists()),
    Criterion("sites", 15, _("Ajoutez au moins un site de production"), lambda p: p.sites.exists()),
    Criterion("certifications", 10, _("Déclarez vos certifications"), lambda p: p.certifications.exists()),
    Criterion("tagline", 5, _("Ajoutez une accroche"), lambda p: bool(p.tagline.strip())),
    Criterion("materials", 5, _("Indiquez les matériaux que vous travaillez"), lambda p: p.materials.exists()),
    Criterion("sectors", 5, _("Indiquez les filières que vous servez"), lambda p: p.sectors.exists()),
    Criterion(
        "size",
        5,
        _("Précisez votre effectif et vos tailles de série"),
        lambda p: bool(p.headcount_band) and bool(p.batch_sizes),
    ),
    Criterion("equipment", 5, _("Listez vos principaux équipements"), lambda p: p.equipment.exists()),
    Criterion("logo", 5, _("Ajoutez votre logo"), lambda p: bool(p.logo)),
    Criterion("photos", 5, _("Ajoutez au moins une photo de vos ateliers ou de vos pièces"), lambda p: p.photos.exists()),
    Criterion("references", 5, _("Citez au moins une référence client"), lambda p: p.references.exists()),
    Criterion(
        "contact",
        5,
        _("Indiquez un site web, un e-mail ou un téléphone de contact"),
        lambda p: bool(p.website or p.contact_email or p.phone),
    ),
)

# Without these a public page would not tell a buyer what the supplier does nor where.
PUBLICATION_MINIMUM = ("presentation", "skills", "sites")

assert sum(c.weight for c in CRITERIA) == 100


@dataclass(frozen=True)
class Completeness:
    score: int
    hints: list[str]  # what to do next, heaviest criteria first


def evaluate(profile) -> Completeness:
    score, hints = 0, []
    for criterion in CRITERIA:
        if criterion.is_met(profile):
            score += criterion.weight
        else:
            hints.append(str(criterion.hint))
    return Completeness(score=score, hints=hints)


def missing_for_publication(profile) -> list[str]:
    """The hints of the publication minimum that ``profile`` does not meet yet (empty: publishable)."""
    by_key = {c.key: c for c in CRITERIA}
    return [str(by_key[key].hint) for key in PUBLICATION_MINIMUM if not by_key[key].is_met(profile)]
