"""Alert criteria in Elasticsearch: the percolator answers « which alerts match this RFQ? ».

One index (``SEARCH_ALERTS_INDEX``, default ``<SEARCH_ELASTICSEARCH_INDEX>-alerts``) holds one
document per alert, its criteria stored as a query in the ``query`` field (type ``percolator``):

* ``saved-<id>``: a saved RFQ alert with alerts on (:class:`search.models.SavedSearch`);
* ``profile-<organisation id>``: the implicit alert of a published supplier profile.

An RFQ is percolated as the document :meth:`search.alerts.RFQFacts.as_document` builds
(skills, skill lineage, materials, sector, département, delivery point, analysed text). The
queries mirror the SQL evaluation of :mod:`search.alerts` term for term — text is matched on our
own stems (``text_terms``, whitespace analyzer), synonyms expanded when the alert is registered —
so that both engines return the same set.

Registration follows the rows: a saved search is (re-)registered after its save commits and
removed when deleted; a profile after it, its sites or its skills/materials/sectors change.
Errors are logged, never raised into a save. A change of the taxonomy (a skill or material
renamed, given synonyms, re-parented, deleted) re-registers everything in place with
:func:`refresh`, after commit (:mod:`search.receivers`); ``manage.py search_rebuild`` re-creates
the index with :func:`rebuild`. The client is the shared one (``es_client``).
"""
from __future__ import annotations

import logging

from django.conf import settings

from .base import SearchBackendUnavailable
from .es_client import get_client

logger = logging.getLogger("marketplace.search")

MAPPING = {
    "properties": {
        "query": {"type": "percolator"},
        "alert_kind": {"type": "keyword"},
        "ref_id": {"type": "long"},
        # Fields of the percolated RFQ document.
        "skills": {"type": "keyword"},
        "skill_lineage": {"type": "keyword"},
        "materials": {"type": "keyword"},
        "sector": {"type": "keyword"},
        "departement": {"type": "keyword"},
        "location": {"type": "geo_point"},
        "text_terms": {"type": "text", "analyzer": "whitespace"},
    }
}


def enabled() -> bool:
    """Alerts are percolated when Elasticsearch is the search backend and configured."""
    return getattr(settings, "SEARCH_BACKEND", "database") == "elasticsearch" and get_client() is not None


def index_name() -> str:
    return getattr(settings, "SEARCH_ALERTS_INDEX", "") or f"{settings.SEARCH_ELASTICSEARCH_INDEX}-alerts"


def _errors():
    from elastic_transport import TransportError
    from elasticsearch import ApiError

    return (ApiError, TransportError, OSError)


def client_errors() -> tuple[type[Exception], ...]:
    """What registration and percolation raise when the engine is unreachable or refuses."""
    return _errors()


def ensure_index(client=None, name: str | None = None) -> None:
    client = client or get_client()
    name = name or index_name()
    if not client.indices.exists(index=name):
        client.indices.create(index=name, mappings=MAPPING)


def drop_index(name: str | None = None) -> None:
    get_client().indices.delete(index=name or index_name(), ignore_unavailable=True)


# --- queries ------------------------------------------------------------------------------------


def _geo(point: tuple[float, float], radius_km: float) -> dict:
    return {"geo_distance": {"distance": f"{radius_km}km", "location": {"lat": point[0], "lon": point[1]}}}


def _missing(field: str) -> dict:
    return {"bool": {"must_not": [{"exists": {"field": field}}]}}


def _text(text: str) -> list[dict]:
    from ..alerts import text_concepts

    return [
        {"bool": {"should": [{"bool": {"filter": [{"term": {"text_terms": t}} for t in alternative]}}
                             for alternative in concept], "minimum_should_match": 1}}
        for concept in text_concepts(text)
    ]


