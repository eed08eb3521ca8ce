"""Rich text written by suppliers is reduced to a safe subset before it is stored."""
import pytest

from suppliers import services
from suppliers.sanitize import clean_rich_text
from tests.factories import MembershipFactory
from tests.suppliers.factories import SupplierProfileFactory


def test_scripts_and_styles_disappear_with_their_content():
    cleaned = clean_rich_text("<p>Bonjour<script>alert('x')</script><style>p{color:red}</style></p>")
    assert cleaned == "<p>Bonjour</p>"


def test_event_handler_attributes_are_stripped():
    cleaned = clean_rich_text('<p onclick="steal()">Texte <img src=x onerror="alert(1)"></p>')
    assert "onclick" not in cleaned and "onerror" not in cleaned and "<img" not in cleaned
    assert "Texte" in cleaned


def test_javascript_links_lose_their_href_and_safe_links_get_nofollow():
    cleaned = clean_rich_text(
        '<a href="javascript:alert(1)">piège</a> <a href="https://exemple.fr" target="_blank">site</a>'
    )
    assert "javascript:" not in cleaned
    assert '<a href="https://exemple.fr" rel="nofollow noopener">site</a>' in cleaned
    assert "target" not in cleaned


def test_mailto_links_are_kept_and_relative_links_are_not():
    assert 'href="mailto:contact@exemple.fr"' in clean_rich_text('<a href="mailto:contact@exemple.fr">écrire</a>')
    assert "href" not in clean_rich_text('<a href="/django-admin/">admin</a>')


def test_allowed_tags_are_kept():
    html = "<h3>Titre</h3><h4>Sous-titre</h4><p><strong>gras</strong> <em>italique</em><br>ligne</p><ul><li>a</li></ul><ol><li>b</li></ol>"
    assert clean_rich_text(html) == html


def test_other_tags_are_unwrapped_keeping_their_text():
    assert clean_rich_text("<h1>Grand</h1><div><span>texte</span></div>") == "Grandtexte"


def test_plain_text_becomes_paragraphs_with_escaped_characters():
    assert clean_rich_text("Ligne 1\nLigne 2\n\nMoins de 5 < 6 & co") == (
        "<p>Ligne 1<br>Ligne 2</p><p>Moins de 5 &lt; 6 &amp; co</p>"
    )


@pytest.mark.django_db
def test_the_service_stores_sanitised_presentations_in_both_languages():
    profile = SupplierProfileFactory()
    owner = MembershipFactory(organisation=profile.organisation).user
    services.update_profile(
        owner, profile,
        {"presentation": "<p>Nous<script>x()</script></p>", "presentation_en": '<p onmouseover="x()">We</p>'},
    )
    profile.refresh_from_db()
    assert profile.presentation == "<p>Nous</p>"
    assert profile.presentation_en == "<p>We</p>"
