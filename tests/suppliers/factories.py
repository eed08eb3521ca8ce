"""factory-boy factories of the suppliers app (profiles and what hangs off them).

Reference lists (skills, sectors, materials, certification types) come from the data migration:
tests pick real rows (``Skill.objects.get(slug="decolletage")``) instead of inventing them.
"""
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from marketplace.geo.models import Commune
from suppliers.models import CertificationType, ProductionSite, SupplierCertification, SupplierProfile
from tests.factories import OrganisationFactory


class SupplierProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierProfile

    organisation = factory.SubFactory(OrganisationFactory, is_supplier=True)
    slug = factory.Sequence(lambda n: f"fournisseur-{n}")


class ProductionSiteFactory(factory.django.DjangoModelFactory):
    """A site in Lyon (real commune from the reference data)."""

    class Meta:
        model = ProductionSite

    profile = factory.SubFactory(SupplierProfileFactory)
    name = "Atelier de Lyon"
    postal_code = "69007"
    commune = factory.LazyFunction(lambda: Commune.objects.get(insee="69123"))
    latitude = factory.LazyAttribute(lambda o: o.commune.latitude)
    longitude = factory.LazyAttribute(lambda o: o.commune.longitude)


class SupplierCertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplierCertification

    profile = factory.SubFactory(SupplierProfileFactory)
    certification_type = factory.LazyFunction(lambda: CertificationType.objects.get(slug="iso-9001"))


def image_upload(name="image.png", *, size=(800, 600), image_format="PNG", mode="RGB", exif=None) -> SimpleUploadedFile:
    """A real image encoded by Pillow, as a browser would upload it."""
    buffer = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    Image.new(mode, size, color=(200, 80, 40) if mode == "RGB" else None).save(buffer, format=image_format, **options)
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}[image_format]
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def pdf_upload(name="certificat.pdf", size=None) -> SimpleUploadedFile:
    content = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    if size:
        content = content + b"0" * (size - len(content))
    return SimpleUploadedFile(name, content, content_type="application/pdf")
