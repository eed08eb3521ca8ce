"""Supplier import (``manage.py import_suppliers``, the staff upload page) and export: formats,
matching, line-numbered errors, all-or-nothing writes, upserts by SIRET and the export round trip."""
from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from marketplace.accounts.models import Organisation
from marketplace.audit.models import AuditEntry
from suppliers.imports import COLUMNS, import_suppliers
from suppliers.models import ClusterMembership, HeadcountBand, ProductionSite, SupplierCertification, SupplierProfile
from tests.factories import UserFactory, make_siret
from tests.suppliers.factories_import import (
    BESANCON,
    GRENOBLE,
    OYONNAX,
    TOULOUSE,
    cluster,
    csv_bytes,
    supplier_row,
    table,
    taxonomy,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def refs():
    return taxonomy()


def run(content: bytes, name: str = "fournisseurs.csv", **options):
    return import_suppliers(content, file_name=name, **options)


def written_counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "profiles": SupplierProfile.objects.count(),
        "sites": ProductionSite.objects.count(),
        "certifications": SupplierCertification.objects.count(),
        "memberships": ClusterMembership.objects.count(),
    }


def assert_is_test_supplier_1(refs):
    org = Organisation.objects.get(siret=make_siret(901))
    assert org.is_supplier and org.name == "Décolletage Test 1"
    assert org.siren == org.siret[:9]
    assert org.vat_number.startswith("FR") and org.vat_number.endswith(org.siren)
    assert org.commune_id == GRENOBLE[1] and org.postal_code == GRENOBLE[0]
    profile = org.supplier_profile
    assert set(profile.skills.values_list("slug", flat=True)) == {"decolletage", "tournage"}
    assert set(profile.materials.values_list("slug", flat=True)) == {"inox-316l", "laiton"}
    assert list(profile.sectors.values_list("slug", flat=True)) == ["mecanique-metallurgie"]
    assert list(profile.certifications.values_list("certification_type__code", flat=True)) == ["ISO 9001"]
    assert profile.headcount_band == HeadcountBand.B10_49
    assert profile.website == "https://www.decolletage-test.example"
    assert "horlogerie" in profile.presentation
    assert profile.status == SupplierProfile.Status.DRAFT
    assert profile.completeness > 0
    site = profile.sites.get()
    assert site.is_head_office and site.commune_id == GRENOBLE[1]
    assert (site.latitude, site.longitude) == (site.commune.latitude, site.commune.longitude)


# --- Formats ---------------------------------------------------------------------------------


def test_comma_csv_creates_organisation_profile_and_head_office_site(refs):
    report = run(csv_bytes([supplier_row(1), supplier_row(2, name="Usinage Test 2", postal_code="", insee_code=BESANCON[1])]))

    assert (report.created, report.updated, report.errors, report.written) == (2, 0, [], True)
    assert_is_test_supplier_1(refs)
    second = SupplierProfile.objects.get(organisation__siret=make_siret(902))
    assert second.sites.get().postal_code == BESANCON[0]  # INSEE code alone: the commune's postal code


def test_semicolon_csv_with_bom_and_quoted_lists_imports_the_same_supplier(refs):
    content = csv_bytes([supplier_row(1)], delimiter=";", bom=True)
    assert content.startswith(b"\xef\xbb\xbfsiret;name;") and b'"D\xc3\xa9colletage;tournage"' in content

    report = run(content)

    assert report.created == 1 and not report.errors
    assert_is_test_supplier_1(refs)


def test_xlsx_file_imports_like_csv_even_with_numbers_typed_as_numbers(refs):
    row = supplier_row(1)
    cells = table([row])
    siret_index, postal_index, employees_index = (COLUMNS.index(c) for c in ("siret", "postal_code", "employees"))
    cells[1][siret_index] = int(row["siret"])
    cells[1][postal_index] = int(row["postal_code"])
    cells[1][employees_index] = 35

    report = run(xlsx_bytes(cells), name="fournisseurs.xlsx")

    assert report.created == 1 and not report.errors
    assert_is_test_supplier_1(refs)


def test_postal_code_with_leading_zero_typed_as_a_number_in_xlsx_is_padded(refs):
    cells = table([supplier_row(1, postal_code=OYONNAX[0], insee_code=OYONNAX[1])])
    cells[1][COLUMNS.index("postal_code")] = int(OYONNAX[0])  # Excel shows 1100

    report = run(xlsx_bytes(cells), name="fournisseurs.xlsx")

    assert not report.errors
    assert ProductionSite.objects.get().postal_code == OYONNAX[0]


