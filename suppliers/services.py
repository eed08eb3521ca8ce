"""State changes on supplier profiles: creation, editing by section, media, publication.

Every function takes the acting user explicitly, checks the actor's role in the supplier
organisation, runs in one transaction, records an audit entry, recomputes the stored
completeness score, and raises :class:`SupplierProfileError` (translated message, optionally
the field at fault) when the input or a rule forbids the change. Forms and the API validate
first for a friendly display; the checks here are the ones that hold whatever the caller.

Who may do what:

- every member of the supplier organisation reads its profile and downloads its certificates;
- owners and administrators edit, publish and unpublish it;
- nobody else touches it (:class:`NotAllowed`, which views answer with a 403).

Uploaded images are decoded by Pillow and re-encoded (resized, no metadata), so what is stored
is always a plain image we produced, whatever the upload carried. Certificate PDFs are checked
by content and go to the private storage under a generated name.
"""
from __future__ import annotations

import io
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from marketplace.accounts.models import Membership, Organisation
from marketplace.audit.services import record
from marketplace.scanning.services import request_scan
from marketplace.scanning.status import ScanStatus

from . import completeness
from .models import (
    BatchSize,
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

MAX_KEYWORDS = 30
MAX_KEYWORD_LENGTH = 60
MAX_PHOTOS = 8
LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SOURCE_SIDE = 4000
LOGO_MAX_SIDE = 400
PHOTO_MAX_BYTES = 5 * 1024 * 1024
# Phone cameras produce 4032 × 3024 and more; the decompression-bomb limit still applies.
PHOTO_MAX_SOURCE_SIDE = 8000
PHOTO_MAX_SIDE = 1600
CERTIFICATE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_FORMATS = {"JPEG", "PNG", "WEBP"}

# Working languages a supplier may declare (ISO 639-1), in the order the form lists them.
LANGUAGES = (
    ("fr", gettext_lazy("Français")),
    ("en", gettext_lazy("Anglais")),
    ("de", gettext_lazy("Allemand")),
    ("it", gettext_lazy("Italien")),
    ("es", gettext_lazy("Espagnol")),
    ("pt", gettext_lazy("Portugais")),
    ("nl", gettext_lazy("Néerlandais")),
    ("pl", gettext_lazy("Polonais")),
    ("ro", gettext_lazy("Roumain")),
    ("ar", gettext_lazy("Arabe")),
    ("zh", gettext_lazy("Chinois")),
    ("ja", gettext_lazy("Japonais")),
)

# Fields ``update_profile`` may set; anything else in ``values`` is refused.
PROFILE_FIELDS = (
    "tagline",
    "presentation",
    "presentation_en",
    "website",
    "contact_email",
    "phone",
    "skills",
    "keywords",
    "materials",
    "sectors",
    "headcount_band",
    "batch_sizes",
    "languages",
)
RICH_TEXT_FIELDS = ("presentation", "presentation_en")
TEXT_LIMITS = {"tagline": 200, "website": 200, "contact_email": 254, "phone": 30}


class SupplierProfileError(Exception):
    """A rule forbids the change. ``message`` is translated; ``field`` names the input at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(SupplierProfileError):
    """The acting user lacks the role the change needs (views answer 403)."""


# --- Permissions and look-ups --------------------------------------------------------------------


def membership_in(user, organisation: Organisation) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def can_edit(user, organisation: Organisation) -> bool:
    membership = membership_in(user, organisation)
    return membership is not None and membership.can_manage_members


def can_read(user, organisation: Organisation) -> bool:
    return membership_in(user, organisation) is not None


def _require_editor(actor, profile: SupplierProfile) -> None:
    if not can_edit(actor, profile.organisation):
        raise NotAllowed(_("Seuls les propriétaires et administrateurs de l'organisation peuvent modifier son profil fournisseur."))


def public_path(profile: SupplierProfile) -> str:
    """The path of the public page (``/fournisseurs/<slug>/``), even before its view is routed."""
    try:
        return profile.get_absolute_url()
    except NoReverseMatch:
        prefix = reverse("suppliers:profile_overview").split("profil-fournisseur/")[0]
        return f"{prefix}fournisseurs/{profile.slug}/"


def _unique_slug(name: str) -> str:
    base = slugify(name)[:200] or "fournisseur"
    slug, n = base, 2
    while SupplierProfile.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def get_or_create_profile(actor, organisation: Organisation) -> SupplierProfile:
    """The organisation's profile, created (draft) on first visit by any of its members."""
    if not organisation.is_supplier:
        raise SupplierProfileError(_("Cette organisation n'est pas déclarée comme fournisseur."))
    if not can_read(actor, organisation):
        raise NotAllowed(_("Vous n'êtes pas membre de cette organisation."))
    profile = SupplierProfile.objects.filter(organisation=organisation).select_related("organisation").first()
    if profile is not None:
        return profile
    with transaction.atomic():
        # Locks the organisation row so that two first visits at once create one profile.
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        profile, created = SupplierProfile.objects.get_or_create(
            organisation=organisation,
            defaults={"slug": _unique_slug(organisation.name), "website": organisation.website},
        )
        if created:
            _refresh(profile)
            record(actor, "supplier_profile.created", profile, organisation=organisation, slug=profile.slug)
    return profile


def _refresh(profile: SupplierProfile) -> None:
    """Store the new completeness score; the save also tells post_save receivers (search) of the change."""
    profile.completeness = completeness.evaluate(profile).score
    profile.save(update_fields=["completeness", "updated_at"])


def _locked(profile: SupplierProfile) -> SupplierProfile:
    return SupplierProfile.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=profile.pk)


