"""factory-boy factories shared by the whole suite. Add new factories at the end of this file."""
import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from marketplace.accounts.models import Membership, Organisation

DEFAULT_PASSWORD = "motdepasse-solide-42"

# Test SIRETs are generated with valid Luhn checksums by make_siret().


def luhn_complete(digits: str) -> str:
    """Append the Luhn check digit to ``digits``."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return digits + str((10 - total % 10) % 10)


def make_siret(n: int) -> str:
    siren = luhn_complete(f"{10000000 + n:08d}")
    return luhn_complete(siren + "0001")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Users have a verified primary email unless ``verified=False``."""
        obj.save()
        if create and extracted is not False:
            EmailAddress.objects.update_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Entreprise {n}")
    slug = factory.Sequence(lambda n: f"entreprise-{n}")
    siret = factory.Sequence(make_siret)
    siren = factory.LazyAttribute(lambda o: o.siret[:9])
    is_supplier = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.OWNER


class InvitationFactory(factory.django.DjangoModelFactory):
    """A pending invitation; the inviter is an owner of the organisation."""

    class Meta:
        model = "accounts.Invitation"

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.test")
    role = Membership.Role.MEMBER
    invited_by = factory.LazyAttribute(
        lambda o: MembershipFactory(organisation=o.organisation, role=Membership.Role.OWNER).user
    )


class JoinRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.JoinRequest"

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