def test_non_utf8_csv_is_refused_with_a_clear_message_and_nothing_written(refs):
    content = csv_bytes([supplier_row(1)]).decode("utf-8").encode("cp1252")

    report = run(content)

    assert report.failed and not report.written
    assert "UTF-8" in report.errors[0].message and report.errors[0].line == 2
    assert Organisation.objects.filter(siret=make_siret(901)).count() == 0


def test_a_file_that_is_neither_csv_nor_xlsx_is_refused(refs):
    report = run(b"PK\x03\x04 not really a zip", name="fournisseurs.xlsx")

    assert report.failed and "XLSX" in report.errors[0].message


# --- Validation: all or nothing --------------------------------------------------------------


def test_invalid_rows_are_reported_with_file_line_numbers_and_nothing_is_written(refs):
    before = written_counts()
    rows = [
        supplier_row(1, description="Sur deux lignes :\nla ligne suivante du fichier est la 4."),  # lines 2-3
        supplier_row(2, siret=make_siret(902)[:-1] + "9"),  # line 4: checksum
        supplier_row(3, postal_code="99999", insee_code=""),  # line 5: unknown commune
        supplier_row(4, postal_code=OYONNAX[0], insee_code=""),  # line 6: ambiguous postal code
        supplier_row(5, certifications="ISO 9001;ISO 99999"),  # line 7: unknown certification
        supplier_row(6),  # line 8: valid
    ]

    report = run(csv_bytes(rows))

    assert [(issue.line, issue.column) for issue in report.errors] == [
        (4, "siret"), (5, "postal_code"), (6, "insee_code"), (7, "certifications"),
    ]
    messages = [issue.message for issue in report.errors]
    assert "clé de contrôle" in messages[0]
    assert "99999" in messages[1]
    assert "plusieurs communes" in messages[2] and "Oyonnax" in messages[2]
    assert "ISO 99999" in messages[3]
    assert "Ligne 4, colonne siret" in str(report.errors[0])
    assert report.failed and not report.written
    assert (report.rows, report.skipped) == (6, 4)
    assert written_counts() == before


def test_unknown_column_rejects_the_file_and_names_the_column(refs):
    row = supplier_row(1, couleur="bleu")
    report = run(csv_bytes([row], columns=list(COLUMNS) + ["couleur"]), skip_invalid=True)

    assert report.failed and report.errors[0].line == 1
    assert "couleur" in report.errors[0].message
    assert not Organisation.objects.filter(siret=row["siret"]).exists()


def test_missing_required_column_rejects_the_file(refs):
    report = run(csv_bytes([supplier_row(1)], columns=["siret", "description"]))

    assert report.failed and "name" in report.errors[0].message


def test_duplicate_siret_in_one_file_is_an_error_on_its_second_occurrence(refs):
    report = run(csv_bytes([supplier_row(1), supplier_row(2), supplier_row(3, siret=make_siret(901))]))

    assert [(issue.line, issue.column) for issue in report.errors] == [(4, "siret")]
    assert "ligne 2" in report.errors[0].message
    assert not Organisation.objects.filter(siret=make_siret(902)).exists()


def test_skip_invalid_writes_the_valid_rows_and_reports_the_others(refs, tmp_path):
    path = tmp_path / "fournisseurs.csv"
    path.write_bytes(csv_bytes([supplier_row(1), supplier_row(2, siret="123"), supplier_row(3)]))
    out, err = io.StringIO(), io.StringIO()

    call_command("import_suppliers", str(path), "--skip-invalid", stdout=out, stderr=err)

    assert set(Organisation.objects.filter(siret__in=[make_siret(n) for n in (901, 902, 903)])
               .values_list("siret", flat=True)) == {make_siret(901), make_siret(903)}
    assert "Ligne 3, colonne siret" in err.getvalue()
    assert "2 fournisseur(s) créé(s)" in out.getvalue() and "1 ligne(s) ignorée(s)" in out.getvalue()


