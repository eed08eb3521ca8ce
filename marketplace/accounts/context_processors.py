def organisations(request):
    """The active organisation and membership, for the navigation."""
    return {
        "active_organisation": getattr(request, "organisation", None),
        "active_membership": getattr(request, "membership", None),
    }
