"""Notification kinds of quotes, opening, award and debriefs (see marketplace.notifications.kinds).

Parameters are JSON-serialisable. Sealing rule: a notification to the **buyer** before the quotes
are opened (``quote.received``) carries only ``reference``, ``title``, ``deadline`` and ``count``
— no supplier name, no price, no line. Receipts to the quoting supplier carry its own version
number, submission time and SHA-256 (its proof of deposit), still no price. After the award a
supplier learns its own outcome (and, when it won, its own awarded amount); debriefs are in
``Quote.debrief``, the notification only says one is available.
"""
from django.utils.translation import gettext_lazy as _

from marketplace.notifications.kinds import register

register(
    "quote.submitted",
    title=_("Offre remise : %(title)s"),
    body=_("Votre offre (version %(version)s) pour la consultation %(reference)s a été enregistrée le %(submitted_at)s. "
           "Empreinte SHA-256 : %(sha256)s. Elle reste scellée jusqu'à la date limite (%(deadline)s)."),
)
register(
    "quote.revised",
    title=_("Offre révisée : %(title)s"),
    body=_("La version %(version)s de votre offre pour la consultation %(reference)s a été enregistrée le "
           "%(submitted_at)s. Empreinte SHA-256 : %(sha256)s. Elle remplace la version précédente."),
)
register(
    "quote.withdrawn",
    title=_("Offre retirée : %(title)s"),
    body=_("Votre offre pour la consultation %(reference)s est retirée. Vous pouvez en remettre une nouvelle "
           "avant le %(deadline)s."),
)
register(
    "quote.received",
    title=_("Offre reçue : %(title)s"),
    body=_("Une offre a été remise pour la consultation %(reference)s (%(count)s au total). Les offres restent "
           "scellées jusqu'à la date limite (%(deadline)s)."),
)
register(
    "quote.opened",
    title=_("Offres ouvertes : %(title)s"),
    body=_("Le donneur d'ordre a ouvert les offres de la consultation %(reference)s."),
)
register(
    "quote.awarded",
    title=_("Offre retenue : %(title)s"),
    body=_("%(buyer)s retient votre offre pour la consultation %(reference)s (montant attribué : %(amount)s € HT)."),
)
register(
    "quote.partly_awarded",
    title=_("Offre retenue pour certains lots : %(title)s"),
    body=_("%(buyer)s retient votre offre pour la consultation %(reference)s sur : %(lots)s "
           "(montant attribué : %(amount)s € HT)."),
)
register(
    "quote.unsuccessful",
    title=_("Offre non retenue : %(title)s"),
    body=_("%(buyer)s n'a pas retenu votre offre pour la consultation %(reference)s. Merci de votre participation."),
)
register(
    "rfq.declared_unsuccessful",
    title=_("Consultation infructueuse : %(title)s"),
    body=_("%(buyer)s a déclaré la consultation %(reference)s infructueuse. Motif : %(reason)s"),
)
register(
    "quote.debrief",
    title=_("Retour sur votre offre : %(title)s"),
    body=_("%(buyer)s vous indique le classement de votre offre pour la consultation %(reference)s et l'écart "
           "avec l'offre retenue."),
)
