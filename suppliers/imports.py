"""Bulk import of supplier organisations and their profiles from a CSV or XLSX file.

Used by ``manage.py import_suppliers`` and by the staff page /staff/import-fournisseurs/;
``suppliers/exports.py`` writes the same format, so an export re-imports unchanged.

The file
--------
A header row, then one supplier per row. Column names are exact, in any order:

``siret`` and ``name`` (required), ``description``, ``skills``, ``materials``,
``certifications``, ``sectors``, ``postal_code``, ``insee_code``, ``website``, ``employees``,
``cluster``. Multi-valued cells separate their values with ``;`` (quoted in a semicolon CSV).

- CSV in UTF-8, with or without BOM; the delimiter (comma or semicolon) is read from the header.
  XLSX: the first sheet.
- Skills, materials and sectors match a slug, the French or English name or a synonym, ignoring
  case and accents; certifications match their code (« ISO 9001 »), slug or name. An unknown
  skill is kept as a free keyword of the profile and reported as a warning; any other unknown
  value is an error of its row.
- ``employees``: a number of employees or a band (« 10-49 », « 10 à 49 salariés »).
- ``cluster``: cluster organisations by name, SIREN or SIRET; the supplier becomes an active
  member of each.
- ``postal_code`` / ``insee_code``: the head office's commune; it becomes the organisation's
  address and the profile's head-office production site (updated, never duplicated).

Upsert by SIRET: an unknown SIRET creates the organisation (supplier, SIREN and VAT number derived
from the SIRET) and a draft profile; a known one is updated. A column absent from the file leaves
its field alone; a column present with an empty cell clears the field, except the location and
the clusters, which an empty cell leaves as they are (an import never deletes a site nor ends a
membership).

How it runs
-----------
Validate first, then write (as django-oscar's order processing does): every row is checked
against look-up tables loaded once (no query per row), and only then is anything written, in one
transaction, with bulk inserts and updates. Any invalid row rejects the whole file unless
``skip_invalid`` is set, in which case the valid rows are written and the others reported. A dry
run validates and writes nothing. Line numbers in the report are the file's: the header is line 1.

Cells beginning with ``=``, ``+``, ``-`` or ``@`` are written with a leading apostrophe by the
export (so that a spreadsheet does not run them as formulas); the import strips it back.
"""
from __future__ import annotations

import csv
import io
import re
import sys
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, connections, router, transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from tqdm import tqdm

from marketplace.accounts.identifiers import validate_siret, vat_number_for_siren
from marketplace.accounts.models import Organisation
from marketplace.audit.services import record
from marketplace.geo.models import Commune, PostalCode
from marketplace.geo.services import (
    INSEE_CODE_RE,
    POSTAL_CODE_RE,
    LocationError,
    normalize_insee_code,
    normalize_postal_code,
    preferred_commune,
    resolve_location,
)

from . import completeness
from .models import (
    CertificationType,
    ClusterMembership,
    CustomerReference,
    Equipment,
    HeadcountBand,
    Material,
    ProductionSite,
    Sector,
    Skill,
    SupplierCertification,
    SupplierPhoto,
    SupplierProfile,
)
from .sanitize import clean_rich_text
from .services import SupplierProfileError, normalize_keywords

COLUMNS = (
    "siret",
    "name",
    "description",
    "skills",
    "materials",
    "certifications",
    "sectors",
    "postal_code",
    "insee_code",
    "website",
    "employees",
    "cluster",
)
REQUIRED_COLUMNS = ("siret", "name")
LIST_SEPARATOR = ";"
# Spreadsheets run a cell beginning with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
HEAD_OFFICE_SITE_NAME = "Siège social"  # stored data, in the site's language: not translated
BATCH_SIZE = 1000
NAME_MAX_LENGTH = 200
WEBSITE_MAX_LENGTH = 200
# Codes made of digits that a spreadsheet stores as numbers, and their length.
ZERO_PADDED = {"siret": 14, "postal_code": 5, "insee_code": 5}

# Upper bound of each headcount band, for a number of employees.
HEADCOUNT_BOUNDS = (
    (9, HeadcountBand.B1_9),
    (49, HeadcountBand.B10_49),
    (249, HeadcountBand.B50_249),
    (999, HeadcountBand.B250_999),
)
# Organisation.size_band of a new organisation; 1000+ stays blank (ETI or large company: unknown).
SIZE_BAND_FOR_HEADCOUNT = {
    HeadcountBand.B1_9: Organisation.SizeBand.MICRO,
    HeadcountBand.B10_49: Organisation.SizeBand.SMALL,
    HeadcountBand.B50_249: Organisation.SizeBand.MEDIUM,
    HeadcountBand.B250_999: Organisation.SizeBand.ETI,
}


