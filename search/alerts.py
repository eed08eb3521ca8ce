"""Saved searches, and alerts on RFQ publication: who should hear about a newly published RFQ.

Alert criteria come in two kinds:

* **saved RFQ alerts**: ``SavedSearch`` rows of kind ``rfqs`` with alerts on, belonging to an
  organisation. Filters (OR within a facet, AND across): ``sector``, ``skill`` (a saved skill
  matches an RFQ naming it or one of its sub-skills), ``material``, ``department`` (of the
  delivery commune), a centre + ``radius_km`` (the delivery commune within the radius,
  inclusive) and words ``q`` (every word, or a taxonomy synonym of it, in the RFQ's text);
* **implicit profile alerts**: every published supplier profile. It matches an RFQ that names a
  skill on the branches of the profile's skills (the skill, an ancestor or a descendant); when
  the RFQ names no skill, one of its materials; when it names neither, its sector. If both the
  RFQ and the profile have a place, a site must lie within ``PROFILE_ALERT_RADIUS_KM`` of the
  delivery commune.

Evaluation is chosen like the search backend: with ``SEARCH_BACKEND = "elasticsearch"`` the
Elasticsearch percolator (:mod:`search.backends.es_alerts`) answers; otherwise, or when the
engine cannot be reached (logged), SQL does (indexed filters, a bounding box, then the exact
distance and the text in Python). Both return the same set; ``tests/search/test_alerts.py``
checks it on the same fixtures.

Then, whatever the engine: the buyer's own organisation is left out, an invitation-only RFQ only
alerts invited suppliers, a saved alert only counts while its author still belongs to its
organisation, and alerts show the title and public summary only (never a confidential
description). Pro suppliers (``entitlements_for(org).instant_alerts``) are notified at once;
the others get an ``AlertDigestItem`` that ``manage.py send_alert_digests`` sends once a day.
"""
from __future__ import annotations

import logging
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from marketplace.audit.services import record
from marketplace.geo.services import BBOX_MARGIN_KM, KM_PER_DEGREE, haversine_km

from .matching import ProfileCriteria, SkillBranches, format_km, rfq_point, rfq_text
from .models import AlertDigestItem, SavedSearch, SavedSearchTerm
from .query import MAX_RADIUS_KM, SearchQueryError, parse_supplier_query
from .synonyms import expand
from .text import analyze

logger = logging.getLogger("marketplace.search")

PROFILE_ALERT_RADIUS_KM = 200.0
# Parameters an RFQ alert keeps (the rest of a search query means nothing for RFQs).
RFQ_ALERT_PARAMS = ("q", "sector", "skill", "material", "department", "departement", "postal_code", "insee", "lat", "lng",
                    "radius_km", "radius")
SUPPLIER_SEARCH_DROPPED = ("page", "csrfmiddlewaretoken")
MAX_SAVED_SEARCHES_PER_USER = 50


