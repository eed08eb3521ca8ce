"""The inbox: the signed-in user's notifications, newest first, in the reader's language.

Opening a notification marks it read and follows its link — only when the link is a path of this
site: a stored URL is data, and following an absolute one would make the inbox an open redirect.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils import translation
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from . import services
from .models import Notification

PAGE_SIZE = 30


@login_required
def inbox(request):
    rows = Notification.objects.filter(recipient=request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "notifications": page.object_list})


@login_required
@require_POST
def mark_all_read(request):
    services.mark_read(request.user)
    return redirect("notifications:inbox")


@login_required
def open_notification(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(request.user, [notification.pk])
    if is_local_path(notification.url):
        # Stored links are paths in the default language: resolve them there, then reverse them in
        # the reader's language so that an English reader stays in English.
        language = get_language()
        with translation.override(settings.LANGUAGE_CODE):
            return redirect(translate_url(notification.url, language))
    return redirect("notifications:inbox")


def is_local_path(url: str) -> bool:
    """``/a/path`` on this site; not ``//host``, ``/\\host``, a scheme, or anything with a host."""
    if not url or not url.startswith("/") or url.startswith(("//", "/\\")):
        return False
    return url_has_allowed_host_and_scheme(url, allowed_hosts=set(), require_https=False)
