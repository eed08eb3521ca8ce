"""Editorial groups and the moderation workflow.

* One group per filière, « Éditeurs — <filière> »: may reach the admin, add and edit pages
  (never publish) in the subtree of that filière's pages (every language), and use images.
* « Modérateurs »: may add, edit and publish every page, and approve the moderation task.
* One workflow, « Relecture éditoriale », on each home page: an editor's « Soumettre à la
  modération » starts it; a moderator approves (the page is published, or scheduled if it has a
  go-live date) or asks for changes.

``setup_editorial_groups()`` is idempotent: run it again after adding a filière page.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from .models import HomePage, SectorPage

MODERATORS_GROUP = "Modérateurs"
SECTOR_EDITORS_GROUP = "Éditeurs — {}"
WORKFLOW_NAME = "Relecture éditoriale"
TASK_NAME = "Validation par les modérateurs"

EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page")
MODERATOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
IMAGE_PERMISSIONS = ("add_image", "choose_image")


@dataclass
class EditorialSetup:
    moderators: Group
    sector_groups: dict[int, Group]  # by sector id
    workflow: Workflow


def sector_editors_group_name(sector) -> str:
    return SECTOR_EDITORS_GROUP.format(sector.name)[:150]


def _page_permission(codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)


def _grant_admin_and_images(group: Group) -> None:
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    root_collection = Collection.get_first_root_node()
    if root_collection is not None:
        for codename in IMAGE_PERMISSIONS:
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=root_collection,
                permission=Permission.objects.get(content_type__app_label="wagtailimages", codename=codename),
            )


def _grant_pages(group: Group, page: Page, codenames) -> None:
    for codename in codenames:
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=_page_permission(codename))


@transaction.atomic
def setup_editorial_groups() -> EditorialSetup:
    moderators, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    _grant_admin_and_images(moderators)
    homes = list(HomePage.objects.all())
    for home in homes:
        _grant_pages(moderators, home, MODERATOR_PAGE_PERMISSIONS)

    sector_groups: dict[int, Group] = {}
    for sector_page in SectorPage.objects.select_related("sector").order_by("path"):
        group = sector_groups.get(sector_page.sector_id)
        if group is None:
            group, _ = Group.objects.get_or_create(name=sector_editors_group_name(sector_page.sector))
            _grant_admin_and_images(group)
            sector_groups[sector_page.sector_id] = group
        _grant_pages(group, sector_page, EDITOR_PAGE_PERMISSIONS)

    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(moderators)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    for home in homes:
        WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    return EditorialSetup(moderators=moderators, sector_groups=sector_groups, workflow=workflow)
