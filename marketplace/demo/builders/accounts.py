"""The demo logins: one per role, verified email, documented password, MFA where an admin needs it.

These accounts are created only by ``manage.py load_demo``; never load the demo on a public site.
"""
from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import encrypt
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.accounts.models import Membership

from .context import DemoAccountInfo, DemoContext

DEMO_PASSWORD = "demo-Production-2026"
# Base32 TOTP secret of the staff and editor accounts: add it to any authenticator app.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"
# Fixed seed of their recovery codes, so the printed codes stay valid from one load to the next.
DEMO_RECOVERY_CODES_SEED = "0d3e2f6b1c5a49e8b7d6c4a3f2e1d0c9b8a7f6e5d4c3b2a1908f7e6d5c4b3a291807f6e5d4c3b2a1"
# Admin access only: the demo editor's page rights come from its filière group (pages builder),
# not from Wagtail's own "Editors" group, which may edit the whole tree.
EDITORS_GROUP = "Accès à l'administration CMS"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    role: str
    organisation_kind: str | None = None  # owner of the first demo organisation of that kind
    is_staff: bool = False
    cms_editor: bool = False

    @property
    def needs_mfa(self) -> bool:
        return self.is_staff or self.cms_editor


DEMO_ACCOUNTS = (
    DemoAccount("acheteur@demo.test", "Claire", "Acheteuse", "donneur d'ordre", organisation_kind="buyer"),
    DemoAccount("fournisseur@demo.test", "Marc", "Fournisseur", "fournisseur", organisation_kind="supplier"),
    DemoAccount("cluster@demo.test", "Sophie", "Animatrice", "cluster", organisation_kind="cluster"),
    DemoAccount("editeur@demo.test", "Julien", "Éditeur", "éditeur CMS", cms_editor=True),
    DemoAccount("staff@demo.test", "Nadia", "Admin", "staff (superutilisateur)", is_staff=True),
)


def build_demo_accounts(ctx: DemoContext) -> None:
    """Create the missing demo accounts and what they need; leave existing ones as they are."""
    User = get_user_model()
    created = 0
    # One hash for all five accounts: hashing is deliberately slow, and they share the password.
    password_hash = make_password(DEMO_PASSWORD)
    with transaction.atomic():
        for account in DEMO_ACCOUNTS:
            user = User.objects.filter(email=account.email).first()
            if user is None:
                user = User.objects.create(
                    email=account.email,
                    password=password_hash,
                    first_name=account.first_name,
                    last_name=account.last_name,
                    is_staff=account.is_staff,
                    is_superuser=account.is_staff,
                )
                created += 1
            EmailAddress.objects.update_or_create(
                user=user, email=account.email, defaults={"verified": True, "primary": True}
            )
            if account.organisation_kind and ctx.organisations.get(account.organisation_kind):
                _make_owner(user, ctx.organisations[account.organisation_kind][0])
            if account.cms_editor:
                user.groups.add(_editors_group())
            info = DemoAccountInfo(account.email, account.role, DEMO_PASSWORD)
            if account.needs_mfa:
                info.totp_secret = DEMO_TOTP_SECRET
                info.recovery_codes = _activate_mfa(user)
            ctx.accounts.append(info)
    ctx.write(
        _("Comptes de démonstration : %(created)d créés, %(present)d déjà présents.")
        % {"created": created, "present": len(DEMO_ACCOUNTS) - created}
    )


def _make_owner(user, organisation_id: int) -> None:
    Membership.objects.get_or_create(
        user=user, organisation_id=organisation_id, defaults={"role": Membership.Role.OWNER}
    )
    if user.active_organisation_id is None:
        user.active_organisation_id = organisation_id
        user.save(update_fields=["active_organisation"])


def _editors_group() -> Group:
    group, _created = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    return group


def _activate_mfa(user) -> list[str]:
    """TOTP with the documented secret, as allauth's activation view does, plus recovery codes."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)
    recovery = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).first()
    if recovery is None:
        # RecoveryCodes.activate() draws a random seed; this is the same record with a fixed one.
        recovery = Authenticator.objects.create(
            user=user,
            type=Authenticator.Type.RECOVERY_CODES,
            data={"seed": encrypt(DEMO_RECOVERY_CODES_SEED), "used_mask": 0},
        )
    return RecoveryCodes(recovery).get_unused_codes()
