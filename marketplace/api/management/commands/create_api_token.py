"""``manage.py create_api_token EMAIL [--name NAME]``: create a personal API token for a user.

Prints the token and nothing else, on one line, so that a script can capture it:
``TOKEN=$(./manage.py create_api_token ops@example.fr)``.
"""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from marketplace.api.services import ApiTokenError, create_token

DEFAULT_NAME = "Ligne de commande"


class Command(BaseCommand):
    help = "Crée un jeton d'API personnel pour l'utilisateur EMAIL et l'affiche (une seule fois)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="Adresse e-mail du compte.")
        parser.add_argument("--name", default=DEFAULT_NAME, help=f"Nom du jeton (par défaut : « {DEFAULT_NAME} »).")

    def handle(self, *args, email, name, **options):
        User = get_user_model()
        try:
            user = User.objects.get(email__iexact=email.strip())
        except User.DoesNotExist:
            raise CommandError(_("Aucun compte avec l'adresse e-mail « %(email)s ».") % {"email": email}) from None
        try:
            _token, raw = create_token(user, name, source="command")
        except ApiTokenError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(raw)
