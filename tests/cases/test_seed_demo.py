"""The demo seed: counts the issue asks for, and idempotence."""

import pytest
from django.core.management import call_command

from accounts.models import User
from cases.models import BodySystem, CasePage, Condition, Specialty

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_seed_demo_twice(client, settings):
    settings.CASEBOOK_DEMO_PASSWORD = "a-demo-password-for-tests"
    call_command("seed_demo")
    counts = (CasePage.objects.count(), Condition.objects.count(), User.objects.count())
    call_command("seed_demo")
    assert (CasePage.objects.count(), Condition.objects.count(), User.objects.count()) == counts
    assert Specialty.objects.count() >= 20
    assert BodySystem.objects.count() >= 15
    assert Condition.objects.count() >= 150
    assert Condition.objects.exclude(synonyms="").count() >= 150
    assert CasePage.objects.live().count() >= 30
    assert CasePage.objects.live().values("specialty").distinct().count() >= 10
    assert client.login(username="demo-clinician", password="a-demo-password-for-tests")
    assert client.get("/cases/").status_code == 200
    client.logout()
    assert client.login(username="demo-pending", password="a-demo-password-for-tests")
    assert client.get("/cases/").status_code == 403
