"""Placeholder views; replaced by the organisations work."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from .models import Invitation, Organisation


@login_required
def dashboard(request):
    return render(request, "accounts/dashboard.html")


@login_required
def organisation_start(request):
    return render(request, "accounts/organisation_start.html")


def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    return render(request, "accounts/organisation_detail.html", {"organisation": organisation})


def invitation_accept(request, token):
    invitation = get_object_or_404(Invitation, token=token)
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation})
