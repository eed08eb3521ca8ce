"""Input and output shapes of the API's own endpoints (/me, /tokens) and of its errors."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

OrganisationKind = Literal["buyer", "supplier", "cluster"]
MembershipRole = Literal["owner", "admin", "member"]


class ErrorOut(Schema):
    detail: str = Field(..., description="Message lisible, dans la langue de la requête.")


class FieldErrorOut(Schema):
    loc: list[str | int] = Field(..., description="Où se trouve l'erreur, par ex. [\"body\", \"payload\", \"name\"].")
    msg: str
    type: str = ""


class ValidationErrorOut(ErrorOut):
    errors: list[FieldErrorOut]


class MembershipOut(Schema):
    """One organisation the user belongs to, with the user's role in it."""

    id: int
    name: str
    slug: str
    siren: str
    siret: str
    kinds: list[OrganisationKind]
    role: MembershipRole
    active: bool = Field(..., description="Organisation active de l'utilisateur sur le site.")


class MeOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    organisations: list[MembershipOut]


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100, description="Nom pour reconnaître le jeton.")


class TokenOut(Schema):
    id: int
    name: str
    key_prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="Le jeton complet. Il n'est affiché qu'une fois.")
