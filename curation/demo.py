"""Demo curation: featured cases with blurbs, three cases of the week (this week and the
next two), three editors' collections (one a quiz), a personal collection for
``demo-clinician`` shared with a peer, and one peer-reviewed case. Idempotent: what exists
is left as it is. Writes go through Wagtail's revisions and curation's services, so the
audit log, flags, notifications and search are the real thing."""

import datetime
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cases.models import CasePage, Specialty
from cms.models import HomePage
from curation import services
from curation.listings import is_listable
from curation.models import (
    CollectionIndexPage,
    CollectionItem,
    CollectionPage,
    HomeFeaturedCase,
    PeerReview,
    SavedCollection,
    WeeklyCase,
)
from curation.models.featured import monday_of
from media_pipeline.models import MediaItem

DATA = Path(__file__).parent / "demo_data" / "curation.json"


def seed_curation() -> dict[str, int]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    User = get_user_model()
    editor = User.objects.filter(username="demo-editor").first()
    cases = {
        page.external_id: page
        for page in CasePage.objects.filter(external_id__startswith="demo-")
        if is_listable(page)
    }
    with transaction.atomic():
        featured = _featured(data["featured"], cases, editor)
        weekly = _weekly(data["weekly"], cases, editor)
        collections = _collections(data["collections"], cases, editor)
        personal = _personal(data["personal"], cases)
        reviewed = _peer_review(data["peer_reviewed"], cases, editor)
    return {
        "featured cases": featured,
        "cases of the week": weekly,
        "collections": collections,
        "saved collections": personal,
        "peer reviewed": reviewed,
    }


def _featured(specs, cases, editor) -> int:
    home = HomePage.objects.first()
    if home is None or HomeFeaturedCase.objects.filter(home=home).exists():
        return 0
    draft = home.get_latest_revision_as_object()
    entries = [
        HomeFeaturedCase(case=cases[spec["case"]], blurb=spec["blurb"], sort_order=position)
        for position, spec in enumerate(specs)
        if spec["case"] in cases
    ]
    draft.featured_cases = entries
    draft.save_revision(user=editor, log_action=True).publish(user=editor)
    # The publish signal syncs the cases' flags on commit; the demo does it now.
    services.sync_featured(home.pk, editor.pk if editor else None)
    return len(entries)


def _weekly(case_ids, cases, editor) -> int:
    monday = monday_of(timezone.localdate())
    made = 0
    for weeks, external_id in enumerate(case_ids):
        week = monday + datetime.timedelta(weeks=weeks)
        if external_id not in cases or WeeklyCase.objects.filter(week_starting=week).exists():
            continue
        weekly = WeeklyCase.objects.create(
            week_starting=week, case=cases[external_id], scheduled_by=editor
        )
        services.record_weekly_case(weekly, editor)
        made += 1
    return made


def _collections(specs, cases, editor) -> int:
    index = CollectionIndexPage.objects.first()
    if index is None:
        return 0
    made = 0
    for spec in specs:
        if CollectionPage.objects.filter(slug=spec["slug"]).exists():
            continue
        members = [(cases[ext], note) for ext, note in spec["cases"] if ext in cases]
        collection = CollectionPage(
            title=spec["title"],
            slug=spec["slug"],
            intro=spec["intro"],
            quiz=spec["quiz"],
            specialty=Specialty.objects.filter(name=spec["specialty"]).first(),
            owner=editor,
        )
        collection.items = [
            CollectionItem(case=case, note=note, sort_order=position)
            for position, (case, note) in enumerate(members)
        ]
        cover = (
            MediaItem.objects.peer_visible()
            .filter(page_id__in=[case.pk for case, _ in members])
            .order_by("pk")
            .first()
        )
        collection.cover_image = cover
        index.add_child(instance=collection)
        collection.save_revision(user=editor, log_action=True).publish(user=editor)
        made += 1
    return made


def _personal(spec, cases) -> int:
    User = get_user_model()
    owner = User.objects.filter(username=spec["owner"]).first()
    if owner is None:
        return 0
    profile = getattr(owner, "clinician_profile", None)
    if profile is not None and profile.specialty_id is None:
        profile.specialty = Specialty.objects.filter(name=spec["specialty"]).first()
        profile.save(update_fields=["specialty"])
    if SavedCollection.objects.filter(owner=owner, title=spec["title"]).exists():
        return 0
    collection = services.create_saved_collection(owner, spec["title"])
    for external_id in spec["cases"]:
        if external_id in cases:
            services.save_case(collection, cases[external_id], owner)
    if User.objects.filter(username=spec["share_with"]).exists():
        services.share_collection(collection, owner, spec["share_with"])
    return 1


def _peer_review(spec, cases, editor) -> int:
    case = cases.get(spec["case"])
    if case is None or editor is None or PeerReview.objects.filter(page=case).exists():
        return 0
    services.mark_peer_reviewed(
        case, editor, spec["reviewer"], timezone.localdate() - datetime.timedelta(days=3)
    )
    return 1
