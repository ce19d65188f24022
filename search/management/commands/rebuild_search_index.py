from django.core.management.base import BaseCommand, CommandError

from search import services
from search.client import SearchError


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the published cases into a new index and swap the "
        "alias to it atomically (searches keep working). Nothing to do on the database backend."
    )

    def handle(self, *args, **options):
        try:
            count = services.rebuild_index()
        except SearchError as error:
            raise CommandError(
                f"Rebuild failed ({type(error).__name__}); the old index stays."
            ) from None
        if count is None:
            self.stdout.write(
                "Search runs on the database (ELASTICSEARCH_URL is not set): nothing to rebuild."
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Rebuilt the search index with {count} cases."))
