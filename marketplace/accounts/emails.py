"""Emails about organisations: invitations and join requests.

Called from ``transaction.on_commit`` by the services, never inside a transaction: a
rolled-back change must not have told anybody anything.
"""
from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Invitation, JoinRequest, Membership


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(template: str, recipients: list[str], context: dict) -> None:
    if not recipients:
        return
    context = {"site_name": settings.WAGTAIL_SITE_NAME, **context}
    subject = render_to_string(f"accounts/email/{template}_subject.txt", context)
    body = render_to_string(f"accounts/email/{template}_message.txt", context)
    # A newline in a subject would be a header injection; templates end with one.
    subject = " ".join(subject.split())
    send_mail(f"[{settings.WAGTAIL_SITE_NAME}] {subject}", body, None, recipients)


def send_invitation(invitation: Invitation) -> None:
    _send(
        "invitation",
        [invitation.email],
        {
            "invitation": invitation,
            "organisation": invitation.organisation,
            "inviter": invitation.invited_by,
            "accept_url": absolute_url(invitation.get_absolute_url()),
        },
    )


def send_join_request_received(join_request: JoinRequest) -> None:
    organisation = join_request.organisation
    managers = organisation.memberships.filter(
        role__in=[Membership.Role.OWNER, Membership.Role.ADMIN]
    ).select_related("user")
    _send(
        "join_request_received",
        [m.user.email for m in managers],
        {
            "join_request": join_request,
            "organisation": organisation,
            "members_url": absolute_url(reverse("accounts:members", kwargs={"slug": organisation.slug})),
        },
    )


def send_join_request_decided(join_request: JoinRequest) -> None:
    _send(
        "join_request_decided",
        [join_request.user.email],
        {
            "join_request": join_request,
            "organisation": join_request.organisation,
            "approved": join_request.status == JoinRequest.Status.APPROVED,
            "dashboard_url": absolute_url(reverse("accounts:dashboard")),
        },
    )
