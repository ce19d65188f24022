"""The base of every API view: one authentication, one access rule, JSON in and out."""

from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from .authentication import APITokenAuthentication
from .errors import exception_handler
from .permissions import CanViewCases


class ApiView(APIView):
    """Token or session (with CSRF on unsafe methods); verified clinicians, editors and
    moderators unless a view says otherwise; JSON bodies only; JSON errors.

    Set here rather than in ``REST_FRAMEWORK`` so that Wagtail's own admin API keeps its
    defaults.
    """

    authentication_classes = [APITokenAuthentication, SessionAuthentication]
    permission_classes = [CanViewCases]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]

    def get_exception_handler(self):
        return exception_handler

    def validated(self, serializer_class, **kwargs) -> dict:
        """The request body checked by ``serializer_class`` (400 with field errors)."""
        serializer = serializer_class(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data
