"""Editorial permissions: a filière's editors edit only its subtree; moderators publish."""
import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import WorkflowState

from cms.editorial import MODERATORS_GROUP, sector_editors_group_name, setup_editorial_groups
from cms.models import ArticlePage, SectorPage
from tests.factories import UserFactory

from .conftest import login_to_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def sector_pages(make_sector_page, sector_a, sector_b):
    return make_sector_page(sector_a), make_sector_page(sector_b)


@pytest.fixture
def setup(sector_pages):
    return setup_editorial_groups()


@pytest.fixture
def editor_a(setup, sector_a):
    user = UserFactory()
    user.groups.add(setup.sector_groups[sector_a.pk])
    return user


@pytest.fixture
def moderator(setup):
    user = UserFactory()
    user.groups.add(setup.moderators)
    return user


def test_setup_creates_one_editor_group_per_sector_page_and_is_idempotent(sector_pages, sector_a, sector_b):
    call_command("cms_setup_editorial_groups", stdout=open("/dev/null", "w"))
    call_command("cms_setup_editorial_groups", stdout=open("/dev/null", "w"))

    from django.contrib.auth.models import Group

    for sector in (sector_a, sector_b):
        group = Group.objects.get(name=sector_editors_group_name(sector))
        assert group.page_permissions.count() == 2  # add and change on the one sector page
    assert Group.objects.filter(name=MODERATORS_GROUP).count() == 1


def test_editor_of_a_sector_can_edit_its_page_but_not_another_sectors_page(client, editor_a, sector_pages):
    page_a, page_b = sector_pages
    login_to_admin(client, editor_a)

    assert client.get(reverse("wagtailadmin_pages:edit", args=[page_a.pk])).status_code == 200
    edit_b = reverse("wagtailadmin_pages:edit", args=[page_b.pk])
    # Wagtail answers a refused admin page with 403 to scripts, and sends people back to the
    # admin home with an error message.
    assert client.get(edit_b, headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403
    response = client.get(edit_b, follow=True)
    assert response.redirect_chain == [("/cms-admin/", 302)]
    assert any(message.level_tag == "error" for message in response.context["messages"])
    post = client.post(edit_b, {"title": "Pris en main", "slug": page_b.slug})
    assert post.status_code == 302 and SectorPage.objects.get(pk=page_b.pk).title != "Pris en main"


def test_editor_may_write_articles_under_the_sector_page_but_not_publish(editor_a, sector_pages):
    page_a, page_b = sector_pages

    permissions = page_a.permissions_for_user(editor_a)
    assert permissions.can_add_subpage() and permissions.can_edit()
    assert not permissions.can_publish()
    assert not page_b.permissions_for_user(editor_a).can_add_subpage()


def test_moderator_publishes_a_page_an_editor_submitted(client, editor_a, moderator, sector_pages):
    page_a, _page_b = sector_pages
    page = SectorPage.objects.get(pk=page_a.pk)
    page.intro = "Texte relu par la modération."
    page.save_revision(user=editor_a)
    workflow_state = page.get_workflow().start(page, editor_a)
    assert SectorPage.objects.get(pk=page.pk).intro != "Texte relu par la modération."
    login_to_admin(client, moderator)

    task_state = workflow_state.current_task_state
    response = client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]), {"comment": ""}
    )

    assert response.status_code in (200, 302)
    workflow_state.refresh_from_db()
    assert workflow_state.status == WorkflowState.STATUS_APPROVED
    page = SectorPage.objects.get(pk=page.pk)
    assert page.live and page.intro == "Texte relu par la modération."
    assert "Texte relu par la modération." in client.get(page.url).content.decode()


def test_an_article_written_under_a_sector_page_goes_through_moderation(editor_a, sector_pages):
    page_a, _ = sector_pages
    article = ArticlePage(title="Nouvelle de la filière", intro="Chapeau.", live=False)
    page_a.add_child(instance=article)
    article.save_revision(user=editor_a)

    assert article.get_workflow().name == setup_editorial_groups().workflow.name
