"""JSON look-ups over the reference data, mounted by ``marketplace.api.api`` at ``/api/geo/``."""
from ninja import Router, Schema
from ninja.errors import HttpError

from .services import LocationError, communes_for_postal_code, validate_postal_code

router = Router(tags=["Référentiel géographique"])


class CommuneOut(Schema):
    insee: str
    name: str
    postal_code: str
    departement: str
    departement_name: str
    region: str
    region_name: str
    latitude: float
    longitude: float


@router.get("/communes", response=list[CommuneOut], summary="Communes desservies par un code postal")
def list_communes(request, postal_code: str = ""):
    """Every commune a postal code serves (often one, sometimes several); an empty list for a
    well-formed code that serves none, 400 for a malformed one."""
    try:
        code = validate_postal_code(postal_code)
    except LocationError as exc:
        raise HttpError(400, exc.message) from None
    return [
        CommuneOut(
            insee=commune.insee,
            name=commune.name,
            postal_code=code,
            departement=commune.departement_id,
            departement_name=commune.departement.name,
            region=commune.region_id,
            region_name=commune.region.name,
            latitude=commune.latitude,
            longitude=commune.longitude,
        )
        for commune in communes_for_postal_code(code)
    ]
