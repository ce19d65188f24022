"""Related cases are cached per case, and any index change makes the cache stale at once."""

import pytest

from tests.factories import CasePageFactory, ConditionFactory, make_clinician
from tests.search.site_fixtures import index_all

pytestmark = pytest.mark.django_db


def test_unpublished_case_leaves_related_cases_at_once(client, django_capture_on_commit_callbacks):
    condition = ConditionFactory(name="Pulmonary embolism")
    shown = CasePageFactory(title="Breathless after a flight", diagnosis=condition)
    other = CasePageFactory(title="Collapse on the ward after hip surgery", diagnosis=condition)
    index_all()
    client.force_login(make_clinician())
    assert b"Collapse on the ward" in client.get(shown.url).content
    with django_capture_on_commit_callbacks(execute=True):
        other.unpublish()
    assert b"Collapse on the ward" not in client.get(shown.url).content
