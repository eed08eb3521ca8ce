"""Where each page type may be created: the rules declared on the page models."""
import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page

from cms.models import (
    ArticleIndexPage,
    ArticlePage,
    ClusterIndexPage,
    ClusterPage,
    FormPage,
    HomePage,
    SectorIndexPage,
    SectorPage,
    StandardPage,
)

from .conftest import add_page

pytestmark = pytest.mark.django_db


def test_home_accepts_the_section_indexes_and_plain_pages(home):
    for page_type in (SectorIndexPage, ArticleIndexPage, ClusterIndexPage, StandardPage, FormPage):
        assert page_type.can_create_at(home), page_type
    for page_type in (SectorPage, ArticlePage, ClusterPage, HomePage):
        assert not page_type.can_create_at(home), page_type


def test_a_second_home_cannot_be_created_under_the_root(home):
    assert not HomePage.can_create_at(Page.get_first_root_node())


def test_only_one_sector_index_per_home(sector_index, home):
    assert not SectorIndexPage.can_create_at(home)


def test_sector_pages_live_only_under_the_sector_index(sector_index, make_sector_page, sector_a):
    assert SectorPage.can_create_at(sector_index)
    sector_page = make_sector_page(sector_a)
    assert not SectorPage.can_create_at(sector_page)
    assert not StandardPage.can_create_at(sector_page)


def test_articles_live_under_the_news_index_or_a_sector_page(article_index, make_sector_page, sector_a, home):
    assert ArticlePage.can_create_at(article_index)
    assert ArticlePage.can_create_at(make_sector_page(sector_a))
    assert not ArticlePage.can_create_at(home)


def test_articles_and_cluster_pages_have_no_children(make_article, home):
    article = make_article("Une actualité")
    cluster_index = add_page(home, ClusterIndexPage(title="Clusters", slug="clusters-et-poles"))
    assert ClusterPage.can_create_at(cluster_index)
    for page_type in (ArticlePage, StandardPage, FormPage, SectorPage):
        assert not page_type.can_create_at(article)


def test_forms_go_under_home_or_plain_pages_only(home, sector_index):
    standard = add_page(home, StandardPage(title="À propos", slug="a-propos"))
    assert FormPage.can_create_at(standard)
    assert StandardPage.can_create_at(standard)
    assert not FormPage.can_create_at(sector_index)


def test_a_sector_has_one_page_per_language(make_sector_page, sector_a, sector_index):
    make_sector_page(sector_a)
    duplicate = SectorPage(title="Doublon", slug="doublon", sector=sector_a, locale=sector_index.locale)

    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()

    assert "sector" in error.value.message_dict


def test_the_english_translation_of_a_sector_page_is_allowed(make_sector_page, sector_a, english, home, sector_index):
    home.copy_for_translation(english)
    sector_index.copy_for_translation(english)
    page = make_sector_page(sector_a)

    translation = page.copy_for_translation(english)

    assert translation.sector == sector_a
    translation.full_clean()  # no duplicate: another language
