"""directory routes of the suppliers app (names live in the "suppliers" namespace)."""

urlpatterns: list = []