# --- Profile fields ------------------------------------------------------------------------------


def normalize_keywords(value: str | Iterable[str] | None) -> list[str]:
    """Comma-separated text or a list → trimmed keywords, duplicates removed (ignoring case)."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    keywords, seen = [], set()
    for item in items:
        if not isinstance(item, str):
            raise SupplierProfileError(_("Les mots-clés doivent être du texte."), "keywords")
        keyword = " ".join(item.split())
        if not keyword or keyword.casefold() in seen:
            continue
        if len(keyword) > MAX_KEYWORD_LENGTH:
            raise SupplierProfileError(
                _("Le mot-clé « %(keyword)s… » dépasse %(max)d caractères.")
                % {"keyword": keyword[:20], "max": MAX_KEYWORD_LENGTH},
                "keywords",
            )
        seen.add(keyword.casefold())
        keywords.append(keyword)
    if len(keywords) > MAX_KEYWORDS:
        raise SupplierProfileError(
            _("%(count)d mots-clés : %(max)d au maximum.") % {"count": len(keywords), "max": MAX_KEYWORDS}, "keywords"
        )
    return keywords


def _by_slugs(model, slugs, field: str, label: str) -> list:
    slugs = [s for s in dict.fromkeys(slugs or []) if s]
    if not all(isinstance(s, str) for s in slugs):
        raise SupplierProfileError(_("Liste d'identifiants invalide."), field)
    found = {obj.slug: obj for obj in model.objects.filter(slug__in=slugs)}
    unknown = [s for s in slugs if s not in found]
    if unknown:
        raise SupplierProfileError(
            _("%(label)s inconnu(e)s : %(slugs)s.") % {"label": label, "slugs": ", ".join(unknown)}, field
        )
    return [found[s] for s in slugs]


def _choices_list(values, allowed, field: str) -> list[str]:
    values = list(dict.fromkeys(values or []))
    unknown = [str(v) for v in values if v not in allowed]
    if unknown:
        raise SupplierProfileError(_("Valeurs non reconnues : %(values)s.") % {"values": ", ".join(unknown)}, field)
    # Keep the reference order so that pages and the API always list them the same way.
    return [v for v in allowed if v in values]


def _clean_values(values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(PROFILE_FIELDS))
    if unknown:
        raise SupplierProfileError(_("Champs non modifiables : %(fields)s.") % {"fields": ", ".join(unknown)})
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        if name in RICH_TEXT_FIELDS:
            cleaned[name] = clean_rich_text(value)
        elif name in TEXT_LIMITS:
            value = (value or "").strip()
            if len(value) > TEXT_LIMITS[name]:
                raise SupplierProfileError(
                    _("%(max)d caractères au maximum.") % {"max": TEXT_LIMITS[name]}, name
                )
            cleaned[name] = value
        elif name == "keywords":
            cleaned[name] = normalize_keywords(value)
        elif name == "skills":
            cleaned[name] = _by_slugs(Skill, value, name, _("Compétences"))
        elif name == "materials":
            cleaned[name] = _by_slugs(Material, value, name, _("Matériaux"))
        elif name == "sectors":
            cleaned[name] = _by_slugs(Sector, value, name, _("Filières"))
        elif name == "headcount_band":
            value = value or ""
            if value and value not in HeadcountBand.values:
                raise SupplierProfileError(_("Tranche d'effectif inconnue : %(value)s.") % {"value": value}, name)
            cleaned[name] = value
        elif name == "batch_sizes":
            cleaned[name] = _choices_list(value, BatchSize.values, name)
        elif name == "languages":
            cleaned[name] = _choices_list(value, [code for code, _label in LANGUAGES], name)
    return cleaned


def update_profile(actor, profile: SupplierProfile, values: Mapping[str, Any]) -> SupplierProfile:
    """Set the given fields (a subset of ``PROFILE_FIELDS``); ``skills``, ``materials`` and
    ``sectors`` are lists of slugs. Rich text is sanitised, keywords normalised."""
    cleaned = _clean_values(values)
    with transaction.atomic():
        profile = _locked(profile)
        _require_editor(actor, profile)
        changed = []
        for name, value in cleaned.items():
            if name in ("skills", "materials", "sectors"):
                manager = getattr(profile, name)
                if {obj.pk for obj in manager.all()} != {obj.pk for obj in value}:
                    manager.set(value)
                    changed.append(name)
            elif getattr(profile, name) != value:
                setattr(profile, name, value)
                changed.append(name)
        if changed:
            profile.save()
            _refresh(profile)
            record(actor, "supplier_profile.updated", profile, organisation=profile.organisation, fields=sorted(changed))
    return profile


# --- Publication ---------------------------------------------------------------------------------


def publish_profile(actor, profile: SupplierProfile) -> SupplierProfile:
    with transaction.atomic():
        profile = _locked(profile)
        _require_editor(actor, profile)
        missing = completeness.missing_for_publication(profile)
        if missing:
            raise SupplierProfileError(
                _("Le profil ne peut pas encore être publié. Il manque : %(missing)s.")
                % {"missing": " ; ".join(hint[0].lower() + hint[1:] for hint in missing)}
            )
        if not profile.is_published:
            profile.status = SupplierProfile.Status.PUBLISHED
            profile.published_at = timezone.now()
            profile.save(update_fields=["status", "published_at", "updated_at"])
            record(actor, "supplier_profile.published", profile, organisation=profile.organisation)
    return profile


def unpublish_profile(actor, profile: SupplierProfile) -> SupplierProfile:
    with transaction.atomic():
        profile = _locked(profile)
        _require_editor(actor, profile)
        if profile.is_published:
            profile.status = SupplierProfile.Status.DRAFT
            profile.save(update_fields=["status", "updated_at"])
            record(actor, "supplier_profile.unpublished", profile, organisation=profile.organisation)
    return profile


# --- Files ---------------------------------------------------------------------------------------


def _size_of(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    upload.seek(0)
    return size


def _megabytes(n: int) -> str:
    return f"{n // (1024 * 1024)}"


def check_certificate_pdf(upload) -> None:
    """A PDF of at most 5 MB, recognised by its content (``%PDF-``), whatever its name says."""
    if _size_of(upload) > CERTIFICATE_MAX_BYTES:
        raise SupplierProfileError(
            _("Le certificat dépasse %(max)s Mo.") % {"max": _megabytes(CERTIFICATE_MAX_BYTES)}, "certificate_file"
        )
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        raise SupplierProfileError(_("Le certificat doit être un fichier PDF."), "certificate_file")


def check_image(upload, *, max_bytes: int, max_side: int, field: str) -> None:
    """A JPEG, PNG or WebP image, decodable by Pillow, within the size and pixel limits."""
    if _size_of(upload) > max_bytes:
        raise SupplierProfileError(_("L'image dépasse %(max)s Mo.") % {"max": _megabytes(max_bytes)}, field)
    not_an_image = SupplierProfileError(_("Le fichier n'est pas une image JPEG, PNG ou WebP valide."), field)
    try:
        with Image.open(upload) as image:
            if image.format not in IMAGE_FORMATS:
                raise not_an_image
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_an_image from None
    finally:
        upload.seek(0)
    if width > max_side or height > max_side:
        raise SupplierProfileError(
            _("L'image mesure %(width)d × %(height)d pixels : %(max)d × %(max)d au maximum.")
            % {"width": width, "height": height, "max": max_side},
            field,
        )


def _reencoded(upload, *, max_side: int, keep_alpha: bool, field: str) -> tuple[bytes, str]:
    """The image resized to ``max_side`` on its long side, re-encoded without any metadata."""
    try:
        with Image.open(upload) as source:
            image = ImageOps.exif_transpose(source)  # apply the camera's rotation before EXIF is dropped
            image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        # verify() passed but the pixel data is truncated or corrupt.
        raise SupplierProfileError(_("Le fichier n'est pas une image JPEG, PNG ou WebP valide."), field) from None
    finally:
        upload.seek(0)
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    if keep_alpha and image.mode in ("RGBA", "LA", "P"):
        image.convert("RGBA").save(buffer, format="PNG", optimize=True)
        extension = "png"
    else:
        image.convert("RGB").save(buffer, format="JPEG", quality=85, optimize=True)
        extension = "jpg"
    return buffer.getvalue(), extension


def _delete_file_after_commit(field_file) -> None:
    if field_file and field_file.name:
        storage, name = field_file.storage, field_file.name
        transaction.on_commit(lambda: storage.delete(name))


def set_logo(actor, profile: SupplierProfile, upload) -> SupplierProfile:
    check_image(upload, max_bytes=LOGO_MAX_BYTES, max_side=LOGO_MAX_SOURCE_SIDE, field="logo")
    content, extension = _reencoded(upload, max_side=LOGO_MAX_SIDE, keep_alpha=True, field="logo")
    with transaction.atomic():
        profile = _locked(profile)
        _require_editor(actor, profile)
        _delete_file_after_commit(profile.logo)
        profile.logo.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)
        profile.save(update_fields=["logo", "updated_at"])
        _refresh(profile)
        record(actor, "supplier_profile.logo_set", profile, organisation=profile.organisation)
    return profile


def remove_logo(actor, profile: SupplierProfile) -> SupplierProfile:
    with transaction.atomic():
        profile = _locked(profile)
        _require_editor(actor, profile)
        if profile.logo:
            _delete_file_after_commit(profile.logo)
            profile.logo = ""
            profile.save(update_fields=["logo", "updated_at"])
            _refresh(profile)
            record(actor, "supplier_profile.logo_removed", profile, organisation=profile.organisation)
    return profile


def add_photo(actor, profile: SupplierProfile, upload, caption: str = "") -> SupplierPhoto:
    check_image(upload, max_bytes=PHOTO_MAX_BYTES, max_side=PHOTO_MAX_SOURCE_SIDE, field="image")
    content, extension = _reencoded(upload, max_side=PHOTO_MAX_SIDE, keep_alpha=False, field="image")
    with transaction.atomic():
        profile = _locked(profile)
        _require_editor(actor, profile)
        count = profile.photos.count()
        if count >= MAX_PHOTOS:
            raise SupplierProfileError(_("%(max)d photos au maximum : retirez-en une d'abord.") % {"max": MAX_PHOTOS}, "image")
        photo = SupplierPhoto(profile=profile, caption=(caption or "").strip()[:200], position=count)
        photo.image.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)
        photo.save()
        _refresh(profile)
        record(actor, "supplier_profile.photo_added", photo, organisation=profile.organisation)
    return photo


def remove_photo(actor, photo: SupplierPhoto) -> None:
    with transaction.atomic():
        profile = _locked(photo.profile)
        _require_editor(actor, profile)
        _delete_file_after_commit(photo.image)
        record(actor, "supplier_profile.photo_removed", photo, organisation=profile.organisation)
        photo.delete()
        _refresh(profile)


# --- Certifications ------------------------------------------------------------------------------


def save_certification(
    actor, profile: SupplierProfile, values: Mapping[str, Any], certification: SupplierCertification | None = None
) -> SupplierCertification:
    """Add a certification (``certification`` None) or change one; ``values`` are the form's
    ``certification_type``, ``certificate_number``, ``issuer``, ``valid_from``, ``valid_until``
    and optional ``certificate_file`` (an upload, replacing the stored one, then quarantined
    until ClamAV finds it clean: :func:`marketplace.scanning.services.request_scan`)."""
    valid_from, valid_until = values.get("valid_from"), values.get("valid_until")
    if valid_from and valid_until and valid_until < valid_from:
        raise SupplierProfileError(_("La fin de validité doit suivre le début de validité."), "valid_until")
    upload = values.get("certificate_file")
    if upload:
        check_certificate_pdf(upload)
    with transaction.atomic():
        profile = _locked(profile)
        _require_editor(actor, profile)
        if certification is not None and certification.profile_id != profile.pk:
            raise NotAllowed(_("Cette certification appartient à un autre profil."))
        certification_type = values["certification_type"]
        duplicate = profile.certifications.filter(certification_type=certification_type)
        if certification is not None:
            duplicate = duplicate.exclude(pk=certification.pk)
        if duplicate.exists():
            raise SupplierProfileError(
                _("La certification %(code)s est déjà déclarée : modifiez-la plutôt.") % {"code": certification_type.code},
                "certification_type",
            )
        creating = certification is None
        certification = certification or SupplierCertification(profile=profile)
        certification.certification_type = certification_type
        certification.certificate_number = (values.get("certificate_number") or "").strip()
        certification.issuer = (values.get("issuer") or "").strip()
        certification.valid_from = valid_from
        certification.valid_until = valid_until
        if upload:
            _delete_file_after_commit(certification.certificate_file)
            certification.certificate_file.save(f"{uuid.uuid4().hex}.pdf", upload, save=False)
            # A new file is quarantined until scanned, even if the one it replaces was clean.
            certification.scan_status, certification.scan_note, certification.scanned_at = ScanStatus.PENDING, "", None
        certification.save()
        if upload:
            request_scan(certification)
        _refresh(profile)
        record(
            actor,
            "supplier_profile.certification_added" if creating else "supplier_profile.certification_changed",
            certification,
            organisation=profile.organisation,
            code=certification_type.code,
        )
    return certification


def remove_certification(actor, certification: SupplierCertification) -> None:
    with transaction.atomic():
        profile = _locked(certification.profile)
        _require_editor(actor, profile)
        _delete_file_after_commit(certification.certificate_file)
        record(
            actor, "supplier_profile.certification_removed", certification,
            organisation=profile.organisation, code=certification.certification_type.code,
        )
        certification.delete()
        _refresh(profile)


# --- Equipment, production sites, customer references --------------------------------------------


def add_equipment(actor, profile: SupplierProfile, values: Mapping[str, Any]) -> Equipment:
    machine_type = (values.get("machine_type") or "").strip()
    if not machine_type:
        raise SupplierProfileError(_("Indiquez le type de machine."), "machine_type")
    with transaction.atomic():
        profile = _locked(profile)
        _require_editor(actor, profile)
        equipment = Equipment.objects.create(
            profile=profile,
            machine_type=machine_type,
            brand_model=(values.get("brand_model") or "").strip(),
            count=values.get("count") or 1,
            key_capacity=(values.get("key_capacity") or "").strip(),
        )
        _refresh(profile)
        record(actor, "supplier_profile.equipment_added", equipment, organisation=profile.organisation)
    return equipment


def remove_equipment(actor, equipment: Equipment) -> None:
    with transaction.atomic():
        profile = _locked(equipment.profile)
        _require_editor(actor, profile)
        record(actor, "supplier_profile.equipment_removed", equipment, organisation=profile.organisation)
        equipment.delete()
        _refresh(profile)


def save_site(
    actor, profile: SupplierProfile, values: Mapping[str, Any], site: ProductionSite | None = None
) -> ProductionSite:
    """Add or change a production site; its coordinates are the commune's. A site marked as
    head office takes the mark from any other site, so a profile has at most one."""
    commune = values.get("commune")
    if commune is None:
        raise SupplierProfileError(_("Choisissez la commune du site."), "commune")
    with transaction.atomic():
        profile = _locked(profile)
        _require_editor(actor, profile)
        if site is not None and site.profile_id != profile.pk:
            raise NotAllowed(_("Ce site appartient à un autre profil."))
        creating = site is None
        site = site or ProductionSite(profile=profile)
        site.name = (values.get("name") or "").strip() or commune.name
        site.address = (values.get("address") or "").strip()
        site.postal_code = values["postal_code"]
        site.commune = commune
        site.latitude = commune.latitude
        site.longitude = commune.longitude
        site.is_head_office = bool(values.get("is_head_office"))
        site.save()
        if site.is_head_office:
            profile.sites.exclude(pk=site.pk).filter(is_head_office=True).update(is_head_office=False)
        _refresh(profile)
        record(
            actor,
            "supplier_profile.site_added" if creating else "supplier_profile.site_changed",
            site,
            organisation=profile.organisation,
            commune=commune.insee,
        )
    return site


def remove_site(actor, site: ProductionSite) -> None:
    with transaction.atomic():
        profile = _locked(site.profile)
        _require_editor(actor, profile)
        record(actor, "supplier_profile.site_removed", site, organisation=profile.organisation)
        site.delete()
        _refresh(profile)


def add_reference(actor, profile: SupplierProfile, values: Mapping[str, Any]) -> CustomerReference:
    customer = (values.get("customer") or "").strip()
    if not customer:
        raise SupplierProfileError(_("Indiquez le nom du client."), "customer")
    with transaction.atomic():
        profile = _locked(profile)
        _require_editor(actor, profile)
        reference = CustomerReference.objects.create(
            profile=profile,
            customer=customer,
            description=(values.get("description") or "").strip(),
            year=values.get("year"),
        )
        _refresh(profile)
        record(actor, "supplier_profile.reference_added", reference, organisation=profile.organisation)
    return reference


def remove_reference(actor, reference: CustomerReference) -> None:
    with transaction.atomic():
        profile = _locked(reference.profile)
        _require_editor(actor, profile)
        record(actor, "supplier_profile.reference_removed", reference, organisation=profile.organisation)
        reference.delete()
        _refresh(profile)
