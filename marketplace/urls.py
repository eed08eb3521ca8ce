from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import views as cms_views
from marketplace import views
from marketplace.api.api import api
from marketplace.billing.webhooks import stripe_webhook

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", cms_views.robots_txt, name="robots_txt"),
    path("sitemap.xml", cms_views.sitemap, name="sitemap"),
    path("api/", api.urls),
    path("stripe/webhook/", stripe_webhook, name="stripe_webhook"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Both admins log in through allauth, which applies MFA and rate limits.
    path("django-admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("django-admin/", admin.site.urls),
    path("cms-admin/login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("cms-admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("", include("marketplace.accounts.urls")),
    path("", include("marketplace.api.urls")),
    path("", include("marketplace.geo.urls")),
    path("", include("marketplace.billing.urls")),
    path("", include("suppliers.urls")),
    path("", include("search.urls")),
    path("", include("rfq.urls")),
    path("", include("marketplace.notifications.urls")),
    path("", include("cms.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns

handler403 = "marketplace.views.error_403"
handler404 = "marketplace.views.error_404"
handler500 = "marketplace.views.error_500"
