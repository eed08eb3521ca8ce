"""Storage for confidential files (drawings, quotes, certificates).

They live under ``PRIVATE_MEDIA_ROOT``, outside ``MEDIA_ROOT`` and any publicly served path, and
have no URL: only views that check permissions stream them.
"""
from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    def __init__(self, **kwargs):
        kwargs.setdefault("location", settings.PRIVATE_MEDIA_ROOT)
        kwargs.setdefault("base_url", None)
        super().__init__(**kwargs)

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a permission-checked view.")


def private_storage() -> PrivateStorage:
    """Callable for ``FileField(storage=...)`` so migrations do not freeze the path."""
    return PrivateStorage()
