"""``manage.py cms_setup_editorial_groups``: the editors' group of each filière, the moderators'
group and the moderation workflow (idempotent; see cms.editorial)."""
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from cms.editorial import setup_editorial_groups


class Command(BaseCommand):
    help = "Crée les groupes d'éditeurs par filière, le groupe des modérateurs et le circuit de relecture."

    def handle(self, *args, **options):
        setup = setup_editorial_groups()
        self.stdout.write(
            _("%(groups)d groupes d'éditeurs de filière, groupe « %(moderators)s », circuit « %(workflow)s ».")
            % {
                "groups": len(setup.sector_groups),
                "moderators": setup.moderators.name,
                "workflow": setup.workflow.name,
            }
        )