def saved_search_query(saved) -> dict | None:
    """The percolator query of a saved RFQ alert (``None`` when it should not be registered)."""
    if saved.kind != saved.Kind.RFQS or not saved.alerts_enabled or saved.organisation_id is None:
        return None
    terms: dict[str, list[str]] = {}
    for facet, value in saved.terms.values_list("facet", "value"):
        terms.setdefault(facet, []).append(value)
    fields = {"sector": "sector", "skill": "skill_lineage", "material": "materials", "departement": "departement"}
    filters = [{"terms": {fields[facet]: values}} for facet, values in terms.items() if facet in fields]
    if saved.radius_km is not None:
        filters.append(_geo((saved.latitude, saved.longitude), saved.radius_km))
    if saved.text:
        filters.extend(_text(saved.text))
    return {"bool": {"filter": filters}} if filters else {"match_all": {}}


def profile_query(profile, branches=None) -> dict | None:
    """The percolator query of a profile's implicit alert (``None`` when it matches nothing)."""
    from suppliers.models import Skill

    from ..alerts import PROFILE_ALERT_RADIUS_KM
    from ..matching import ProfileCriteria

    if not profile.is_published or not profile.organisation.is_supplier:
        return None
    criteria = ProfileCriteria.for_profile(profile, branches)
    branch = sorted(Skill.objects.filter(pk__in=criteria.skill_branch).values_list("slug", flat=True))
    materials = sorted(m.slug for m in profile.materials.all())
    sectors = sorted(s.slug for s in profile.sectors.all())
    should = []
    if branch:
        should.append({"terms": {"skills": branch}})
    if materials:
        should.append({"bool": {"filter": [_missing("skills"), {"terms": {"materials": materials}}]}})
    if sectors:
        should.append({"bool": {"filter": [_missing("skills"), _missing("materials"), {"terms": {"sector": sectors}}]}})
    if not should:
        return None
    filters = [{"bool": {"should": should, "minimum_should_match": 1}}]
    if criteria.points:
        places = [_geo(point, PROFILE_ALERT_RADIUS_KM) for point in criteria.points] + [_missing("location")]
        filters.append({"bool": {"should": places, "minimum_should_match": 1}})
    return {"bool": {"filter": filters}}


# --- registration -------------------------------------------------------------------------------


def _put(doc_id: str, kind: str, ref_id: int, query: dict | None, client, name: str) -> None:
    if query is None:
        client.options(ignore_status=404).delete(index=name, id=doc_id, refresh="wait_for")
    else:
        client.index(index=name, id=doc_id, document={"query": query, "alert_kind": kind, "ref_id": ref_id},
                     refresh="wait_for")


def register_saved_searches(ids) -> None:
    """(Re-)register saved searches by id; ids of deleted rows are removed. Logs errors, never raises."""
    from ..models import SavedSearch

    if not enabled():
        return
    ids = list(ids)
    try:
        client, name = get_client(), index_name()
        ensure_index(client, name)
        rows = {s.pk: s for s in SavedSearch.objects.filter(pk__in=ids)}
        for pk in ids:
            _put(f"saved-{pk}", "saved", pk, saved_search_query(rows[pk]) if pk in rows else None, client, name)
    except _errors() as exc:
        logger.warning("Could not register saved searches %s in the alert percolator: %s", ids, exc)


def remove_saved_searches(ids) -> None:
    """Remove saved searches from the percolator at once (the rows are gone). Never raises."""
    if not enabled():
        return
    try:
        client, name = get_client(), index_name()
        for pk in ids:
            client.options(ignore_status=404).delete(index=name, id=f"saved-{pk}", refresh="wait_for")
    except _errors() as exc:
        logger.warning("Could not remove saved searches %s from the alert percolator: %s", list(ids), exc)


def register_profiles(organisation_ids) -> None:
    """(Re-)register the implicit alerts of these organisations' profiles. Never raises."""
    from suppliers.models import SupplierProfile

    from ..matching import SkillBranches

    if not enabled():
        return
    ids = list(organisation_ids)
    try:
        client, name = get_client(), index_name()
        ensure_index(client, name)
        branches = SkillBranches()
        profiles = {
            p.organisation_id: p
            for p in SupplierProfile.objects.filter(organisation_id__in=ids)
            .select_related("organisation__commune")
            .prefetch_related("skills", "materials", "sectors", "sites", "certifications")
        }
        for org_id in ids:
            profile = profiles.get(org_id)
            _put(f"profile-{org_id}", "profile", org_id, profile_query(profile, branches) if profile else None, client, name)
    except _errors() as exc:
        logger.warning("Could not register profile alerts %s in the alert percolator: %s", ids, exc)


