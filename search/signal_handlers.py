"""Keep the index in line with the cases. Every receiver only schedules work on commit, so a
rolled-back change is never indexed; the work runs ``robust``ly (an error is logged, never
raised into the request that published), and a failing engine never fails the change."""

from ops.commit import run_after_commit
from search import services


def case_published(sender, instance, **kwargs) -> None:
    from search import alerts

    run_after_commit(services.enqueue_index, instance.pk)
    run_after_commit(alerts.queue_case, instance.pk)


def case_unpublished(sender, instance, **kwargs) -> None:
    run_after_commit(services.enqueue_index, instance.pk)


def case_deleted(sender, instance, **kwargs) -> None:
    run_after_commit(services.enqueue_delete, instance.pk)


def page_moved(sender, instance, **kwargs) -> None:
    """A moved page changes the URL of its cases, and may move them under a restriction."""
    _reconcile_cases_under(instance)


def view_restriction_changed(sender, instance, **kwargs) -> None:
    """A restriction added, changed or removed: recheck the page and its descendant cases
    (``enqueue_index`` removes a case that is no longer public)."""
    from wagtail.models import Page

    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:  # else the page is being deleted: case_deleted handles its cases
        _reconcile_cases_under(page)


def _reconcile_cases_under(page) -> None:
    from cases.models import CasePage

    ids = list(CasePage.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True))
    run_after_commit(services.enqueue_many, ids, "index")


def condition_changed(sender, instance, **kwargs) -> None:
    """A renamed condition, or new synonyms: reindex every live case that names it."""
    from cases.models import CasePage
    from search.site import forget_synonyms

    forget_synonyms()
    if kwargs.get("created"):
        return
    cases = CasePage.objects.live().filter(diagnosis=instance)
    by_differential = CasePage.objects.live().filter(differentials__condition=instance)
    ids = {*cases.values_list("pk", flat=True), *by_differential.values_list("pk", flat=True)}
    run_after_commit(services.enqueue_many, sorted(ids), "index")


def condition_deleted(sender, instance, **kwargs) -> None:
    from search.site import forget_synonyms

    forget_synonyms()


def media_changed(sender, page_id, **kwargs) -> None:
    run_after_commit(services.enqueue_index, page_id)


def migrated(sender, using="default", **kwargs) -> None:
    """After ``migrate``: the database backend's full-text index exists and holds every case
    (created and filled here on a new or upgraded installation, or when it went missing)."""
    from search.services import ensure_database_index

    if using == "default":
        loaded = ensure_database_index()
        if loaded is not None and kwargs.get("verbosity", 1):
            print(f"  Search: indexed {loaded} cases in the database.")  # noqa: T201
