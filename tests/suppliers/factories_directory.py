"""Factories for the directory, verification and cluster tests.

The reference lists may be empty while these tests run (they are seeded by a data migration
another change owns), so the sectors, skills and certification types used here are created.
"""
import factory

from marketplace.accounts.models import Membership
from marketplace.geo.models import Commune
from suppliers.models import (
    CertificationType,
    ClusterMembership,
    ClusterProfile,
    ProductionSite,
    Sector,
    Skill,
    SupplierCertification,
    SupplierProfile,
)
from tests.factories import MembershipFactory, OrganisationFactory


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    name = factory.Sequence(lambda n: f"Filière de test {n}")
    name_en = factory.Sequence(lambda n: f"Test sector {n}")
    slug = factory.Sequence(lambda n: f"filiere-test-{n}")


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    name = factory.Sequence(lambda n: f"Savoir-faire {n}")
    slug = factory.Sequence(lambda n: f"savoir-faire-test-{n}")


class CertificationTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificationType

    name = factory.Sequence(lambda n: f"Norme de test {n}")
    slug = factory.Sequence(lambda n: f"norme-test-{n}")
    code = factory.Sequence(lambda n: f"TEST {n}")


class PublishedProfileFactory(factory.django.DjangoModelFactory):
    """A published supplier profile of a fresh supplier organisation."""

    class Meta:
        model = SupplierProfile

    organisation = factory.SubFactory(OrganisationFactory, is_supplier=True)
    slug = factory.Sequence(lambda n: f"fournisseur-annuaire-{n}")
    tagline = "Usinage de précision"
    status = SupplierProfile.Status.PUBLISHED


class SiteFactory(factory.django.DjangoModelFactory):
    """A production site in a real commune (Lyon unless told otherwise)."""

    class Meta:
        model = ProductionSite

    class Params:
        insee = "69123"

    profile = factory.SubFactory(PublishedProfileFactory)
    name = "Atelier principal"
    postal_code = "69007"
    commune = factory.LazyAttribute(lambda o: Commune.objects.get(insee=o.insee))
    latitude = factory.LazyAttribute(lambda o: o.commune.latitude)
    longitude = factory.LazyAttribute(lambda o: o.commune.longitude)
    is_head_office = True


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierCertification

    profile = factory.SubFactory(PublishedProfileFactory)
    certification_type = factory.SubFactory(CertificationTypeFactory)


class ClusterOrganisationFactory(OrganisationFactory):
    is_supplier = False
    is_cluster = True


class ClusterProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClusterProfile

    organisation = factory.SubFactory(ClusterOrganisationFactory)
    slug = factory.Sequence(lambda n: f"cluster-{n}")
    description = "Le pôle de la mécanique de précision."


class ClusterMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClusterMembership

    cluster = factory.SubFactory(ClusterOrganisationFactory)
    supplier = factory.SubFactory(OrganisationFactory, is_supplier=True)
    status = ClusterMembership.Status.ACTIVE


def manager_of(organisation, role=Membership.Role.OWNER):
    """A user with ``role`` in ``organisation``, working as it."""
    user = MembershipFactory(organisation=organisation, role=role).user
    user.active_organisation = organisation
    user.save(update_fields=["active_organisation"])
    return user