def test_command_exits_non_zero_and_writes_nothing_when_a_row_is_invalid(refs, tmp_path):
    path = tmp_path / "fournisseurs.csv"
    path.write_bytes(csv_bytes([supplier_row(1), supplier_row(2, materials="unobtainium")]))
    err = io.StringIO()

    with pytest.raises(SystemExit) as exit_info:
        call_command("import_suppliers", str(path), stdout=io.StringIO(), stderr=err)

    assert exit_info.value.code == 1
    assert "Ligne 3, colonne materials" in err.getvalue() and "unobtainium" in err.getvalue()
    assert not Organisation.objects.filter(siret=make_siret(901)).exists()


def test_dry_run_reports_what_would_happen_and_writes_nothing(refs, tmp_path):
    path = tmp_path / "fournisseurs.csv"
    path.write_bytes(csv_bytes([supplier_row(1), supplier_row(2)]))
    before, audit_before = written_counts(), AuditEntry.objects.count()
    out = io.StringIO()

    call_command("import_suppliers", str(path), "--dry-run", stdout=out, stderr=io.StringIO())

    assert "2 fournisseur(s) à créer" in out.getvalue() and "Rien n'a été enregistré" in out.getvalue()
    assert written_counts() == before
    assert AuditEntry.objects.count() == audit_before


def test_actor_must_be_an_existing_user(refs, tmp_path):
    path = tmp_path / "fournisseurs.csv"
    path.write_bytes(csv_bytes([supplier_row(1)]))

    with pytest.raises(CommandError, match="personne@example.test"):
        call_command("import_suppliers", str(path), "--actor", "personne@example.test")


def test_each_import_run_is_audited_with_its_actor_counts_and_file_name(refs, tmp_path):
    staff = UserFactory(is_staff=True)
    path = tmp_path / "adherents-2026.csv"
    path.write_bytes(csv_bytes([supplier_row(1), supplier_row(2)]))

    call_command("import_suppliers", str(path), "--actor", staff.email, stdout=io.StringIO())

    entry = AuditEntry.objects.filter(action="suppliers.imported").latest("pk")
    assert entry.actor == staff
    assert entry.data["file_name"] == "adherents-2026.csv"
    assert (entry.data["created"], entry.data["updated"], entry.data["written"]) == (2, 0, True)


# --- Matching --------------------------------------------------------------------------------


def test_skills_match_slug_names_and_synonyms_ignoring_case_and_accents(refs):
    run(csv_bytes([supplier_row(1, skills="DECOLLETAGE;Turning;pieces decolletees;usinage")]))

    profile = SupplierProfile.objects.get(organisation__siret=make_siret(901))
    assert set(profile.skills.values_list("slug", flat=True)) == {"decolletage", "tournage", "usinage"}
    assert profile.keywords == []


def test_unknown_skills_become_free_keywords_and_are_reported_as_warnings(refs):
    report = run(csv_bytes([supplier_row(1, skills="décolletage;Taillage de fraises mères;Moletage")]))

    assert report.written and not report.errors
    assert [(w.line, w.column) for w in report.warnings] == [(2, "skills")]
    assert "Taillage de fraises mères" in report.warnings[0].message and "Moletage" in report.warnings[0].message
    profile = SupplierProfile.objects.get(organisation__siret=make_siret(901))
    assert list(profile.skills.values_list("slug", flat=True)) == ["decolletage"]
    assert profile.keywords == ["Taillage de fraises mères", "Moletage"]


@pytest.mark.parametrize(
    ("employees", "band"),
    [("8", "1-9"), ("1 200", "1000+"), ("250", "250-999"), ("50-249", "50-249"), ("10 à 49 salariés", "10-49"),
     ("1 to 9 employees", "1-9"), ("", "")],
)
def test_employees_accepts_a_number_or_a_band(refs, employees, band):
    report = run(csv_bytes([supplier_row(1, employees=employees)]))

    assert not report.errors
    assert SupplierProfile.objects.get(organisation__siret=make_siret(901)).headcount_band == band


def test_employees_that_is_neither_a_number_nor_a_band_is_a_row_error(refs):
    report = run(csv_bytes([supplier_row(1, employees="beaucoup")]))

    assert [(e.line, e.column) for e in report.errors] == [(2, "employees")]


