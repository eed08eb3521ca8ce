from django.urls import path

from . import views

app_name = "geo"

urlpatterns = [
    path("communes/options/", views.commune_options, name="commune_options"),
]
