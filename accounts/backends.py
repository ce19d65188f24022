"""Authentication backend: allauth's, loading the user's clinician profile with the user."""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model


class CasebookAuthenticationBackend(AuthenticationBackend):
    def get_user(self, user_id):
        # Every page asks whether the user is a verified clinician: one query, not two.
        user = (
            get_user_model()
            ._default_manager.select_related("clinician_profile")
            .filter(pk=user_id)
            .first()
        )
        return user if user and self.user_can_authenticate(user) else None
