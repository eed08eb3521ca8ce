"""The supplier profile editor at /profil-fournisseur/: overview, one page per section, publication.

Pages work on the profile of the active organisation (``request.organisation``); a URL naming a
certification, site, photo… acts on the profile that object belongs to, and answers 403 to
anyone but that organisation's members. Every member reads; owners and administrators change
(a plain member's POST is a 403). Views parse input, call ``suppliers.services`` and turn a
``SupplierProfileError`` into a form error or a message.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.scanning.services import download_refusal

from .. import completeness, services
from ..forms import (
    CapabilitiesForm,
    CertificationForm,
    CustomerReferenceForm,
    EquipmentForm,
    IdentityForm,
    LogoForm,
    PhotoForm,
    ProductionSiteForm,
)
from ..models import CustomerReference, Equipment, ProductionSite, SupplierCertification, SupplierPhoto
from ..services import NotAllowed, SupplierProfileError


class NoSupplierOrganisation(Exception):
    """The active organisation is missing or is not a supplier: the editor does not apply."""


def _active_profile(request):
    """The active organisation's profile, created on the first visit; raises for non-suppliers."""
    organisation = request.organisation
    if organisation is None or not organisation.is_supplier:
        raise NoSupplierOrganisation
    try:
        return services.get_or_create_profile(request.user, organisation)
    except NotAllowed:
        raise PermissionDenied from None


def _require_edit(request, profile) -> None:
    """Changes are for owners and administrators; checked before any parsing."""
    if not services.can_edit(request.user, profile.organisation):
        raise PermissionDenied


def _owned_object(request, model, pk, *, edit: bool):
    """An object of a profile, by pk: 403 unless the user belongs to (and, to edit, manages) its organisation."""
    obj = get_object_or_404(model.objects.select_related("profile__organisation"), pk=pk)
    organisation = obj.profile.organisation
    allowed = services.can_edit(request.user, organisation) if edit else services.can_read(request.user, organisation)
    if not allowed:
        raise PermissionDenied
    return obj


def _context(request, profile, section: str, **extra) -> dict:
    return {
        "profile": profile,
        "supplier_organisation": profile.organisation,
        "can_edit": services.can_edit(request.user, profile.organisation),
        "section": section,
        "public_url": services.public_path(profile),
        **extra,
    }