# --- Cells -----------------------------------------------------------------------------------


def neutralise_formula(value: str) -> str:
    """The cell as an export writes it: a leading apostrophe before a formula-like value."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def restore_formula(value: str) -> str:
    """Undo :func:`neutralise_formula` (only an apostrophe followed by a formula character goes)."""
    if value[:1] == "'" and value[1:2] in FORMULA_PREFIXES:
        return value[1:]
    return value


def normalise_term(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a name: « Décolletage » → « decolletage »."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    stripped = stripped.replace("œ", "oe").replace("æ", "ae")
    return " ".join(re.sub(r"[\W_]+", " ", stripped).split())


def split_list(cell: str) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in cell.split(LIST_SEPARATOR) if part.strip()))


def _cell_text(value) -> str:
    """An XLSX cell as the text a CSV would hold (12.0 → "12", a date → ISO format)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


# --- Report ----------------------------------------------------------------------------------


class ImportFileError(Exception):
    """The file as a whole cannot be read (encoding, format, columns). ``message`` is translated;
    ``line`` is where the problem shows (1, the header, when it is the file as a whole)."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Issue:
    """An error or a warning about one line of the file (line 1 is the header)."""

    line: int
    message: str
    column: str = ""

    def __str__(self):
        if self.column:
            return _("Ligne %(line)d, colonne %(column)s : %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("Ligne %(line)d : %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ImportReport:
    file_name: str
    dry_run: bool = False
    skip_invalid: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    written: bool = False
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """Errors that stopped the import (all or nothing), as opposed to rows skipped on request."""
        return bool(self.errors) and not self.skip_invalid

    def summary(self) -> str:
        if self.dry_run:
            text = _(
                "Simulation sur %(rows)d ligne(s) : %(created)d fournisseur(s) à créer, %(updated)d à mettre "
                "à jour, %(skipped)d ligne(s) en erreur. Rien n'a été enregistré."
            )
        elif self.failed:
            text = _(
                "Import refusé : %(skipped)d ligne(s) en erreur sur %(rows)d. Rien n'a été enregistré ; "
                "corrigez le fichier ou importez seulement les lignes valides."
            )
        else:
            text = _(
                "Import terminé sur %(rows)d ligne(s) : %(created)d fournisseur(s) créé(s), %(updated)d mis "
                "à jour, %(skipped)d ligne(s) ignorée(s)."
            )
        return text % {"rows": self.rows, "created": self.created, "updated": self.updated, "skipped": self.skipped}

    def as_audit_data(self) -> dict:
        return {
            "file_name": self.file_name,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "skip_invalid": self.skip_invalid,
            "written": self.written,
        }


# --- Reading the file ------------------------------------------------------------------------


def looks_like_xlsx(content: bytes, file_name: str) -> bool:
    return file_name.lower().endswith(".xlsx") or content[:4] == b"PK\x03\x04"


def read_table(content: bytes, file_name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the data rows (with their line numbers) of a CSV or XLSX file."""
    if file_name.lower().endswith((".xls", ".ods")):
        raise ImportFileError(_("Format non pris en charge : enregistrez le fichier en CSV (UTF-8) ou en XLSX."))
    if looks_like_xlsx(content, file_name):
        return _read_xlsx(content)
    return _read_csv(content)


