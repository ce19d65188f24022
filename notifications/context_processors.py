def unread_notifications(request):
    """The bell's count, for signed-in users (one COUNT query per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        return user.notifications.unread().visible().count()

    return {"unread_notifications": count}