def _all_alerts() -> list[dict]:
    """Bulk actions registering every saved RFQ alert and every published profile's implicit alert."""
    from suppliers.models import SupplierProfile

    from ..matching import SkillBranches
    from ..models import SavedSearch

    branches = SkillBranches()
    actions = []
    for saved in SavedSearch.objects.filter(kind=SavedSearch.Kind.RFQS, alerts_enabled=True).prefetch_related("terms"):
        query = saved_search_query(saved)
        if query is not None:
            actions.append({"_id": f"saved-{saved.pk}", "query": query, "alert_kind": "saved", "ref_id": saved.pk})
    profiles = (
        SupplierProfile.objects.published()
        .select_related("organisation__commune")
        .prefetch_related("skills", "materials", "sectors", "sites", "certifications")
    )
    for profile in profiles:
        query = profile_query(profile, branches)
        if query is not None:
            actions.append({"_id": f"profile-{profile.organisation_id}", "query": query, "alert_kind": "profile",
                            "ref_id": profile.organisation_id})
    return actions


def rebuild() -> int:
    """Re-create the alerts index from every saved RFQ alert and published profile. Returns the count.

    ``manage.py search_rebuild`` runs it (after the supplier indexes). Client errors are raised."""
    from elasticsearch import helpers

    client, name = get_client(), index_name()
    drop_index(name)
    ensure_index(client, name)
    actions = _all_alerts()
    helpers.bulk(client, actions, index=name, refresh="wait_for")
    return len(actions)


def refresh() -> int:
    """Re-register every alert in place (no empty window), then settle the ones no longer listed.

    For taxonomy changes: the queries embed the synonyms of the skills and materials (expanded
    when registered) and the skill branches of the profiles, so a renamed skill, a new synonym
    or a re-parented skill changes queries of alerts whose rows did not change. Alerts in the
    index but not in the bulk are re-registered one by one from their current row (removed
    when the row is gone or no longer alerts), so one saved while this runs is not lost.
    Returns the number bulk-registered; client errors are raised (the task logs them)."""
    from elasticsearch import helpers

    client, name = get_client(), index_name()
    ensure_index(client, name)
    actions = _all_alerts()
    helpers.bulk(client, actions, index=name, refresh="wait_for")
    wanted = {action["_id"] for action in actions}
    stale = {hit["_id"] for hit in helpers.scan(client, index=name, query={"query": {"match_all": {}}}, _source=False)}
    stale -= wanted
    saved_ids = [int(doc_id.removeprefix("saved-")) for doc_id in stale if doc_id.startswith("saved-")]
    organisation_ids = [int(doc_id.removeprefix("profile-")) for doc_id in stale if doc_id.startswith("profile-")]
    if saved_ids:
        register_saved_searches(saved_ids)
    if organisation_ids:
        register_profiles(organisation_ids)
    return len(actions)


# --- percolation --------------------------------------------------------------------------------


def percolate(facts) -> set[tuple[str, int]]:
    """Keys (``("saved", id)`` / ``("profile", organisation_id)``) of the alerts matching an RFQ's
    facts. Raises ``SearchBackendUnavailable`` when the engine cannot answer."""
    from elasticsearch import helpers

    try:
        hits = helpers.scan(
            get_client(),
            index=index_name(),
            query={"query": {"percolate": {"field": "query", "document": facts.as_document()}},
                   "_source": ["alert_kind", "ref_id"]},
        )
        return {(hit["_source"]["alert_kind"], hit["_source"]["ref_id"]) for hit in hits}
    except _errors() as exc:
        raise SearchBackendUnavailable(str(exc)) from exc
