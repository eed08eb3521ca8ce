"""How Elasticsearch stores a supplier: the French analyzer and the ``elasticsearch.dsl`` mapping.

Used by :mod:`search.backends.elasticsearch` (see its docstring and docs/SEARCH.md). The
analyzer only uses what the loopback node offers (``elision``, ``lowercase``, ``stop``,
``asciifolding``, ``stemmer``); there is no ``synonym`` filter: synonyms are expanded at query
time by :mod:`search.synonyms`.
"""
from __future__ import annotations

from elasticsearch.dsl import (
    Boolean,
    Document,
    GeoPoint,
    InnerDoc,
    Integer,
    Keyword,
    Long,
    MetaField,
    Object,
    Text,
    analyzer,
    token_filter,
)

from ..documents import SupplierDocument
from ..text import analyzed_text, fold
from .base import MAX_COUNTED_CERTIFICATIONS

# Field weights, as the database backend's bm25 column weights (name, skills, body, other).
TEXT_FIELDS = {"name": 10.0, "skills": 4.0, "body": 1.0, "other": 0.5}
# Raw text left out of search responses; body_text stays, the highlighter (base.highlight) reads it.
HEAVY_FIELDS = [f"{field}_text" for field in TEXT_FIELDS if field != "body"]
FRENCH_ARTICLES = ["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"]

french = analyzer(
    "supplier_french",
    tokenizer="standard",
    filter=[
        token_filter("supplier_elision", type="elision", articles_case=True, articles=FRENCH_ARTICLES),
        "lowercase",
        token_filter("supplier_french_stop", type="stop", stopwords="_french_"),
        "asciifolding",
        token_filter("supplier_light_french", type="stemmer", language="light_french"),
    ],
)
# The stems fields already hold search.text.analyze() output ([a-z0-9]+ words): the built-in
# standard analyzer (no stop words) only splits them (the loopback node has no whitespace tokenizer).
stems = "standard"


class FacetTerms(InnerDoc):
    sector = Keyword(multi=True)
    skill = Keyword(multi=True)
    material = Keyword(multi=True)
    certification = Keyword(multi=True)
    region = Keyword(multi=True)
    departement = Keyword(multi=True)
    headcount = Keyword(multi=True)
    batch = Keyword(multi=True)


class SupplierIndexDocument(Document):
    """One published supplier profile, as Elasticsearch stores it (built from ``SupplierDocument``)."""

    id = Long()
    slug = Keyword()
    name = Keyword(index=False)
    sort_name = Keyword()
    siret = Keyword()
    commune = Keyword(index=False)
    postal_code = Keyword()
    verified = Boolean()
    headcount_band = Keyword()
    counted_certifications = Integer()
    skills = Object(enabled=False)
    sectors = Object(enabled=False)
    certifications = Object(enabled=False)
    sites = Object(enabled=False)
    terms = Object(FacetTerms)
    points = GeoPoint(multi=True)
    name_text = Text(analyzer=french)
    skills_text = Text(analyzer=french)
    body_text = Text(analyzer=french)
    other_text = Text(analyzer=french)
    name_stems = Text(analyzer=stems)
    skills_stems = Text(analyzer=stems)
    body_stems = Text(analyzer=stems)
    other_stems = Text(analyzer=stems)

    class Meta:
        dynamic = MetaField("strict")
        # Derived from the text fields: indexed, never returned.
        source = MetaField(excludes=["*_stems"])

    @classmethod
    def from_supplier(cls, document: SupplierDocument) -> "SupplierIndexDocument":
        data = document.as_dict()
        for field in TEXT_FIELDS:
            data[f"{field}_stems"] = analyzed_text(data[f"{field}_text"])
        data["sort_name"] = fold(document.name)[:200]
        data["counted_certifications"] = min(len(document.certifications), MAX_COUNTED_CERTIFICATIONS)
        data["points"] = [{"lat": site.latitude, "lon": site.longitude} for site in document.sites]
        return cls(meta={"id": document.id}, **data)


def supplier_from_source(source: dict) -> SupplierDocument:
    """The ``SupplierDocument`` of a hit (text fields other than ``body_text`` are not returned: they come back empty)."""
    fields = SupplierDocument.__dataclass_fields__
    return SupplierDocument.from_dict({key: value for key, value in source.items() if key in fields})
