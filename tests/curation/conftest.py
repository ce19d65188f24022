"""Fixtures for curation: an editor, clinicians, published cases, images peers may see, and
collections built the way editors build them (a published page revision)."""

import pytest

from cases.models.choices import CaseMode
from curation.models import CollectionIndexPage, CollectionItem, CollectionPage
from media_pipeline import approval
from media_pipeline.models import MediaInstance, MediaItem, MediaKind, MediaStatus
from media_pipeline.storage import MediaWriter, new_token
from tests.factories import CasePageFactory, SpecialtyFactory, make_clinician, make_editor


@pytest.fixture
def editor(db):
    return make_editor(username="editor-eve")


@pytest.fixture
def author(db):
    return make_clinician(display_name="Dr Author")


@pytest.fixture
def reader(db):
    return make_clinician(display_name="Dr Reader", specialty=SpecialtyFactory(name="Cardiology"))


@pytest.fixture
def case(author):
    return CasePageFactory(owner=author, title="Aortic dissection in a smoker")


@pytest.fixture
def opinion_case(author):
    return CasePageFactory(owner=author, case_mode=CaseMode.OPINION)


def add_photo(page, author, *, caption="", status=MediaStatus.READY, publish=True):
    """A photo of ``page`` with tiny stored renditions; published (peer-visible) unless not."""
    writer = MediaWriter(f"cases/{new_token()}")
    item = MediaItem.objects.create(page=page, kind=MediaKind.PHOTO, status=status)
    instance = MediaInstance.objects.create(
        item=item,
        source_key=writer.save(b"\xff\xd8 not really a jpeg", ".jpg"),
        source_content_type="image/jpeg",
        preview_key=writer.save(b"RIFF preview", ".webp"),
        thumbnail_key=writer.save(b"RIFF thumbnail", ".webp"),
    )
    approval.add_to_draft(page.pk, [item], author)
    page.refresh_from_db()
    if caption:
        draft = page.get_latest_revision_as_object()
        for link in draft.media.all():
            if link.item_id == item.pk:
                link.caption = caption
        draft.save_revision(user=author, clean=False)
    if publish:
        page.refresh_from_db()
        page.get_latest_revision().publish()
        page.refresh_from_db()
    return instance


@pytest.fixture
def photo():
    return add_photo


def make_collection(cases, *, title="Chest pain essentials", quiz=False, notes=None, **fields):
    """A published editors' collection of ``cases`` in this order."""
    collection = CollectionPage(title=title, intro="Cases to **know**.", quiz=quiz, **fields)
    notes = notes or {}
    collection.items = [
        CollectionItem(case=case, note=notes.get(case.pk, ""), sort_order=position)
        for position, case in enumerate(cases)
    ]
    CollectionIndexPage.objects.get().add_child(instance=collection)
    collection.save_revision().publish()
    return collection


@pytest.fixture
def collection_of():
    return make_collection
