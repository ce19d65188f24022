"""Schemathesis against our own OpenAPI schema, through the WSGI app, with an API token.

For every operation, schemathesis generates a bounded number of valid and invalid requests
(half of them with the ids of real rows in the path, so that writes reach the services rather
than stopping at 404) and runs its checks on every response: no 5xx, a documented status,
the declared content type and headers, a body matching its schema, a 4xx for a request that
breaks the schema, and 401 when the token is left out.

One check is left out: that every schema-valid request is accepted. The services refuse
some text the schema cannot describe (blank once trimmed, control characters, a proposal
naming neither a condition nor a diagnosis): those are 400s by design, tested one by one in
the other API tests.

Schemathesis's own pytest plugin (``from_fixture``) does not run on pytest 9.2 (it sets
``Function._nodeid``, which pytest removed), so the test drives its Hypothesis strategies
directly: one test, one database state shared by every operation.
"""

import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance
from wagtail.models import APIToken

from cms.wsgi import application
from discussion import services
from notifications.models import Event
from notifications.services import notify
from tests.factories import ConditionFactory, make_clinician

# About 10-25 s on a shared 2-core machine: more than the fast suite's share.
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

#: Generated requests per operation: enough to find a crash, few enough for CI.
MAX_EXAMPLES = 12


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """The real WSGI handler closes the database connection after each request when it is
    inside a transaction, as every test is; on PostgreSQL that ends the test's transaction.
    Django's own test client holds these receivers off in the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def real_ids(case, author, peer, other_peer) -> dict[str, int]:
    comment = services.add_comment(case, peer, "A thought")
    services.add_comment(case, author, "An answer", parent=comment)
    proposal = services.propose(case, peer, condition=ConditionFactory(), rationale="why")
    services.propose(case, other_peer, free_text="Wellens", rationale="T waves")
    notification = notify([author.pk], Event.COMMENT, actor_id=peer.pk, page_id=case.pk)[0]
    make_clinician()  # someone else
    return {
        "case_id": case.pk,
        "comment_id": comment.pk,
        "proposal_id": proposal.pk,
        "notification_id": notification.pk,
    }


def _strategy(operation, real_ids):
    """Valid and invalid requests; half of each with real ids in the path."""
    names = re.findall(r"{(\w+)}", operation.path)
    fixed = {name: real_ids[name] for name in names}
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        strategies.append(operation.as_strategy(mode))
        if fixed:
            strategies.append(operation.as_strategy(mode, path_parameters=fixed))
    return st.one_of(strategies)


def test_every_response_conforms(case, author, real_ids, wsgi_keeps_the_test_connection):
    # The token belongs to the case's author, a verified clinician: confirming works, voting
    # for a peer's proposal works, editing a peer's comment does not.
    _token, plaintext = APIToken.create_token(user=author, name="schemathesis")
    headers = {"Authorization": f"Bearer {plaintext}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]

    for operation in operations:

        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=_strategy(operation, real_ids))
        def check(case):
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        try:
            check()
        except (Exception, BaseExceptionGroup) as failure:  # schemathesis's is the latter
            failures.append(f"{operation.label}: {failure}")

    assert len(operations) == 20
    assert not failures, "\n\n".join(failures)
