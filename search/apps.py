from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "casebook_search"
    verbose_name = "Peer search"

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save
        from wagtail.models import PageViewRestriction
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from cases.models import CasePage, Condition, Specialty
        from search import signal_handlers as handlers

        uid = "casebook_search."
        page_published.connect(handlers.case_published, CasePage, dispatch_uid=uid + "published")
        page_unpublished.connect(
            handlers.case_unpublished, CasePage, dispatch_uid=uid + "unpublished"
        )
        post_delete.connect(handlers.case_deleted, CasePage, dispatch_uid=uid + "deleted")
        post_page_move.connect(handlers.page_moved, dispatch_uid=uid + "moved")
        for signal in (post_save, post_delete):
            signal.connect(
                handlers.view_restriction_changed,
                PageViewRestriction,
                dispatch_uid=f"{uid}restriction_{signal is post_save}",
            )
        post_save.connect(handlers.condition_changed, Condition, dispatch_uid=uid + "condition")
        post_delete.connect(
            handlers.condition_deleted, Condition, dispatch_uid=uid + "condition_deleted"
        )
        for signal in (post_save, post_delete):  # specialty names are recognised in queries
            signal.connect(
                handlers.condition_deleted,
                Specialty,
                dispatch_uid=f"{uid}specialty_{signal is post_save}",
            )
        from media_pipeline.signals import media_changed

        media_changed.connect(handlers.media_changed, dispatch_uid=uid + "media_changed")
        post_migrate.connect(handlers.migrated, sender=self, dispatch_uid=uid + "migrated")
