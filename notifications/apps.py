from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.signals import workflow_approved, workflow_rejected

        from accounts.signals import verification_decided
        from notifications import signal_handlers as handlers

        uid = "notifications."
        workflow_approved.connect(handlers.workflow_approved, dispatch_uid=uid + "approved")
        workflow_rejected.connect(handlers.workflow_rejected, dispatch_uid=uid + "rejected")
        verification_decided.connect(
            handlers.verification_decided, dispatch_uid=uid + "verification"
        )
