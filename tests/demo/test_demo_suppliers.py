"""The supplier-profile step of ``manage.py load_demo``: consistent, complete, reproducible profiles."""
from io import StringIO

import pytest
from django.core.management import call_command

from marketplace.accounts.models import Organisation
from rfq.models import RFQ, Award
from marketplace.demo.builders.context import DemoContext
from marketplace.demo.builders.suppliers import (
    DEFAULT_TRADE,
    TRADE_PROFILES,
    VERIFICATION_REASON,
    build_supplier_profiles,
)
from suppliers.models import ClusterMembership, ProductionSite, Skill, SupplierProfile, VerificationDecision

pytestmark = pytest.mark.django_db

SUPPLIERS = 60


def load_demo(*args: str) -> None:
    call_command("load_demo", "--suppliers", str(SUPPLIERS), *args, "--quiet", stdout=StringIO())


def profile_contents() -> list[tuple]:
    return [
        (p.organisation.siret, p.tagline, p.presentation, tuple(sorted(p.skills.values_list("slug", flat=True))),
         tuple(sorted(p.materials.values_list("slug", flat=True))), p.status, p.verification_status)
        for p in SupplierProfile.objects.select_related("organisation").order_by("organisation__siret")
    ]


def test_every_demo_supplier_gets_a_profile_whose_skills_fit_its_naf_code():
    load_demo()

    suppliers = Organisation.objects.filter(is_supplier=True, is_buyer=False, is_cluster=False)
    assert SupplierProfile.objects.filter(organisation__in=suppliers).count() == SUPPLIERS
    for profile in SupplierProfile.objects.filter(organisation__in=suppliers).select_related("organisation"):
        trade = TRADE_PROFILES.get(profile.organisation.naf_code_id or "", DEFAULT_TRADE)
        skills = set(profile.skills.values_list("slug", flat=True))
        assert set(trade.skills) <= skills <= set(trade.skills) | set(trade.optional_skills)
        materials = set(profile.materials.values_list("slug", flat=True))
        assert trade.materials[0] in materials and materials <= set(trade.materials)
        assert trade.sectors[0] in set(profile.sectors.values_list("slug", flat=True))
        assert profile.presentation.startswith("<p>") and profile.organisation.name in profile.presentation
        assert 1 <= profile.equipment.count() <= 3 and profile.certifications.count() <= 3
        assert profile.headcount_band and profile.batch_sizes
        assert profile.completeness >= 60


def test_bar_turning_supplier_does_bar_turning_in_mechanics():
    load_demo()

    decolleteurs = SupplierProfile.objects.filter(organisation__naf_code_id="25.62A")
    assert decolleteurs.exists()
    for profile in decolleteurs:
        assert {"decolletage", "tournage"} <= set(profile.skills.values_list("slug", flat=True))
        assert "mecanique-metallurgie" in set(profile.sectors.values_list("slug", flat=True))
        assert set(profile.materials.values_list("slug", flat=True)) & {"inox-316l", "inox-304l", "laiton"}


def test_head_office_site_is_at_the_organisation_commune_and_a_second_site_in_its_departement():
    load_demo()

    for profile in SupplierProfile.objects.select_related("organisation__commune"):
        sites = list(profile.sites.select_related("commune"))
        head_offices = [site for site in sites if site.is_head_office]
        assert len(head_offices) == 1 and head_offices[0].commune_id == profile.organisation.commune_id
        assert head_offices[0].latitude == profile.organisation.commune.latitude
        for site in sites:
            assert site.commune.departement_id == profile.organisation.commune.departement_id
    assert ProductionSite.objects.filter(is_head_office=False).exists()


def test_most_profiles_are_published_and_about_forty_percent_verified_by_the_demo_staff():
    load_demo()

    profiles = SupplierProfile.objects.all()
    published, verified = profiles.published().count(), profiles.verified().count()
    assert published > SUPPLIERS * 0.6
    assert SUPPLIERS * 0.2 <= verified <= SUPPLIERS * 0.6
    decisions = VerificationDecision.objects.all()
    assert decisions.count() == verified
    assert {d.decided_by.email for d in decisions} == {"staff@demo.test"}
    assert {d.reason for d in decisions} == {VERIFICATION_REASON}
    assert not profiles.verified().exclude(status=SupplierProfile.Status.PUBLISHED).exists()


def test_certifications_have_validity_dates_some_of_them_expired():
    call_command("load_demo", "--suppliers", "150", "--quiet", stdout=StringIO())

    certifications = [c for p in SupplierProfile.objects.all() for c in p.certifications.all()]
    assert certifications and all(c.valid_from and c.valid_until > c.valid_from for c in certifications)
    assert any(c.is_expired for c in certifications) and not all(c.is_expired for c in certifications)


def test_suppliers_join_only_the_demo_clusters_of_their_region():
    load_demo()

    memberships = ClusterMembership.objects.select_related("cluster__commune", "supplier__commune")
    assert memberships.exists()
    for membership in memberships:
        assert membership.status == ClusterMembership.Status.ACTIVE
        assert membership.cluster.commune.region_id == membership.supplier.commune.region_id


def test_rerun_adds_nothing_and_same_seed_gives_the_same_profiles():
    load_demo("--seed", "11")
    first = profile_contents()
    counts = (SupplierProfile.objects.count(), ProductionSite.objects.count(), ClusterMembership.objects.count())

    load_demo("--seed", "11")
    assert (SupplierProfile.objects.count(), ProductionSite.objects.count(), ClusterMembership.objects.count()) == counts

    # Other demo steps protect clusters and buyers (CMS pages): the suppliers are enough to rebuild.
    Award.objects.all().delete()  # awards protect quotes, quotes and RFQs their organisations
    RFQ.objects.all().delete()
    Organisation.objects.filter(is_supplier=True, is_buyer=False, is_cluster=False).delete()
    load_demo("--seed", "11")
    assert profile_contents() == first


def test_without_skills_the_step_warns_and_creates_no_profile():
    Skill.objects.update(parent=None)
    Skill.objects.all().delete()
    lines = []
    ctx = DemoContext(seed=1, suppliers=0, buyers=0, clusters=0, write=lines.append)

    build_supplier_profiles(ctx)

    assert SupplierProfile.objects.count() == 0
    assert lines and "aucune compétence" in lines[0]