def supplier_profile_page(view):
    """login_required + the active profile as second argument; non-suppliers are sent back."""

    @login_required
    def wrapped(request, *args, **kwargs):
        try:
            profile = _active_profile(request)
        except NoSupplierOrganisation:
            messages.info(
                request,
                _("Le profil fournisseur concerne les organisations déclarées comme fournisseurs. "
                  "Choisissez ou créez une organisation fournisseur."),
            )
            return redirect("accounts:dashboard")
        if request.method == "POST":
            _require_edit(request, profile)
        return view(request, profile, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _apply_error(form, error: SupplierProfileError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


# --- Overview and publication --------------------------------------------------------------------


@supplier_profile_page
def overview(request, profile):
    result = completeness.evaluate(profile)
    return render(
        request,
        "suppliers/profile_edit.html",
        _context(
            request, profile, "overview",
            score=result.score,
            hints=result.hints,
            missing_for_publication=completeness.missing_for_publication(profile),
            skills=profile.skills.all(),
            sites=profile.sites.select_related("commune"),
        ),
    )


@require_POST
@supplier_profile_page
def publish(request, profile):
    try:
        services.publish_profile(request.user, profile)
    except NotAllowed:
        raise PermissionDenied from None
    except SupplierProfileError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Votre profil est publié : les donneurs d'ordre peuvent le trouver."))
    return redirect("suppliers:profile_overview")


@require_POST
@supplier_profile_page
def unpublish(request, profile):
    try:
        services.unpublish_profile(request.user, profile)
    except NotAllowed:
        raise PermissionDenied from None
    messages.success(request, _("Votre profil est retiré de l'annuaire ; vous pouvez le republier à tout moment."))
    return redirect("suppliers:profile_overview")


# --- Single-form sections ------------------------------------------------------------------------


def _profile_form_section(request, profile, form_class, section: str, title: str):
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                services.update_profile(request.user, profile, form.cleaned_data)
            except NotAllowed:
                raise PermissionDenied from None
            except SupplierProfileError as error:
                _apply_error(form, error)
            else:
                messages.success(request, _("Modifications enregistrées."))
                return redirect("suppliers:profile_overview")
    else:
        form = form_class(initial=form_class.initial_for(profile))
    return render(request, "suppliers/profile_edit_form.html", _context(request, profile, section, form=form, title=title))


@supplier_profile_page
def identity(request, profile):
    return _profile_form_section(request, profile, IdentityForm, "identity", _("Présentation et contact"))


@supplier_profile_page
def capabilities(request, profile):
    return _profile_form_section(request, profile, CapabilitiesForm, "capabilities", _("Savoir-faire"))


# --- Certifications ------------------------------------------------------------------------------


def _certifications_page(request, profile, form, editing=None):
    return render(
        request,
        "suppliers/profile_edit_certifications.html",
        _context(
            request, profile, "certifications",
            form=form,
            editing=editing,
            certifications=profile.certifications.select_related("certification_type"),
        ),
    )


def _save_certification(request, profile, certification=None):
    form = CertificationForm(request.POST, request.FILES, instance=certification)
    if form.is_valid():
        values = {**form.cleaned_data}
        try:
            services.save_certification(request.user, profile, values, certification)
        except NotAllowed:
            raise PermissionDenied from None
        except SupplierProfileError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Certification enregistrée."))
            return None, redirect("suppliers:profile_certifications")
    return form, None


@supplier_profile_page
def certifications(request, profile):
    form = CertificationForm()
    if request.method == "POST":
        form, done = _save_certification(request, profile)
        if done:
            return done
    return _certifications_page(request, profile, form)


@login_required
def certification_edit(request, pk):
    certification = _owned_object(request, SupplierCertification, pk, edit=True)
    profile = certification.profile
    form = CertificationForm(instance=certification)
    if request.method == "POST":
        form, done = _save_certification(request, profile, certification)
        if done:
            return done
    return _certifications_page(request, profile, form, editing=certification)


@login_required
@require_POST
def certification_delete(request, pk):
    certification = _owned_object(request, SupplierCertification, pk, edit=True)
    try:
        services.remove_certification(request.user, certification)
    except NotAllowed:
        raise PermissionDenied from None
    messages.success(request, _("Certification retirée."))
    return redirect("suppliers:profile_certifications")


@login_required
def certificate_download(request, pk):
    """The certificate PDF, for members of the organisation only, always as a download, and only
    once scanned clean (a 403 page saying why otherwise)."""
    certification = _owned_object(request, SupplierCertification, pk, edit=False)
    if not certification.certificate_file:
        raise Http404
    refusal = download_refusal(certification)
    if refusal is not None:
        return render(request, "scanning/file_unavailable.html", {"message": refusal.message}, status=403)
    try:
        handle = certification.certificate_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=certification.download_name, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Production sites ----------------------------------------------------------------------------


def _sites_page(request, profile, form, editing=None):
    return render(
        request,
        "suppliers/profile_edit_sites.html",
        _context(request, profile, "sites", form=form, editing=editing, sites=profile.sites.select_related("commune")),
    )


def _save_site(request, profile, site=None):
    form = ProductionSiteForm(request.POST, instance=site, prefix="site")
    if form.is_valid():
        try:
            services.save_site(request.user, profile, form.cleaned_data, site)
        except NotAllowed:
            raise PermissionDenied from None
        except SupplierProfileError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Site de production enregistré."))
            return None, redirect("suppliers:profile_sites")
    return form, None


@supplier_profile_page
def sites(request, profile):
    form = ProductionSiteForm(prefix="site")
    if request.method == "POST":
        form, done = _save_site(request, profile)
        if done:
            return done
    return _sites_page(request, profile, form)


@login_required
def site_edit(request, pk):
    site = _owned_object(request, ProductionSite, pk, edit=True)
    form = ProductionSiteForm(instance=site, prefix="site", initial={"postal_code": site.postal_code, "commune": site.commune})
    if request.method == "POST":
        form, done = _save_site(request, site.profile, site)
        if done:
            return done
    return _sites_page(request, site.profile, form, editing=site)


@login_required
@require_POST
def site_delete(request, pk):
    site = _owned_object(request, ProductionSite, pk, edit=True)
    services.remove_site(request.user, site)
    messages.success(request, _("Site de production retiré."))
    return redirect("suppliers:profile_sites")


# --- Equipment and customer references (add / remove lists) --------------------------------------


def _list_section(request, profile, *, form_class, add, section, template, items):
    form = form_class()
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                add(request.user, profile, form.cleaned_data)
            except NotAllowed:
                raise PermissionDenied from None
            except SupplierProfileError as error:
                _apply_error(form, error)
            else:
                messages.success(request, _("Ajout enregistré."))
                return redirect(f"suppliers:profile_{section}")
    return render(request, template, _context(request, profile, section, form=form, items=items))


@supplier_profile_page
def equipment(request, profile):
    return _list_section(
        request, profile, form_class=EquipmentForm, add=services.add_equipment, section="equipment",
        template="suppliers/profile_edit_equipment.html", items=profile.equipment.all(),
    )


@login_required
@require_POST
def equipment_delete(request, pk):
    item = _owned_object(request, Equipment, pk, edit=True)
    services.remove_equipment(request.user, item)
    messages.success(request, _("Équipement retiré."))
    return redirect("suppliers:profile_equipment")


@supplier_profile_page
def references(request, profile):
    return _list_section(
        request, profile, form_class=CustomerReferenceForm, add=services.add_reference, section="references",
        template="suppliers/profile_edit_references.html", items=profile.references.all(),
    )


@login_required
@require_POST
def reference_delete(request, pk):
    item = _owned_object(request, CustomerReference, pk, edit=True)
    services.remove_reference(request.user, item)
    messages.success(request, _("Référence retirée."))
    return redirect("suppliers:profile_references")


# --- Logo and photos -----------------------------------------------------------------------------


@supplier_profile_page
def media(request, profile):
    logo_form, photo_form = LogoForm(prefix="logo"), PhotoForm(prefix="photo")
    if request.method == "POST":
        if "logo-logo" in request.FILES or request.POST.get("action") == "logo":
            logo_form = LogoForm(request.POST, request.FILES, prefix="logo")
            if logo_form.is_valid():
                try:
                    services.set_logo(request.user, profile, logo_form.cleaned_data["logo"])
                except SupplierProfileError as error:
                    logo_form.add_error("logo", error.message)
                else:
                    messages.success(request, _("Logo enregistré."))
                    return redirect("suppliers:profile_media")
        else:
            photo_form = PhotoForm(request.POST, request.FILES, prefix="photo")
            if photo_form.is_valid():
                try:
                    services.add_photo(
                        request.user, profile, photo_form.cleaned_data["image"], photo_form.cleaned_data["caption"]
                    )
                except SupplierProfileError as error:
                    photo_form.add_error("image", error.message)
                else:
                    messages.success(request, _("Photo ajoutée."))
                    return redirect("suppliers:profile_media")
    return render(
        request,
        "suppliers/profile_edit_media.html",
        _context(
            request, profile, "media",
            logo_form=logo_form, photo_form=photo_form, photos=profile.photos.all(), max_photos=services.MAX_PHOTOS,
        ),
    )


@require_POST
@supplier_profile_page
def logo_delete(request, profile):
    services.remove_logo(request.user, profile)
    messages.success(request, _("Logo retiré."))
    return redirect("suppliers:profile_media")


@login_required
@require_POST
def photo_delete(request, pk):
    photo = _owned_object(request, SupplierPhoto, pk, edit=True)
    services.remove_photo(request.user, photo)
    messages.success(request, _("Photo retirée."))
    return redirect("suppliers:profile_media")
