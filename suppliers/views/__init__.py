"""Views of the suppliers app, one module per seam (``profile``: the supplier's own profile editor).

Routes live in ``suppliers/routes/``, which import the module they need.
"""
