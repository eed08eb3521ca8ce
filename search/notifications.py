"""Notification kinds of saved-search alerts (see marketplace.notifications.kinds); imported by
:meth:`search.apps.SearchConfig.ready`."""
from django.utils.translation import gettext_lazy as _

from marketplace.notifications.kinds import register

#: A Pro supplier is told at once about a published RFQ that matches its profile or alerts.
#: Params: reference, title, summary (public summary only, even for a confidential RFQ), reason.
RFQ_ALERT = register(
    "search.rfq_alert",
    title=_("Nouvelle consultation pour vous : %(title)s"),
    body=_("%(reference)s — %(summary)s\nPourquoi : %(reason)s"),
)

#: The daily digest of a free supplier's matching RFQs. Params: count, rfqs (one line each).
RFQ_DIGEST = register(
    "search.rfq_digest",
    title=_("%(count)s nouvelle(s) consultation(s) pour vous"),
    body=_("Consultations publiées qui correspondent à votre profil ou à vos alertes :\n%(rfqs)s"),
)