def test_cluster_by_name_or_siren_gives_an_active_membership(refs):
    arve, aero = cluster("Pôle Décolletage Test"), cluster("Cluster Aéro Test")

    report = run(csv_bytes([supplier_row(1, cluster=f"pole decolletage test;{aero.siren}")]))

    assert not report.errors
    supplier = Organisation.objects.get(siret=make_siret(901))
    memberships = ClusterMembership.objects.filter(supplier=supplier)
    assert {(m.cluster_id, m.status) for m in memberships} == {(arve.pk, "active"), (aero.pk, "active")}


def test_unknown_cluster_is_a_row_error(refs):
    report = run(csv_bytes([supplier_row(1, cluster="Cluster Imaginaire")]))

    assert [(e.line, e.column) for e in report.errors] == [(2, "cluster")]
    assert "Cluster Imaginaire" in report.errors[0].message


def test_invalid_website_is_a_row_error(refs):
    report = run(csv_bytes([supplier_row(1, website="pas un site")]))

    assert [(e.line, e.column) for e in report.errors] == [(2, "website")]


# --- Upsert -----------------------------------------------------------------------------------


def test_reimport_updates_the_supplier_instead_of_duplicating_it(refs):
    run(csv_bytes([supplier_row(1), supplier_row(2)]))
    counts = written_counts()
    site_pk = ProductionSite.objects.get(profile__organisation__siret=make_siret(901)).pk

    report = run(csv_bytes([
        supplier_row(1, name="Décolletage Test Renommé", skills="injection-plastique", materials="", certifications="EN 9100",
                     postal_code=TOULOUSE[0], insee_code=TOULOUSE[1], employees="300"),
        supplier_row(2),
    ]))

    assert (report.created, report.updated) == (0, 2)
    assert written_counts() == counts
    org = Organisation.objects.get(siret=make_siret(901))
    profile = org.supplier_profile
    assert org.name == "Décolletage Test Renommé" and org.commune_id == TOULOUSE[1]
    assert list(profile.skills.values_list("slug", flat=True)) == ["injection-plastique"]
    assert not profile.materials.exists()
    assert list(profile.certifications.values_list("certification_type__code", flat=True)) == ["EN 9100"]
    assert profile.headcount_band == HeadcountBand.B250_999
    site = profile.sites.get()
    assert site.pk == site_pk and site.commune_id == TOULOUSE[1] and site.postal_code == TOULOUSE[0]


def test_columns_absent_from_the_file_leave_their_fields_alone(refs):
    run(csv_bytes([supplier_row(1)]))

    run(csv_bytes([{"siret": make_siret(901), "name": "Nouveau Nom"}], columns=["name", "siret"]))

    profile = SupplierProfile.objects.get(organisation__siret=make_siret(901))
    assert profile.organisation.name == "Nouveau Nom"
    assert set(profile.skills.values_list("slug", flat=True)) == {"decolletage", "tournage"}
    assert profile.sites.count() == 1 and profile.certifications.count() == 1


# --- Export -----------------------------------------------------------------------------------


