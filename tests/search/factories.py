"""Factories for the supplier taxonomy, profiles, sites and certifications used by the search tests."""
import datetime

import factory
from django.utils import timezone

from marketplace.geo.models import Commune
from suppliers.models import (
    CertificationType,
    Material,
    ProductionSite,
    Sector,
    Skill,
    SupplierCertification,
    SupplierProfile,
)
from tests.factories import OrganisationFactory


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Filière {n}")
    slug = factory.Sequence(lambda n: f"filiere-{n}")


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Compétence {n}")
    slug = factory.Sequence(lambda n: f"competence-{n}")


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Matériau {n}")
    slug = factory.Sequence(lambda n: f"materiau-{n}")


class CertificationTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificationType
        django_get_or_create = ("slug",)

    name = factory.LazyAttribute(lambda o: o.code)
    code = factory.Sequence(lambda n: f"NORME {n}")
    slug = factory.Sequence(lambda n: f"norme-{n}")


class SupplierProfileFactory(factory.django.DjangoModelFactory):
    """A published supplier profile; pass ``skills=[...]``, ``sectors=[...]``, ``materials=[...]``."""

    class Meta:
        model = SupplierProfile
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory, is_supplier=True)
    slug = factory.LazyAttribute(lambda o: o.organisation.slug)
    status = SupplierProfile.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def skills(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.skills.set(extracted)

    @factory.post_generation
    def sectors(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.sectors.set(extracted)

    @factory.post_generation
    def materials(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.materials.set(extracted)


class ProductionSiteFactory(factory.django.DjangoModelFactory):
    """A site at a real commune (``insee``), at the commune's coordinates unless given."""

    class Meta:
        model = ProductionSite
        exclude = ("insee",)

    insee = "69123"
    profile = factory.SubFactory(SupplierProfileFactory)
    name = factory.LazyAttribute(lambda o: f"Site de {o.commune.name}")
    commune = factory.LazyAttribute(lambda o: Commune.objects.get(insee=o.insee))
    postal_code = factory.LazyAttribute(lambda o: o.commune.postal_codes.values_list("code", flat=True).first() or "")
    latitude = factory.LazyAttribute(lambda o: o.commune.latitude)
    longitude = factory.LazyAttribute(lambda o: o.commune.longitude)


class SupplierCertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierCertification

    profile = factory.SubFactory(SupplierProfileFactory)
    certification_type = factory.SubFactory(CertificationTypeFactory)
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))
