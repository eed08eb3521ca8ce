"""French company identifiers: SIREN, SIRET and intra-community VAT numbers.

Wraps python-stdnum so that every form and service explains a bad number the same way, in
words a company administrator understands (too short, letters in it, wrong check key).
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret
from stdnum.fr import tva as stdnum_tva


def _only_separators_removed(value: str) -> str:
    # People paste numbers as "552 100 554 00012" or "552.100.554"; stdnum accepts spaces and
    # dots, we also drop hyphens and non-breaking spaces that come from copied web pages.
    return "".join(ch for ch in (value or "") if ch not in " .-\u00a0\u202f\t").strip()


def validate_siren(value: str) -> str:
    """Return the 9-digit SIREN or raise a ValidationError saying what is wrong with it."""
    number = _only_separators_removed(value)
    if not number.isdigit():
        raise ValidationError(
            _("Le SIREN ne doit contenir que des chiffres (9 chiffres, espaces autorisés)."),
            code="siren_not_digits",
        )
    if len(number) != 9:
        raise ValidationError(
            _("Le SIREN compte 9 chiffres ; vous en avez saisi %(count)d.") % {"count": len(number)},
            code="siren_length",
        )
    try:
        return stdnum_siren.validate(number)
    except InvalidChecksum:
        raise ValidationError(
            _("Ce SIREN n'existe pas : sa clé de contrôle est invalide. Vérifiez qu'aucun chiffre n'a été inversé ou oublié."),
            code="siren_checksum",
        ) from None


def validate_siret(value: str) -> str:
    """Return the 14-digit SIRET or raise a ValidationError saying what is wrong with it."""
    number = _only_separators_removed(value)
    if not number.isdigit():
        raise ValidationError(
            _("Le SIRET ne doit contenir que des chiffres (14 chiffres, espaces autorisés)."),
            code="siret_not_digits",
        )
    if len(number) != 14:
        raise ValidationError(
            _("Le SIRET compte 14 chiffres (SIREN à 9 chiffres suivi du NIC à 5 chiffres) ; vous en avez saisi %(count)d.")
            % {"count": len(number)},
            code="siret_length",
        )
    try:
        stdnum_siren.validate(number[:9])
    except InvalidChecksum:
        raise ValidationError(
            _("Ce SIRET est invalide : la clé de contrôle de son SIREN (les 9 premiers chiffres) ne correspond pas. Vérifiez qu'aucun chiffre n'a été inversé ou oublié."),
            code="siret_checksum",
        ) from None
    try:
        return stdnum_siret.validate(number)
    except InvalidChecksum:
        raise ValidationError(
            _("Ce SIRET est invalide : sa clé de contrôle ne correspond pas. Vérifiez qu'aucun chiffre n'a été inversé ou oublié."),
            code="siret_checksum",
        ) from None


def siren_from_siret(siret: str) -> str:
    return siret[:9]


def vat_number_for_siren(siren: str) -> str:
    """The French VAT number of a company: ``FR`` + a 2-digit key + the SIREN."""
    key = (12 + 3 * (int(siren) % 97)) % 97
    return f"FR{key:02d}{siren}"


def validate_vat_number(value: str, *, siren: str | None = None) -> str:
    """Return the VAT number as ``FRxx999999999`` or raise a ValidationError.

    When ``siren`` is given the number must belong to that company.
    """
    raw = _only_separators_removed(value).upper()
    if raw and not raw.startswith("FR") and raw[:2].isalpha() and len(raw) > 11:
        raise ValidationError(
            _("Seuls les numéros de TVA français (commençant par FR) sont acceptés."),
            code="vat_not_french",
        )
    try:
        number = stdnum_tva.validate(raw)
    except InvalidLength:
        raise ValidationError(
            _("Un numéro de TVA français compte 13 caractères : FR, une clé de 2 caractères puis les 9 chiffres du SIREN."),
            code="vat_length",
        ) from None
    except (InvalidFormat, InvalidComponent):
        raise ValidationError(
            _("Ce numéro de TVA n'a pas le bon format : FR, une clé de 2 caractères puis les 9 chiffres du SIREN."),
            code="vat_format",
        ) from None
    except InvalidChecksum:
        raise ValidationError(
            _("Ce numéro de TVA est invalide : sa clé ne correspond pas au SIREN qu'il contient."),
            code="vat_checksum",
        ) from None
    except StdnumError:
        raise ValidationError(_("Ce numéro de TVA est invalide."), code="vat_invalid") from None
    if siren and number[2:] != siren:
        raise ValidationError(
            _("Ce numéro de TVA appartient au SIREN %(vat_siren)s, pas à celui de votre SIRET (%(siren)s).")
            % {"vat_siren": number[2:], "siren": siren},
            code="vat_siren_mismatch",
        )
    return "FR" + number
