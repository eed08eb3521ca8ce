"""The staff page /staff/import-fournisseurs/: upload a CSV/XLSX of suppliers, download an export.

Staff only (a signed-in non-staff user gets a 403). The upload runs ``suppliers.imports`` in the
request, as a dry run unless the « enregistrer » box is ticked, and shows its report; the export
streams the file. The work itself lives in ``suppliers/imports.py`` and ``suppliers/exports.py``.
"""
from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.geo.models import Region

from .. import exports
from ..imports import MAX_UPLOAD_BYTES, import_suppliers
from ..models import Sector


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier CSV (UTF-8) ou XLSX"),
        help_text=gettext_lazy("20 Mo au maximum."),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Simulation : vérifier le fichier sans rien enregistrer"), required=False, initial=True
    )
    skip_invalid = forms.BooleanField(
        label=gettext_lazy("Enregistrer les lignes valides même si d'autres sont en erreur"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 20 Mo."))
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Déposez un fichier .csv ou .xlsx."))
        return upload


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=(("csv", "CSV"), ("xlsx", "XLSX")))
    sector = forms.ChoiceField(label=gettext_lazy("Filière"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("Région"), required=False)
    published_only = forms.BooleanField(label=gettext_lazy("Profils publiés seulement"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Toutes"))]
        self.fields["sector"].choices = everything + [(s.slug, s.label) for s in Sector.objects.all()]
        self.fields["region"].choices = everything + [(r.code, r.name) for r in Region.objects.all()]


def _require_staff(request) -> None:
    if not request.user.is_staff:
        raise PermissionDenied


@login_required
def import_page(request):
    _require_staff(request)
    report = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            report = import_suppliers(
                upload.read(),
                file_name=upload.name,
                actor=request.user,
                dry_run=form.cleaned_data["dry_run"],
                skip_invalid=form.cleaned_data["skip_invalid"],
            )
    else:
        form = ImportForm()
    return render(
        request,
        "suppliers/staff/import.html",
        {"form": form, "report": report, "export_form": ExportForm(), "columns": exports.COLUMNS},
    )


@login_required
def export_download(request):
    _require_staff(request)
    form = ExportForm(request.GET or None)
    if not form.is_valid():
        return render(
            request,
            "suppliers/staff/import.html",
            {"form": ImportForm(), "export_form": form, "columns": exports.COLUMNS},
            status=400,
        )
    file_format = form.cleaned_data["format"]
    filters = exports.ExportFilters(
        sector=form.cleaned_data["sector"],
        region=form.cleaned_data["region"],
        published_only=form.cleaned_data["published_only"],
    )
    rows = exports.export_rows(exports.profiles_to_export(filters))
    file_name = f"fournisseurs-{timezone.localdate():%Y-%m-%d}.{file_format}"
    exports.record_export(request.user, file_format=file_format, filters=filters)
    if file_format == "xlsx":
        response = HttpResponse(content_type=exports.CONTENT_TYPES["xlsx"])
        exports.write_xlsx(rows, response)
    else:
        response = StreamingHttpResponse(exports.csv_chunks(rows), content_type=exports.CONTENT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
