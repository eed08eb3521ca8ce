"""Background tasks of the search app (django-tasks)."""
from django_tasks import task


@task()
def index_suppliers(profile_ids: list[int]) -> int:
    """Index the given supplier profiles in every search backend (enqueued on commit by the sync).

    Profiles that are no longer published are removed instead. Returns how many were indexed.
    """
    from .sync import index_profiles

    return index_profiles(profile_ids)
