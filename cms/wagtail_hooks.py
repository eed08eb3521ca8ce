"""Wagtail admin hooks of the editorial site."""
from wagtail import hooks

from .choosers import supplier_chooser_viewset


@hooks.register("register_admin_viewset")
def register_supplier_chooser():
    return supplier_chooser_viewset