def _read_csv(content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise ImportFileError(
            _("Le fichier n'est pas encodé en UTF-8 (premier caractère illisible ligne %(line)d). Enregistrez-le "
              "au format « CSV UTF-8 » depuis votre tableur, puis importez-le de nouveau.") % {"line": line},
            line,
        ) from None
    if "\x00" in text:
        raise ImportFileError(_("Ce fichier n'est pas un fichier CSV ni un classeur XLSX lisible."))
    first_line = text.split("\n", 1)[0]
    # Column names contain neither character: whichever the header holds is the delimiter.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    next_line = 1
    try:
        for record_ in reader:
            line, next_line = next_line, reader.line_num + 1  # a quoted cell may span several lines
            if header is None:
                header = record_
            elif any(cell.strip() for cell in record_):
                rows.append((line, record_))
    except csv.Error as error:
        raise ImportFileError(
            _("Le fichier CSV est mal formé ligne %(line)d : %(error)s") % {"line": reader.line_num, "error": error},
            reader.line_num,
        ) from None
    if header is None:
        raise ImportFileError(_("Le fichier est vide : il faut au moins la ligne d'en-tête."))
    return header, rows


def _read_xlsx(content: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportFileError(_("Ce fichier n'est pas un classeur XLSX lisible.")) from None
    try:
        sheet = workbook.worksheets[0]
        header: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        widths: dict[int, int] = {}
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(value) for value in values]
            if header is None:
                header = cells
                widths = {i: ZERO_PADDED[name.strip()] for i, name in enumerate(cells) if name.strip() in ZERO_PADDED}
                continue
            for i, width in widths.items():
                # A spreadsheet turns 01100 into the number 1100: the leading zeros come back.
                if i < len(values) and isinstance(values[i], int | float) and not isinstance(values[i], bool):
                    cells[i] = cells[i].zfill(width)
            if any(cell.strip() for cell in cells):
                rows.append((line, cells))
    finally:
        workbook.close()
    if header is None:
        raise ImportFileError(_("Le fichier est vide : il faut au moins la ligne d'en-tête."))
    return header, rows


def map_columns(header: list[str], rows: list[tuple[int, list[str]]]) -> tuple[list[str], list[tuple[int, dict]]]:
    """Check the header and turn each row into ``{column: cell}``; raises ``ImportFileError``."""
    names = [name.strip() for name in header]
    while names and not names[-1]:  # spreadsheets leave empty trailing header cells
        names.pop()
    unknown = [name or _("(colonne sans nom)") for name in names if name not in COLUMNS]
    if unknown:
        raise ImportFileError(
            _("Colonnes inconnues : %(unknown)s. Colonnes acceptées : %(columns)s.")
            % {"unknown": ", ".join(unknown), "columns": ", ".join(COLUMNS)}
        )
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ImportFileError(_("Colonnes en double : %(columns)s.") % {"columns": ", ".join(duplicates)})
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise ImportFileError(_("Colonnes obligatoires manquantes : %(columns)s.") % {"columns": ", ".join(missing)})
    width = len(names)
    mapped = []
    for line, cells in rows:
        extra = [cell for cell in cells[width:] if cell.strip()]
        values = {name: restore_formula((cells[i] if i < len(cells) else "").strip()) for i, name in enumerate(names)}
        if extra:
            values["__extra__"] = len(cells)
        mapped.append((line, values))
    return names, mapped


# --- Look-ups ---------------------------------------------------------------------------------


def _term_index(objects: Iterable, fields: tuple[str, ...]) -> dict[str, int]:
    """normalised term → pk; earlier fields win (a slug over a name over a synonym), then earlier rows."""
    index: dict[str, int] = {}
    for name in fields:
        for obj in objects:
            value = getattr(obj, name, "") or ""
            terms = value.splitlines() if name == "synonyms" else [value]
            for term in terms:
                key = normalise_term(term)
                if key:
                    index.setdefault(key, obj.pk)
    return index


class LocationResolver:
    """``resolve_location`` for many rows with a handful of queries.

    The communes of every postal code and INSEE code of the file are loaded at once and the
    common case (a code designating one commune) is answered from them; anything else goes
    through ``resolve_location`` itself, so every error carries its message. Results, errors
    included, are remembered per (postal code, INSEE code).
    """

    def __init__(self):
        self.by_postal_code: dict[str, list[Commune]] = {}
        self.by_insee: dict[str, Commune] = {}
        self.first_postal_code: dict[str, str] = {}
        self._cache: dict[tuple[str, str], tuple[Commune, str] | LocationError] = {}

    def preload(self, pairs: Iterable[tuple[str, str]]) -> None:
        codes, insees = set(), set()
        for postal_code, insee in pairs:
            code, insee_code = normalize_postal_code(postal_code), normalize_insee_code(insee)
            if POSTAL_CODE_RE.match(code):
                codes.add(code)
            if INSEE_CODE_RE.match(insee_code):
                insees.add(insee_code)
        for chunk in _chunks(sorted(codes), 500):
            for entry in PostalCode.objects.filter(code__in=chunk).select_related("commune").order_by("commune__name"):
                self.by_postal_code.setdefault(entry.code, []).append(entry.commune)
        for chunk in _chunks(sorted(insees), 500):
            for commune in Commune.objects.filter(insee__in=chunk):
                self.by_insee[commune.insee] = commune
            for insee, code in PostalCode.objects.filter(commune_id__in=chunk).order_by("code").values_list(
                "commune_id", "code"
            ):
                self.first_postal_code.setdefault(insee, code)

    def resolve(self, postal_code: str, insee: str) -> tuple[Commune, str]:
        """The commune and the postal code to store, or ``LocationError``."""
        key = (normalize_postal_code(postal_code), normalize_insee_code(insee))
        if key not in self._cache:
            try:
                self._cache[key] = self._resolve(*key)
            except LocationError as error:
                self._cache[key] = error
        result = self._cache[key]
        if isinstance(result, LocationError):
            raise result
        return result

    def _resolve(self, code: str, insee: str) -> tuple[Commune, str]:
        commune = self._known(code, insee)
        if commune is None:
            commune = resolve_location(postal_code=code or None, insee=insee or None)
        if not code:
            code = self.first_postal_code.get(commune.insee) or (
                PostalCode.objects.filter(commune=commune).order_by("code").values_list("code", flat=True).first() or ""
            )
        return commune, code

    def _known(self, code: str, insee: str) -> Commune | None:
        """The commune when the pre-loaded data designates exactly one; None to ask ``resolve_location``."""
        commune = self.by_insee.get(insee) if insee else None
        if insee and commune is None:
            return None
        if not code:
            return commune
        candidates = self.by_postal_code.get(code)
        if not candidates:
            return None
        if commune is not None:
            return commune if commune.insee in {c.insee for c in candidates} else None
        return preferred_commune(candidates)


class Lookups:
    """Every reference list an import matches against, loaded once."""

    def __init__(self):
        skills = list(Skill.objects.all())
        self.skills = _term_index(skills, ("slug", "name", "name_en", "synonyms"))
        self.materials = _term_index(list(Material.objects.all()), ("slug", "name", "name_en", "synonyms"))
        self.sectors = _term_index(list(Sector.objects.all()), ("slug", "name", "name_en"))
        self.certifications = _term_index(list(CertificationType.objects.all()), ("code", "slug", "name", "name_en"))
        self.has_skills = bool(skills)
        self.clusters_by_name: dict[str, list[int]] = {}
        self.clusters_by_number: dict[str, int] = {}
        for pk, name, siren, siret in Organisation.objects.filter(is_cluster=True).values_list(
            "pk", "name", "siren", "siret"
        ):
            self.clusters_by_name.setdefault(normalise_term(name), []).append(pk)
            self.clusters_by_number[siret] = pk
            self.clusters_by_number.setdefault(siren, pk)
        self.headcount = _headcount_labels()
        self.locations = LocationResolver()


def _headcount_labels() -> dict[str, str]:
    labels = {}
    for value, label in HeadcountBand.choices:
        labels[normalise_term(value)] = value
        labels[normalise_term(str(label))] = value
        with translation.override("en"):
            labels[normalise_term(str(label))] = value
    return labels


# --- Validation -------------------------------------------------------------------------------


class RowError(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


@dataclass
class SupplierRow:
    """One valid row, ready to write. ``present`` names the columns the file has."""

    line: int
    siret: str
    name: str
    present: frozenset[str]
    description: str = ""
    skill_ids: list[int] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    material_ids: list[int] = field(default_factory=list)
    certification_type_ids: list[int] = field(default_factory=list)
    sector_ids: list[int] = field(default_factory=list)
    commune: Commune | None = None
    postal_code: str = ""
    website: str = ""
    headcount_band: str = ""
    cluster_ids: list[int] = field(default_factory=list)


def validate_row(line: int, values: dict, lookups: Lookups, warnings: list[Issue]) -> SupplierRow:
    """A ``SupplierRow`` from the cells of one line, or ``RowError`` naming the first problem."""
    if "__extra__" in values:
        raise RowError("", _("La ligne compte plus de cellules que l'en-tête n'a de colonnes."))
    try:
        siret = validate_siret(values["siret"])
    except ValidationError as error:
        raise RowError("siret", error.messages[0]) from None
    name = " ".join(values["name"].split())
    if not name:
        raise RowError("name", _("La raison sociale est obligatoire."))
    if len(name) > NAME_MAX_LENGTH:
        raise RowError("name", _("%(max)d caractères au maximum.") % {"max": NAME_MAX_LENGTH})
    row = SupplierRow(line=line, siret=siret, name=name, present=frozenset(values) - {"__extra__"})

    row.description = clean_rich_text(values.get("description", ""))
    if "skills" in values:
        unknown = []
        for term in split_list(values["skills"]):
            pk = lookups.skills.get(normalise_term(term))
            if pk is None:
                unknown.append(term)
            elif pk not in row.skill_ids:
                row.skill_ids.append(pk)
        try:
            row.keywords = normalize_keywords(unknown)
        except SupplierProfileError as error:
            raise RowError("skills", error.message) from None
        if unknown:
            warnings.append(
                Issue(
                    line,
                    _("Compétence(s) inconnue(s) conservée(s) comme mots-clés libres : %(terms)s.")
                    % {"terms": ", ".join(unknown)},
                    "skills",
                )
            )
    row.material_ids = _match_all(values, "materials", lookups.materials, _("Matériau(x) inconnu(s) : %(terms)s."))
    row.sector_ids = _match_all(values, "sectors", lookups.sectors, _("Filière(s) inconnue(s) : %(terms)s."))
    row.certification_type_ids = _match_all(
        values, "certifications", lookups.certifications, _("Certification(s) inconnue(s) : %(terms)s.")
    )
    postal_code, insee = values.get("postal_code", ""), values.get("insee_code", "")
    if postal_code or insee:
        try:
            row.commune, row.postal_code = lookups.locations.resolve(postal_code, insee)
        except LocationError as error:
            raise RowError("insee_code" if error.field == "insee" else "postal_code", error.message) from None
    row.website = _website(values.get("website", ""))
    row.headcount_band = _headcount(values.get("employees", ""), lookups)
    row.cluster_ids = [_cluster(term, lookups) for term in split_list(values.get("cluster", ""))]
    return row


def _match_all(values: dict, column: str, index: dict[str, int], unknown_message: str) -> list[int]:
    pks, unknown = [], []
    for term in split_list(values.get(column, "")):
        pk = index.get(normalise_term(term))
        if pk is None:
            unknown.append(term)
        elif pk not in pks:
            pks.append(pk)
    if unknown:
        raise RowError(column, unknown_message % {"terms": ", ".join(unknown)})
    return pks


def _website(value: str) -> str:
    if not value:
        return ""
    url = value if "://" in value else f"https://{value}"
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise RowError("website", _("« %(value)s » n'est pas une adresse de site web valide.") % {"value": value}) from None
    if len(url) > WEBSITE_MAX_LENGTH:
        raise RowError("website", _("%(max)d caractères au maximum.") % {"max": WEBSITE_MAX_LENGTH})
    return url


def _headcount(value: str, lookups: Lookups) -> str:
    if not value:
        return ""
    digits = re.sub(r"[\s\u00a0\u202f]", "", value)
    if digits.isdigit():
        number = int(digits)
        for bound, band in HEADCOUNT_BOUNDS:
            if number <= bound:
                return band.value
        return HeadcountBand.B1000.value
    band = lookups.headcount.get(normalise_term(value.replace("–", "-")))
    if band is None:
        raise RowError(
            "employees",
            _("« %(value)s » n'est ni un nombre de salariés ni une tranche connue (%(bands)s).")
            % {"value": value, "bands": ", ".join(HeadcountBand.values)},
        )
    return band


def _cluster(term: str, lookups: Lookups) -> int:
    number = re.sub(r"[\s.\u00a0]", "", term)
    if number.isdigit() and len(number) in (9, 14):
        pk = lookups.clusters_by_number.get(number)
        candidates = [pk] if pk else []
    else:
        candidates = lookups.clusters_by_name.get(normalise_term(term), [])
    if not candidates:
        raise RowError("cluster", _("Aucun cluster ne s'appelle ni n'a pour SIREN/SIRET « %(term)s ».") % {"term": term})
    if len(candidates) > 1:
        raise RowError(
            "cluster",
            _("Plusieurs clusters s'appellent « %(term)s » : indiquez son SIREN ou son SIRET.") % {"term": term},
        )
    return candidates[0]


def validate_rows(
    rows: list[tuple[int, dict]], lookups: Lookups, report: ImportReport, *, progress: bool = False
) -> list[SupplierRow]:
    """Every row checked; valid rows returned, errors and warnings added to ``report``."""
    lookups.locations.preload((values.get("postal_code", ""), values.get("insee_code", "")) for _line, values in rows)
    valid: list[SupplierRow] = []
    first_line_of: dict[str, int] = {}
    for line, values in tqdm(rows, desc=_("Vérification"), unit=" lignes", disable=not progress, file=sys.stderr,
                             leave=False):
        warnings: list[Issue] = []
        try:
            row = validate_row(line, values, lookups, warnings)
            if row.siret in first_line_of:
                raise RowError(
                    "siret",
                    _("Ce SIRET figure déjà ligne %(line)d du fichier.") % {"line": first_line_of[row.siret]},
                )
        except RowError as error:
            report.errors.append(Issue(line, error.message, error.column))
            continue
        first_line_of[row.siret] = line
        report.warnings.extend(warnings)
        valid.append(row)
    return valid


# --- Writing ----------------------------------------------------------------------------------


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class SlugRegistry:
    """Unique slugs for the organisations and profiles an import creates."""

    def __init__(self, taken: Iterable[str]):
        self.taken = set(taken)

    def claim(self, name: str, fallback: str) -> str:
        base = slugify(name)[:200].strip("-") or fallback
        slug, number = base, 2
        while slug in self.taken:
            slug = f"{base}-{number}"
            number += 1
        self.taken.add(slug)
        return slug


ORGANISATION_FIELDS = ("name", "is_supplier", "website", "commune", "postal_code")
PROFILE_FIELDS = ("presentation", "keywords", "website", "headcount_band")
SITE_FIELDS = ("postal_code", "commune", "latitude", "longitude")
# What ``completeness.evaluate`` looks at, per relation: (name, model, columns to fetch).
PREFETCHED = (
    ("skills", Skill, ("id",)),
    ("materials", Material, ("id",)),
    ("sectors", Sector, ("id",)),
    ("sites", ProductionSite, ("id", "profile")),
    ("certifications", SupplierCertification, ("id", "profile")),
    ("equipment", Equipment, ("id", "profile")),
    ("photos", SupplierPhoto, ("id", "profile")),
    ("references", CustomerReference, ("id", "profile")),
)


def _snapshot(obj, field_names: tuple[str, ...]) -> tuple:
    return tuple(getattr(obj, obj._meta.get_field(name).attname) for name in field_names)


def update_rows(model, objects: list, field_names: tuple[str, ...]) -> None:
    """``UPDATE … SET … WHERE pk = %s`` for each object, sent as one ``executemany``.

    ``QuerySet.bulk_update`` builds a CASE WHEN per field and row: on 10,000 rows it takes
    minutes where this takes about a second. Values go through each field's
    ``get_db_prep_save``, as a ``save()`` would. No signals are sent (the caller schedules the
    search index itself).
    """
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in field_names]
    sql = "UPDATE {table} SET {assignments} WHERE {pk} = %s".format(
        table=quote(model._meta.db_table),
        assignments=", ".join(f"{quote(field.column)} = %s" for field in fields),
        pk=quote(model._meta.pk.column),
    )
    params = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields] + [obj.pk]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        for chunk in _chunks(params, BATCH_SIZE):
            cursor.executemany(sql, chunk)


