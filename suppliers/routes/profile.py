"""profile routes of the suppliers app (names live in the "suppliers" namespace).

The supplier's own profile editor, under /profil-fournisseur/ (English: /en/profil-fournisseur/).
"""
from django.urls import path

from ..views import profile as views

urlpatterns = [
    path("profil-fournisseur/", views.overview, name="profile_overview"),
    path("profil-fournisseur/publier/", views.publish, name="profile_publish"),
    path("profil-fournisseur/depublier/", views.unpublish, name="profile_unpublish"),
    path("profil-fournisseur/presentation/", views.identity, name="profile_identity"),
    path("profil-fournisseur/savoir-faire/", views.capabilities, name="profile_capabilities"),
    path("profil-fournisseur/certifications/", views.certifications, name="profile_certifications"),
    path("profil-fournisseur/certifications/<int:pk>/modifier/", views.certification_edit, name="profile_certification_edit"),
    path("profil-fournisseur/certifications/<int:pk>/supprimer/", views.certification_delete, name="profile_certification_delete"),
    path("profil-fournisseur/certifications/<int:pk>/certificat/", views.certificate_download, name="profile_certificate_download"),
    path("profil-fournisseur/sites/", views.sites, name="profile_sites"),
    path("profil-fournisseur/sites/<int:pk>/modifier/", views.site_edit, name="profile_site_edit"),
    path("profil-fournisseur/sites/<int:pk>/supprimer/", views.site_delete, name="profile_site_delete"),
    path("profil-fournisseur/equipements/", views.equipment, name="profile_equipment"),
    path("profil-fournisseur/equipements/<int:pk>/supprimer/", views.equipment_delete, name="profile_equipment_delete"),
    path("profil-fournisseur/references/", views.references, name="profile_references"),
    path("profil-fournisseur/references/<int:pk>/supprimer/", views.reference_delete, name="profile_reference_delete"),
    path("profil-fournisseur/medias/", views.media, name="profile_media"),
    path("profil-fournisseur/medias/logo/supprimer/", views.logo_delete, name="profile_logo_delete"),
    path("profil-fournisseur/medias/photos/<int:pk>/supprimer/", views.photo_delete, name="profile_photo_delete"),
]
