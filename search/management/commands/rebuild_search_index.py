from django.core.management.base import BaseCommand, CommandError

from search import services
from search.client import SearchError


class Command(BaseCommand):
    help = (
        "Rebuild the search index from the published cases: on Elasticsearch/OpenSearch into "
        "a new index swapped in atomically, on the database in place (an interrupted rebuild "
        "resumes where it stopped when run again). Searches keep working throughout."
    )

    def handle(self, *args, **options):
        try:
            count = services.rebuild_index()
        except SearchError as error:
            raise CommandError(
                f"Rebuild failed ({type(error).__name__}); the old index stays."
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Rebuilt the search index with {count} cases."))
