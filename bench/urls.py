"""The application's URLs plus two bare baseline views, for the benchmarks only.

``/bench/bare.json`` and ``/bench/bare.html`` do the least Django can do through the same
middleware stack: they set the floor that the real endpoints are compared with.
"""
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.urls import path

from marketplace import urls as app_urls


def bare_json(request):
    return JsonResponse({"ok": True, "items": [{"id": i, "name": f"Fournisseur {i}"} for i in range(20)]})


def bare_template(request):
    return TemplateResponse(request, "bench/bare.html", {"items": [f"Fournisseur {i}" for i in range(20)]})


urlpatterns = [
    path("bench/bare.json", bare_json),
    path("bench/bare.html", bare_template),
    *app_urls.urlpatterns,
]

handler403 = app_urls.handler403
handler404 = app_urls.handler404
handler500 = app_urls.handler500