def refresh_completeness(profile_ids: Iterable[int]) -> None:
    """Store the score ``suppliers.completeness`` gives each profile, for many profiles at once.

    For writers that bypass ``save()`` (this import, the demo builder); the criteria only ask
    whether each relation is empty, so only ids are fetched.
    """
    for chunk in _chunks(sorted(set(profile_ids)), 500):
        profiles = list(
            SupplierProfile.objects.filter(pk__in=chunk)
            .only("id", "presentation", "tagline", "headcount_band", "batch_sizes", "logo", "website",
                  "contact_email", "phone", "completeness")
            .prefetch_related(
                *(Prefetch(name, queryset=model.objects.only(*columns)) for name, model, columns in PREFETCHED)
            )
        )
        changed = []
        for profile in profiles:
            score = completeness.evaluate(profile).score
            if score != profile.completeness:
                profile.completeness = score
                changed.append(profile)
        update_rows(SupplierProfile, changed, ("completeness",))


M2M_COLUMNS = (
    # column, SupplierProfile field, through model's column for the other side, SupplierRow attribute
    ("skills", "skills", "skill_id", "skill_ids"),
    ("materials", "materials", "material_id", "material_ids"),
    ("sectors", "sectors", "sector_id", "sector_ids"),
)


class SupplierWriter:
    """Writes valid rows: organisations, profiles, head-office sites, M2M links, certifications,
    cluster memberships, then the completeness scores. The caller holds the transaction."""

    def __init__(self, actor):
        self.actor = actor if getattr(actor, "is_authenticated", False) else None
        self.now = timezone.now()
        self.org_slugs = SlugRegistry(Organisation.objects.values_list("slug", flat=True))
        self.profile_slugs = SlugRegistry(SupplierProfile.objects.values_list("slug", flat=True))
        self.created = 0
        self.updated = 0
        self.profile_ids: list[int] = []
        self.removed_files: list = []

    def write(self, rows: list[SupplierRow]) -> None:
        existing = {
            org.siret: org for org in Organisation.objects.filter(siret__in=[row.siret for row in rows])
        }
        organisations = self._organisations(rows, existing)
        profiles = self._profiles(rows, organisations)
        self._sites(rows, profiles)
        self._relations(rows, profiles)
        self._certifications(rows, profiles)
        self._memberships(rows, organisations)
        self.profile_ids.extend(profile.pk for profile in profiles)

    def _organisations(self, rows, existing) -> list[Organisation]:
        organisations, to_create, to_update = [], [], []
        for row in rows:
            org = existing.get(row.siret)
            if org is None:
                siren = row.siret[:9]
                org = Organisation(
                    name=row.name,
                    slug=self.org_slugs.claim(row.name, "fournisseur"),
                    siren=siren,
                    siret=row.siret,
                    vat_number=vat_number_for_siren(siren),
                    is_supplier=True,
                    size_band=SIZE_BAND_FOR_HEADCOUNT.get(row.headcount_band, ""),
                )
                to_create.append(org)
                self.created += 1
            else:
                self.updated += 1
            before = _snapshot(org, ORGANISATION_FIELDS)
            org.name = row.name
            org.is_supplier = True
            if "website" in row.present:
                org.website = row.website
            if row.commune is not None:
                org.commune = row.commune
                org.postal_code = row.postal_code
            if org.pk is not None and _snapshot(org, ORGANISATION_FIELDS) != before:
                org.updated_at = self.now
                to_update.append(org)
            organisations.append(org)
        Organisation.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        update_rows(Organisation, to_update, ORGANISATION_FIELDS + ("updated_at",))
        return organisations

    def _profiles(self, rows, organisations) -> list[SupplierProfile]:
        existing = {p.organisation_id: p for p in SupplierProfile.objects.filter(organisation__in=organisations)}
        profiles, to_create, to_update = [], [], []
        for row, org in zip(rows, organisations, strict=True):
            profile = existing.get(org.pk)
            if profile is None:
                profile = SupplierProfile(
                    organisation=org, slug=self.profile_slugs.claim(org.name, "fournisseur"), website=org.website
                )
                to_create.append(profile)
            before = _snapshot(profile, PROFILE_FIELDS)
            if "description" in row.present:
                profile.presentation = row.description
            if "skills" in row.present:
                profile.keywords = row.keywords
            if "website" in row.present:
                profile.website = row.website
            if "employees" in row.present:
                profile.headcount_band = row.headcount_band
            if profile.pk is not None and _snapshot(profile, PROFILE_FIELDS) != before:
                profile.updated_at = self.now
                to_update.append(profile)
            profiles.append(profile)
        SupplierProfile.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        update_rows(SupplierProfile, to_update, PROFILE_FIELDS + ("updated_at",))
        return profiles

    def _sites(self, rows, profiles) -> None:
        head_offices: dict[int, ProductionSite] = {}
        for site in ProductionSite.objects.filter(profile__in=profiles, is_head_office=True).order_by("-id"):
            head_offices[site.profile_id] = site  # the oldest head office wins
        to_create, to_update = [], []
        for row, profile in zip(rows, profiles, strict=True):
            if row.commune is None:
                continue
            site = head_offices.get(profile.pk)
            if site is None:
                site = ProductionSite(profile=profile, name=HEAD_OFFICE_SITE_NAME, is_head_office=True)
                to_create.append(site)
            before = _snapshot(site, SITE_FIELDS)
            site.postal_code = row.postal_code
            site.commune = row.commune
            site.latitude = row.commune.latitude
            site.longitude = row.commune.longitude
            if site.pk is not None and _snapshot(site, SITE_FIELDS) != before:
                to_update.append(site)
        ProductionSite.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        update_rows(ProductionSite, to_update, SITE_FIELDS)

    def _relations(self, rows, profiles) -> None:
        for column, field_name, other, attribute in M2M_COLUMNS:
            through = getattr(SupplierProfile, field_name).through
            concerned = [(row, profile) for row, profile in zip(rows, profiles, strict=True) if column in row.present]
            if not concerned:
                continue
            current: dict[int, dict[int, int]] = {}
            for pk, profile_id, other_id in through.objects.filter(
                supplierprofile_id__in=[profile.pk for _row, profile in concerned]
            ).values_list("pk", "supplierprofile_id", other):
                current.setdefault(profile_id, {})[other_id] = pk
            to_delete, to_create = [], []
            for row, profile in concerned:
                wanted = getattr(row, attribute)
                held = current.get(profile.pk, {})
                to_delete.extend(pk for other_id, pk in held.items() if other_id not in wanted)
                to_create.extend(
                    through(supplierprofile_id=profile.pk, **{other: other_id}) for other_id in wanted if other_id not in held
                )
            for chunk in _chunks(to_delete, 500):
                through.objects.filter(pk__in=chunk).delete()
            through.objects.bulk_create(to_create, batch_size=BATCH_SIZE)

    def _certifications(self, rows, profiles) -> None:
        concerned = [(row, profile) for row, profile in zip(rows, profiles, strict=True) if "certifications" in row.present]
        if not concerned:
            return
        held: dict[int, dict[int, SupplierCertification]] = {}
        for certification in SupplierCertification.objects.filter(profile__in=[p for _r, p in concerned]):
            held.setdefault(certification.profile_id, {})[certification.certification_type_id] = certification
        to_delete, to_create = [], []
        for row, profile in concerned:
            mine = held.get(profile.pk, {})
            # A certification already declared keeps its number, dates and certificate file.
            for type_id, certification in mine.items():
                if type_id not in row.certification_type_ids:
                    to_delete.append(certification.pk)
                    if certification.certificate_file:
                        self.removed_files.append(certification.certificate_file)
            to_create.extend(
                SupplierCertification(profile=profile, certification_type_id=type_id)
                for type_id in row.certification_type_ids
                if type_id not in mine
            )
        for chunk in _chunks(to_delete, 500):
            SupplierCertification.objects.filter(pk__in=chunk).delete()
        SupplierCertification.objects.bulk_create(to_create, batch_size=BATCH_SIZE)

    def _memberships(self, rows, organisations) -> None:
        wanted = {
            (cluster_id, org.pk)
            for row, org in zip(rows, organisations, strict=True)
            for cluster_id in row.cluster_ids
            if cluster_id != org.pk
        }
        if not wanted:
            return
        open_statuses = [ClusterMembership.Status.INVITED, ClusterMembership.Status.REQUESTED, ClusterMembership.Status.ACTIVE]
        current = {
            (m.cluster_id, m.supplier_id): m
            for m in ClusterMembership.objects.filter(
                supplier__in=[org.pk for org in organisations], status__in=open_statuses
            )
        }
        to_create, to_update = [], []
        for cluster_id, supplier_id in sorted(wanted):
            membership = current.get((cluster_id, supplier_id))
            if membership is None:
                to_create.append(
                    ClusterMembership(
                        cluster_id=cluster_id,
                        supplier_id=supplier_id,
                        status=ClusterMembership.Status.ACTIVE,
                        decided_at=self.now,
                        decided_by=self.actor,
                    )
                )
            elif membership.status != ClusterMembership.Status.ACTIVE:
                # An import by staff settles a pending invitation or request.
                membership.status = ClusterMembership.Status.ACTIVE
                membership.decided_at = self.now
                membership.decided_by = self.actor
                to_update.append(membership)
        ClusterMembership.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
        update_rows(ClusterMembership, to_update, ("status", "decided_at", "decided_by"))

    def refresh_completeness(self) -> None:
        refresh_completeness(self.profile_ids)

    def after_commit(self) -> None:
        files = list(self.removed_files)
        ids = sorted(set(self.profile_ids))

        def done():
            for field_file in files:
                field_file.storage.delete(field_file.name)
            # Bulk writes send no signals: tell the search index which profiles changed.
            from search import sync

            sync.schedule_index(
                SupplierProfile.objects.published().filter(pk__in=ids).values_list("pk", flat=True)
            )

        transaction.on_commit(done)