class SavedSearchError(Exception):
    """A saved search refused; the message is translated and shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- saved searches (services) ------------------------------------------------------------------


def save_search(user, *, name: str, kind: str, params, organisation=None, alerts_enabled: bool = True) -> SavedSearch:
    """Save the search ``params`` (a QueryDict or a dict of lists, the search page's parameters)
    for ``user``. The parameters are validated as a search is (unknown values, bad places and
    radii are refused with ``SavedSearchError``). An RFQ alert needs ``organisation`` (the one it
    alerts), to which ``user`` must belong."""
    from marketplace.accounts.models import Membership

    name = (name or "").strip()
    if kind not in SavedSearch.Kind.values:
        raise SavedSearchError(_("Type de recherche inconnu."))
    if not name:
        raise SavedSearchError(_("Donnez un nom à cette recherche."))
    if len(name) > 120:
        raise SavedSearchError(_("Le nom ne doit pas dépasser 120 caractères."))
    if organisation is not None and not Membership.objects.filter(user=user, organisation=organisation).exists():
        raise SavedSearchError(_("Vous n'appartenez pas à cette organisation."))
    if kind == SavedSearch.Kind.RFQS and organisation is None:
        raise SavedSearchError(_("Une alerte sur les consultations demande une organisation fournisseur."))
    if SavedSearch.objects.filter(user=user).count() >= MAX_SAVED_SEARCHES_PER_USER:
        raise SavedSearchError(
            _("Vous avez atteint le maximum de %(max)d recherches enregistrées.") % {"max": MAX_SAVED_SEARCHES_PER_USER}
        )
    query = _clean_params(params, kind)
    try:
        parsed = parse_supplier_query(query, facets=False)
    except SearchQueryError as exc:
        raise SavedSearchError(exc.message) from exc
    if kind == SavedSearch.Kind.RFQS and parsed.location is not None and parsed.radius_km is None:
        raise SavedSearchError(_("Indiquez un rayon autour de ce lieu."))

    with transaction.atomic():
        saved = SavedSearch.objects.create(
            user=user,
            organisation=organisation,
            name=name,
            kind=kind,
            query=query,
            alerts_enabled=alerts_enabled and kind == SavedSearch.Kind.RFQS,
            text=parsed.text,
            latitude=parsed.location.latitude if parsed.location and parsed.radius_km else None,
            longitude=parsed.location.longitude if parsed.location and parsed.radius_km else None,
            radius_km=parsed.radius_km,
        )
        if kind == SavedSearch.Kind.RFQS:
            SavedSearchTerm.objects.bulk_create(
                SavedSearchTerm(saved_search=saved, facet=facet, value=value)
                for facet, values in (("sector", parsed.sectors), ("skill", parsed.skills),
                                      ("material", parsed.materials), ("departement", parsed.departements))
                for value in values
            )
        record(user, "search.saved_search_created", saved, organisation=organisation, kind=kind, name=name)
    return saved


def delete_saved_search(user, saved: SavedSearch) -> None:
    """Delete ``saved``; only its author may."""
    _check_owner(user, saved)
    with transaction.atomic():
        record(user, "search.saved_search_deleted", saved, organisation=saved.organisation, name=saved.name)
        saved.delete()


def set_alerts(user, saved: SavedSearch, enabled: bool) -> SavedSearch:
    """Turn the alerts of ``saved`` (an RFQ alert) on or off; only its author may."""
    _check_owner(user, saved)
    if saved.kind != SavedSearch.Kind.RFQS and enabled:
        raise SavedSearchError(_("Les alertes ne concernent que les recherches de consultations."))
    with transaction.atomic():
        saved.alerts_enabled = enabled
        saved.save(update_fields=["alerts_enabled"])
        record(user, "search.saved_search_alerts", saved, organisation=saved.organisation, enabled=enabled)
    return saved


def _check_owner(user, saved: SavedSearch) -> None:
    if saved.user_id != getattr(user, "pk", None):
        raise SavedSearchError(_("Cette recherche enregistrée ne vous appartient pas."))


def _clean_params(params, kind: str) -> dict[str, list[str]]:
    if hasattr(params, "lists"):
        items = list(params.lists())
    else:
        items = [(k, v if isinstance(v, (list, tuple)) else [v]) for k, v in dict(params or {}).items()]
    cleaned = {}
    for key, values in items:
        values = [str(v).strip() for v in values if v is not None and str(v).strip()]
        if not values or key in SUPPLIER_SEARCH_DROPPED:
            continue
        if kind == SavedSearch.Kind.RFQS and key not in RFQ_ALERT_PARAMS:
            continue
        cleaned[key] = values[:20]
    return cleaned


# --- what an RFQ is, for alert criteria ----------------------------------------------------------


@dataclass
class RFQFacts:
    """The facts of an RFQ alert criteria are tested on (the percolated document on Elasticsearch)."""

    skill_ids: set[int]
    skills: list[str]  # slugs of the RFQ's own skills
    skill_lineage: list[str]  # …and of their ancestors (a saved skill includes its sub-skills)
    material_ids: set[int]
    materials: list[str]
    sector_id: int | None
    sector: str | None
    departement: str | None
    point: tuple[float, float] | None
    tokens: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, rfq, branches: SkillBranches | None = None) -> "RFQFacts":
        from suppliers.models import Skill

        branches = branches or SkillBranches()
        skills = list(rfq.skills.all())
        lineage_ids = {pk for s in skills for pk in ({s.pk} | branches.ancestors(s.pk))}
        materials = list(rfq.materials.all())
        point = rfq_point(rfq)
        return cls(
            skill_ids={s.pk for s in skills},
            skills=sorted(s.slug for s in skills),
            skill_lineage=sorted(Skill.objects.filter(pk__in=lineage_ids).values_list("slug", flat=True)),
            material_ids={m.pk for m in materials},
            materials=sorted(m.slug for m in materials),
            sector_id=rfq.sector_id,
            sector=rfq.sector.slug if rfq.sector_id else None,
            departement=rfq.delivery_commune.departement_id if rfq.delivery_commune_id else None,
            point=(point.latitude, point.longitude) if point else None,
            tokens=set(analyze(rfq_text(rfq))),
        )

    def as_document(self) -> dict:
        document = {
            "skills": self.skills,
            "skill_lineage": self.skill_lineage,
            "materials": self.materials,
            "text_terms": " ".join(sorted(self.tokens)),
        }
        if self.sector:
            document["sector"] = self.sector
        if self.departement:
            document["departement"] = self.departement
        if self.point:
            document["location"] = {"lat": self.point[0], "lon": self.point[1]}
        return document


def text_concepts(text: str) -> list[list[list[str]]]:
    """Words of an alert as concepts → alternatives → stems (every concept must match)."""
    return [[list(alternative.tokens) for alternative in concept.alternatives] for concept in expand(text)]


def text_matches(concepts, tokens: set[str]) -> bool:
    return all(any(set(alternative) <= tokens for alternative in concept) for concept in concepts)


# --- evaluation ---------------------------------------------------------------------------------

# A match key: ("profile", organisation_id) or ("saved", saved_search_id).
MatchKey = tuple[str, int]


def matching_keys_sql(rfq, facts: RFQFacts | None = None) -> set[MatchKey]:
    """Alert criteria matching ``rfq``, evaluated in SQL (+ exact distance and text in Python)."""
    facts = facts or RFQFacts.of(rfq)
    return _profile_keys_sql(rfq, facts) | _saved_keys_sql(facts)


def _bbox(latitude: float, radius_km, prefix: str = ""):
    """Latitude/longitude ranges of a box around a point; ``radius_km`` a number or an F()."""
    d_lat = (radius_km + BBOX_MARGIN_KM) / KM_PER_DEGREE
    # The widest longitude span of any box up to MAX_RADIUS_KM: conservative, the exact test follows.
    widest = math.cos(math.radians(min(89.9, abs(latitude) + MAX_RADIUS_KM / KM_PER_DEGREE)))
    return d_lat, d_lat / widest


def _profile_keys_sql(rfq, facts: RFQFacts) -> set[MatchKey]:
    from suppliers.models import ProductionSite, SupplierProfile

    profiles = SupplierProfile.objects.published().filter(organisation__is_supplier=True)
    if facts.skill_ids:
        branch = SkillBranches().branch(facts.skill_ids)
        profiles = profiles.filter(skills__in=branch)
    elif facts.material_ids:
        profiles = profiles.filter(materials__in=facts.material_ids)
    elif facts.sector_id:
        profiles = profiles.filter(sectors=facts.sector_id)
    else:
        return set()
    if facts.point:
        lat, lng = facts.point
        d_lat, d_lng = _bbox(lat, PROFILE_ALERT_RADIUS_KM)
        near = ProductionSite.objects.filter(
            profile=OuterRef("pk"), latitude__range=(lat - d_lat, lat + d_lat), longitude__range=(lng - d_lng, lng + d_lng)
        )
        no_site = ~Exists(ProductionSite.objects.filter(profile=OuterRef("pk")))
        profiles = profiles.filter(Exists(near) | no_site)
    profiles = profiles.distinct().select_related("organisation__commune").prefetch_related("sites")
    keys = set()
    for profile in profiles:
        if facts.point:
            points = [(s.latitude, s.longitude) for s in profile.sites.all()]
            commune = profile.organisation.commune
            if not points and commune is not None:
                points = [(commune.latitude, commune.longitude)]
            if points and min(haversine_km(*facts.point, *p) for p in points) > PROFILE_ALERT_RADIUS_KM:
                continue
        keys.add(("profile", profile.organisation_id))
    return keys


def _saved_keys_sql(facts: RFQFacts) -> set[MatchKey]:
    alerts = SavedSearch.objects.filter(kind=SavedSearch.Kind.RFQS, alerts_enabled=True, organisation__isnull=False)
    for facet, values in (("sector", [facts.sector] if facts.sector else []), ("skill", facts.skill_lineage),
                          ("material", facts.materials), ("departement", [facts.departement] if facts.departement else [])):
        has_facet = SavedSearchTerm.objects.filter(saved_search=OuterRef("pk"), facet=facet)
        alerts = alerts.filter(~Exists(has_facet) | Exists(has_facet.filter(value__in=values)))
    if facts.point:
        lat, lng = facts.point
        d_lat, d_lng = _bbox(lat, F("radius_km"))
        alerts = alerts.filter(
            Q(radius_km__isnull=True)
            | Q(latitude__gte=lat - d_lat, latitude__lte=lat + d_lat, longitude__gte=lng - d_lng, longitude__lte=lng + d_lng)
        )
    else:
        alerts = alerts.filter(radius_km__isnull=True)
    keys = set()
    for pk, text, latitude, longitude, radius_km in alerts.values_list("pk", "text", "latitude", "longitude", "radius_km"):
        if radius_km is not None and haversine_km(*facts.point, latitude, longitude) > radius_km:
            continue
        if text and not text_matches(text_concepts(text), facts.tokens):
            continue
        keys.add(("saved", pk))
    return keys


def matching_keys(rfq, facts: RFQFacts | None = None) -> set[MatchKey]:
    """The alert criteria matching ``rfq``, from the configured engine (SQL as the fallback)."""
    from .backends import SearchBackendUnavailable
    from .backends import es_alerts

    facts = facts or RFQFacts.of(rfq)
    if es_alerts.enabled():
        try:
            return es_alerts.percolate(facts)
        except SearchBackendUnavailable as exc:
            logger.warning("Alert percolator unavailable, evaluating RFQ %s alerts in SQL: %s", rfq.pk, exc)
    return matching_keys_sql(rfq, facts)


@dataclass
class AlertTarget:
    organisation: object
    reasons: list[str] = field(default_factory=list)
    users: dict = field(default_factory=dict)  # user id → user
    saved_search_ids: list[int] = field(default_factory=list)


def _targets(rfq) -> dict[int, AlertTarget]:
    """Organisations to alert about ``rfq``, with their reasons and recipients, visibility applied."""
    from marketplace.accounts.models import Membership, Organisation
    from marketplace.notifications.services import organisation_users
    from rfq.models import RFQ, RFQInvitation
    from suppliers.models import SupplierProfile

    branches = SkillBranches()
    facts = RFQFacts.of(rfq, branches)
    keys = matching_keys(rfq, facts)
    org_ids = {pk for kind, pk in keys if kind == "profile"}
    saved = {
        s.pk: s
        for s in SavedSearch.objects.filter(pk__in=[pk for kind, pk in keys if kind == "saved"]).select_related("user")
    }
    org_ids |= {s.organisation_id for s in saved.values()}
    org_ids.discard(rfq.buyer_id)
    if rfq.visibility == RFQ.Visibility.INVITED:
        org_ids &= set(RFQInvitation.objects.filter(rfq=rfq).values_list("supplier_id", flat=True))
    organisations = Organisation.objects.in_bulk(org_ids)

    targets: dict[int, AlertTarget] = {}
    profiles = {
        p.organisation_id: p
        for p in SupplierProfile.objects.filter(organisation_id__in=[pk for kind, pk in keys if kind == "profile"])
        .select_related("organisation__commune")
        .prefetch_related("skills", "materials", "sectors", "sites", "certifications")
    }
    for org_id, profile in profiles.items():
        if org_id not in organisations:
            continue
        target = targets.setdefault(org_id, AlertTarget(organisations[org_id]))
        target.reasons.append(_profile_reason(ProfileCriteria.for_profile(profile, branches), rfq, facts))
        for user in organisation_users(organisations[org_id]):
            target.users[user.pk] = user
    members = set(
        Membership.objects.filter(organisation_id__in=org_ids, user__is_active=True).values_list("organisation_id", "user_id")
    )
    for search in saved.values():
        if search.organisation_id not in organisations or (search.organisation_id, search.user_id) not in members:
            continue
        target = targets.setdefault(search.organisation_id, AlertTarget(organisations[search.organisation_id]))
        target.reasons.append(_("Alerte « %(name)s »") % {"name": search.name})
        target.users[search.user_id] = search.user
        target.saved_search_ids.append(search.pk)
    return targets


def _profile_reason(criteria: ProfileCriteria, rfq, facts: RFQFacts) -> str:
    parts = [s.label for s in rfq.skills.all() if s.pk in criteria.skill_branch]
    if not parts:
        parts = [m.label for m in rfq.materials.all() if m.pk in criteria.material_ids]
    if not parts and rfq.sector_id:
        parts = [rfq.sector.label]
    distance = criteria.distance_km(rfq)
    if distance is not None:
        parts.append(format_km(distance))
    return _("Votre profil : %(why)s") % {"why": " · ".join(parts)}


def suppliers_to_alert(rfq) -> list[tuple]:
    """``[(Organisation, reason), …]`` to alert about ``rfq``: visibility respected (an invited-only
    RFQ only alerts invited suppliers), the buyer never alerted. Evaluated with the
    Elasticsearch percolator when that is the search backend, else (or when it is unreachable) in SQL."""
    targets = _targets(rfq)
    return [
        (target.organisation, " ; ".join(target.reasons))
        for _pk, target in sorted(targets.items(), key=lambda item: item[1].organisation.name)
    ]


# --- delivery -----------------------------------------------------------------------------------


def _rfq_url(rfq) -> str:
    try:
        return rfq.get_absolute_url()
    except NoReverseMatch:  # the RFQ pages may not be routed yet
        return ""


def alert_suppliers(rfq) -> int:
    """Notify (Pro: instant) or queue for the daily digest (Free) every supplier of
    :func:`suppliers_to_alert`; idempotent per RFQ and user. Returns how many users were alerted."""
    from marketplace.billing.entitlements import entitlements_for
    from marketplace.notifications.services import notify
    from rfq.models import RFQ

    rfq = RFQ.objects.select_related("delivery_commune", "sector", "buyer").get(pk=rfq.pk)
    if rfq.status != RFQ.Status.PUBLISHED:
        return 0
    targets = _targets(rfq)
    now = timezone.now()
    alerted = 0
    with transaction.atomic():
        already = set(AlertDigestItem.objects.filter(rfq=rfq).values_list("user_id", flat=True))
        for target in targets.values():
            users = [user for pk, user in target.users.items() if pk not in already]
            if not users:
                continue
            reason = " ; ".join(target.reasons)[:300]
            instant = entitlements_for(target.organisation).instant_alerts
            AlertDigestItem.objects.bulk_create(
                AlertDigestItem(user=user, organisation=target.organisation, rfq=rfq, reason=reason, instant=instant,
                                sent_at=now if instant else None)
                for user in users
            )
            already.update(user.pk for user in users)
            if instant:
                notify(users, "search.rfq_alert", url=_rfq_url(rfq), organisation=target.organisation,
                       reference=rfq.reference, title=rfq.title, summary=rfq.summary, reason=reason)
            SavedSearch.objects.filter(pk__in=target.saved_search_ids).update(last_notified_at=now)
            alerted += len(users)
        if alerted:
            record(None, "search.rfq_alerts_sent", rfq, organisation=rfq.buyer, users=alerted)
    return alerted


@task()
def alert_suppliers_task(rfq_id: int) -> int:
    """Evaluate and deliver the alerts of a published RFQ (enqueued on ``rfq_published``)."""
    from rfq.models import RFQ

    rfq = RFQ.objects.filter(pk=rfq_id).first()
    return alert_suppliers(rfq) if rfq else 0


def send_alert_digests(*, now=None) -> int:
    """Send one digest notification per user of the pending digest items; idempotent (items are
    marked sent in the same transaction). RFQs no longer open are dropped from the digest.
    Returns digests sent."""
    from marketplace.notifications.services import notify
    from rfq.models import RFQ

    now = now or timezone.now()
    pending = defaultdict(list)
    for item in AlertDigestItem.objects.filter(sent_at__isnull=True, instant=False).values("pk", "user_id"):
        pending[item["user_id"]].append(item["pk"])
    sent = 0
    for user_id, item_ids in pending.items():
        with transaction.atomic():
            items = list(
                AlertDigestItem.objects.select_for_update(of=("self",))
                .filter(pk__in=item_ids, sent_at__isnull=True)
                .select_related("rfq", "user", "organisation")
                .order_by("created_at", "pk")
            )
            if not items:
                continue
            open_items = [i for i in items if i.rfq.status == RFQ.Status.PUBLISHED and i.rfq.accepts_quotes(now)]
            if open_items:
                lines = "\n".join(f"- {i.rfq.reference} — {i.rfq.title}" for i in open_items)
                notify([items[0].user], "search.rfq_digest", organisation=items[0].organisation,
                       url=_digest_url(), count=len(open_items), rfqs=lines)
                sent += 1
            AlertDigestItem.objects.filter(pk__in=[i.pk for i in items]).update(sent_at=now)
    return sent


def _digest_url() -> str:
    from django.urls import reverse

    try:
        return reverse("rfq:list")
    except NoReverseMatch:
        return ""


@task()
def register_alerts_task(saved_search_ids: list[int], organisation_ids: list[int]) -> None:
    """Re-register saved searches and profile alerts in the percolator (no-op on the database)."""
    from .backends import es_alerts

    if saved_search_ids:
        es_alerts.register_saved_searches(saved_search_ids)
    if organisation_ids:
        es_alerts.register_profiles(organisation_ids)


@task()
def refresh_alerts_task() -> int:
    """Re-register every alert in the percolator after a taxonomy change (enqueued after commit by
    :func:`search.receivers.taxonomy_changed`; no-op on the database). Never raises: returns -1
    when the engine could not be reached (logged; ``manage.py search_rebuild`` catches up)."""
    from .backends import es_alerts
    from .synonyms import forget_thesaurus

    if not es_alerts.enabled():
        return 0
    forget_thesaurus()  # the expansion must see the committed taxonomy, not a cache filled before
    try:
        return es_alerts.refresh()
    except es_alerts.client_errors() as exc:
        logger.warning("Could not re-register the alerts in the percolator after a taxonomy change: %s", exc)
        return -1
