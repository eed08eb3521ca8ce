"""htmx endpoint behind the commune select of ``geo.forms.AddressFormMixin``."""
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .forms import commune_choices


@require_GET
def commune_options(request):
    """The ``<option>`` list of the communes a postal code serves (``?postal_code=69100``).

    A form with a prefix sends its input under the prefixed name (``site-postal_code``),
    hence the fallback on any parameter ending in ``postal_code``.
    """
    postal_code = request.GET.get("postal_code")
    if postal_code is None:
        postal_code = next((v for k, v in request.GET.items() if k.endswith("-postal_code")), "")
    choices, selected = commune_choices(postal_code)
    return render(request, "geo/commune_options.html", {"choices": choices, "selected": selected})
