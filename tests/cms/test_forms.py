"""Contact forms: stored and emailed, with a honeypot and a minimum fill time against spam."""
import time

import pytest
from django.core import mail
from wagtail.contrib.forms.models import FormSubmission

from cms.models import FormField, FormPage
from cms.models.standard import HONEYPOT_FIELD, STARTED_FIELD, form_started_token

from .conftest import add_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(home):
    page = FormPage(
        title="Contact", slug="contact", to_address="equipe@example.test", from_address="site@example.test",
        subject="Nouveau message",
    )
    page.form_fields = [
        FormField(label="Nom", field_type="singleline", required=True),
        FormField(label="Message", field_type="multiline", required=True),
    ]
    return add_page(home, page)


def message(**extra):
    return {"nom": "Alice", "message": "Bonjour", STARTED_FIELD: form_started_token(time.time() - 10), **extra}


def test_form_page_shows_the_fields_and_a_hidden_honeypot(client, contact):
    html = client.get(contact.url).content.decode()

    assert 'name="nom"' in html and 'name="message"' in html
    assert f'name="{HONEYPOT_FIELD}"' in html and 'aria-hidden="true"' in html
    assert f'name="{STARTED_FIELD}"' in html


def test_a_person_submitting_the_form_is_thanked_and_the_team_emailed(client, contact):
    response = client.post(contact.url, message())

    assert response.status_code == 200
    assert "Merci" in response.content.decode()
    submission = FormSubmission.objects.get(page=contact)
    assert submission.get_data()["nom"] == "Alice"
    assert HONEYPOT_FIELD not in submission.form_data and STARTED_FIELD not in submission.form_data
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["equipe@example.test"]
    assert "Bonjour" in mail.outbox[0].body and HONEYPOT_FIELD not in mail.outbox[0].body


def test_form_rejects_a_filled_honeypot(client, contact):
    response = client.post(contact.url, message(**{HONEYPOT_FIELD: "http://spam.example"}))

    assert response.status_code == 200
    assert "n&#x27;a pas pu être envoyé" in response.content.decode()
    assert not FormSubmission.objects.filter(page=contact).exists()
    assert mail.outbox == []


def test_form_rejects_a_submission_faster_than_a_person(client, contact):
    response = client.post(contact.url, message(**{STARTED_FIELD: form_started_token()}))

    assert "trop vite" in response.content.decode()
    assert not FormSubmission.objects.filter(page=contact).exists()


def test_form_rejects_a_forged_start_time(client, contact):
    response = client.post(contact.url, message(**{STARTED_FIELD: "12345"}))

    assert response.status_code == 200
    assert not FormSubmission.objects.filter(page=contact).exists()