def export(*args: str, file_format: str = "csv", tmp_path=None) -> list[list[str]]:
    if file_format == "csv":
        out = io.StringIO()
        call_command("export_suppliers", *args, stdout=out)
        return list(csv.reader(io.StringIO(out.getvalue())))
    path = tmp_path / "export.xlsx"
    call_command("export_suppliers", "--format", "xlsx", "--output", str(path), *args, stderr=io.StringIO())
    sheet = load_workbook(path, read_only=True).worksheets[0]
    return [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_then_import_gives_back_every_column_unchanged(refs, tmp_path, file_format):
    cluster("Pôle Décolletage Test")
    run(csv_bytes([
        supplier_row(1, skills="décolletage;tournage;Moletage fin", cluster="Pôle Décolletage Test"),
        supplier_row(2, postal_code=OYONNAX[0], insee_code=OYONNAX[1], certifications="ISO 9001;EN 9100",
                     employees="1000+", website="", description="-5 % de rebut ; =SOMME(A1:A2)"),
        supplier_row(3, skills="", materials="", certifications="", sectors="", postal_code="", insee_code="",
                     employees="", description=""),
    ]))
    first = export(file_format=file_format, tmp_path=tmp_path)
    assert first[0] == list(COLUMNS) and len(first) == 4
    assert all(any(row[COLUMNS.index(c)] for row in first[1:]) for c in COLUMNS)  # every column exercised

    Organisation.objects.filter(is_supplier=True, is_cluster=False).delete()
    content = (
        "\n".join(",".join(f'"{cell}"' for cell in row) for row in first).encode()
        if file_format == "csv" else (tmp_path / "export.xlsx").read_bytes()
    )
    report = run(content, name=f"export.{file_format}")

    assert report.created == 3 and not report.errors
    assert export(file_format=file_format, tmp_path=tmp_path) == first


def test_formula_like_cells_are_neutralised_in_exports_and_restored_on_import(refs, tmp_path):
    run(csv_bytes([supplier_row(1, name="=HYPERLINK(\"http://evil.example\")", description="+33 4 76 00 00 00")]))

    rows = export()
    cells = dict(zip(rows[0], rows[1], strict=True))
    assert cells["name"] == "'=HYPERLINK(\"http://evil.example\")"
    assert cells["description"].startswith("<p>")  # sanitised HTML: begins with a tag, harmless

    xlsx_rows = export(file_format="xlsx", tmp_path=tmp_path)
    assert dict(zip(xlsx_rows[0], xlsx_rows[1], strict=True))["name"].startswith("'=")

    run(csv_bytes([dict(cells)]))
    assert Organisation.objects.get(siret=make_siret(901)).name == "=HYPERLINK(\"http://evil.example\")"


def test_export_filters_by_sector_region_and_publication(refs):
    run(csv_bytes([
        supplier_row(1),  # Grenoble, Auvergne-Rhône-Alpes (84)
        supplier_row(2, sectors="plasturgie-composites", postal_code=TOULOUSE[0], insee_code=TOULOUSE[1]),
    ]))
    SupplierProfile.objects.filter(organisation__siret=make_siret(902)).update(status=SupplierProfile.Status.PUBLISHED)

    def sirets(*args):
        return [row[0] for row in export(*args)[1:]]

    assert sirets("--sector", "plasturgie-composites") == [make_siret(902)]
    assert sirets("--region", "84") == [make_siret(901)]
    assert sirets("--published-only") == [make_siret(902)]
    with pytest.raises(CommandError, match="inconnue"):
        call_command("export_suppliers", "--sector", "nulle-part", stdout=io.StringIO())


# --- Staff page -------------------------------------------------------------------------------


def upload(client, content: bytes, name: str = "fournisseurs.csv", **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("suppliers:staff_import"), {"file": SimpleUploadedFile(name, content), **fields})


def test_import_page_is_forbidden_to_signed_in_users_who_are_not_staff(client, refs):
    client.force_login(UserFactory())

    assert client.get(reverse("suppliers:staff_import")).status_code == 403
    assert upload(client, csv_bytes([supplier_row(1)])).status_code == 403
    assert client.get(reverse("suppliers:staff_export"), {"format": "csv"}).status_code == 403
    assert not Organisation.objects.filter(siret=make_siret(901)).exists()


def test_import_page_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get(reverse("suppliers:staff_import"))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_dry_run_through_the_upload_page_shows_the_report_and_writes_nothing(client, refs):
    client.force_login(UserFactory(is_staff=True))

    response = upload(client, csv_bytes([supplier_row(1), supplier_row(2, siret="552100554")]), dry_run="on",
                      skip_invalid="on")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Simulation sur 2 ligne(s)" in page
    assert "Ligne 3, colonne siret" in page
    assert not Organisation.objects.filter(siret=make_siret(901)).exists()


def test_staff_import_through_the_upload_page_writes_when_not_a_dry_run(client, refs):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)

    response = upload(client, xlsx_bytes(table([supplier_row(1)])), name="fournisseurs.xlsx")

    assert response.status_code == 200 and "Import terminé" in response.content.decode()
    assert_is_test_supplier_1(refs)
    assert AuditEntry.objects.filter(action="suppliers.imported", actor=staff).exists()


def test_staff_page_refuses_a_bad_file_with_a_message_not_an_error_page(client, refs):
    client.force_login(UserFactory(is_staff=True))

    response = upload(client, "siret;name\n123;Société".encode("latin-1"))

    assert response.status_code == 200
    assert "UTF-8" in response.content.decode()


def test_staff_downloads_the_export(client, refs):
    run(csv_bytes([supplier_row(1)]))
    client.force_login(UserFactory(is_staff=True))

    response = client.get(reverse("suppliers:staff_export"), {"format": "csv"})

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert not body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == list(COLUMNS) and rows[1][0] == make_siret(901)

    xlsx = client.get(reverse("suppliers:staff_export"), {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