# --- Entry point ------------------------------------------------------------------------------


def import_suppliers(
    content: bytes,
    *,
    file_name: str,
    actor=None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: bool = False,
) -> ImportReport:
    """Validate the file, then (unless ``dry_run`` or rejected) write it; always returns a report.

    An unreadable file (encoding, format, header) gives a report with one error on line 1 and
    nothing written. Every run that is not a dry run leaves an audit entry.
    """
    report = ImportReport(file_name=file_name, dry_run=dry_run, skip_invalid=skip_invalid)
    try:
        header, raw_rows = read_table(content, file_name)
        _columns, rows = map_columns(header, raw_rows)
    except ImportFileError as error:
        report.errors.append(Issue(error.line, error.message))
        report.skip_invalid = False  # nothing readable: the whole file is refused
        _audit(actor, report)
        return report

    report.rows = len(rows)
    valid = validate_rows(rows, Lookups(), report, progress=progress)
    report.skipped = report.rows - len(valid)
    existing = set()
    for chunk in _chunks([row.siret for row in valid], 500):
        existing.update(Organisation.objects.filter(siret__in=chunk).values_list("siret", flat=True))
    report.updated = sum(1 for row in valid if row.siret in existing)
    report.created = len(valid) - report.updated
    if dry_run or report.failed or not valid:
        _audit(actor, report)
        return report

    try:
        with transaction.atomic():
            writer = SupplierWriter(actor)
            with tqdm(total=len(valid), desc=_("Enregistrement"), unit=" lignes", disable=not progress,
                      file=sys.stderr, leave=False) as bar:
                for chunk in _chunks(valid, BATCH_SIZE):
                    writer.write(chunk)
                    bar.update(len(chunk))
            writer.refresh_completeness()
            report.created, report.updated = writer.created, writer.updated
            report.written = True
            _audit(actor, report)
            writer.after_commit()
    except IntegrityError:
        # Someone created one of these SIRETs (or slugs) between validation and writing.
        report.written = False
        report.created = report.updated = 0
        report.errors.append(
            Issue(1, _("Des fournisseurs ont été modifiés pendant l'import : rien n'a été enregistré, relancez l'import."))
        )
        report.skip_invalid = False
        _audit(actor, report)
    return report


def _audit(actor, report: ImportReport) -> None:
    if not report.dry_run:
        record(actor, "suppliers.imported", None, **report.as_audit_data())
