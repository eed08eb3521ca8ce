"""Notification kinds of the RFQ life cycle (see marketplace.notifications.kinds).

Parameters are JSON-serialisable and never contain quote contents: ``reference``, ``title``,
``buyer`` (organisation name), ``deadline`` (Europe/Paris, formatted), ``count``, ``reason``,
``supplier`` (only in notifications to the buyer).
"""
from django.utils.translation import gettext_lazy as _

from marketplace.notifications.kinds import register

register(
    "rfq.published_invited",
    title=_("Invitation à consulter : %(title)s"),
    body=_("%(buyer)s vous invite à répondre à la consultation %(reference)s. Date limite des offres : %(deadline)s."),
)
register(
    "rfq.changed",
    title=_("Consultation modifiée : %(title)s"),
    body=_("La consultation %(reference)s a changé (révision %(revision)s). Vérifiez le dossier et reconfirmez votre offre."),
)
register(
    "rfq.deadline_extended",
    title=_("Date limite repoussée : %(title)s"),
    body=_("La date limite de remise des offres de la consultation %(reference)s est désormais le %(deadline)s."),
)
register(
    "rfq.closed_buyer",
    title=_("Consultation clôturée : %(title)s"),
    body=_("La consultation %(reference)s est clôturée. Offres reçues : %(count)s."),
)
register(
    "rfq.closed_supplier",
    title=_("Consultation clôturée : %(title)s"),
    body=_("La consultation %(reference)s est clôturée : le donneur d'ordre va ouvrir les offres."),
)
register(
    "rfq.cancelled",
    title=_("Consultation annulée : %(title)s"),
    body=_("La consultation %(reference)s a été annulée. Motif : %(reason)s"),
)
register(
    "rfq.invitation_declined",
    title=_("Invitation déclinée : %(title)s"),
    body=_("%(supplier)s ne répondra pas à la consultation %(reference)s. Motif : %(reason)s"),
)
register(
    "rfq.question_asked",
    title=_("Nouvelle question : %(title)s"),
    body=_("Un fournisseur a posé une question sur la consultation %(reference)s."),
)
register(
    "rfq.question_answered",
    title=_("Nouvelle réponse : %(title)s"),
    body=_("Le donneur d'ordre a répondu à une question sur la consultation %(reference)s."),
)
