"""Editors' collections: ordered cases with notes for readers; a case unpublished later
disappears for readers while editors are warned; a case twice, an unpublished case or a
cover from elsewhere is refused."""

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from cases.models import CasePage
from curation.models import CollectionIndexPage, CollectionPage
from media_pipeline import approval
from tests.factories import CasePageFactory

pytestmark = pytest.mark.django_db


def collection_form(cases, *, cover=None, instance=None, title="Headaches"):
    data = nested_form_data(
        {
            "title": title,
            "slug": "headaches",
            "intro": "Cases.",
            "specialty": "",
            "cover_image": cover.pk if cover else "",
            "items": inline_formset([{"case": case.pk, "note": ""} for case in cases]),
        }
    )
    instance = instance or CollectionPage()
    form_class = CollectionPage.get_edit_handler().get_form_class()
    return form_class(
        data, instance=instance, parent_page=CollectionIndexPage.objects.get(), for_user=None
    )


def form_errors(form):
    found = [str(e) for errors in form.errors.values() for e in errors]
    for child in form.formsets["items"].forms:
        found += [str(e) for errors in child.errors.values() for e in errors]
    return " ".join(found)


def test_readers_see_the_cases_in_order_with_notes(client, reader, author, collection_of):
    first = CasePageFactory(owner=author, title="First case")
    second = CasePageFactory(owner=author, title="Second case")
    collection = collection_of([second, first], notes={first.pk: "Look at the ECG."})
    client.force_login(reader)

    html = client.get(collection.url).content.decode()

    assert html.index("Second case") < html.index("First case")
    assert "Look at the ECG." in html and "Cases to <strong>know</strong>." in html
    index = client.get("/collections/").content.decode()
    assert collection.title in index and "2 cases" in index


def test_a_case_unpublished_later_disappears_and_editors_are_warned(
    client, reader, editor, author, collection_of
):
    kept = CasePageFactory(owner=author, title="Still here")
    gone = CasePageFactory(owner=author, title="Withdrawn by its author")
    collection = collection_of([kept, gone])
    gone.unpublish()

    client.force_login(reader)
    html = client.get(collection.url).content.decode()
    assert "Still here" in html and "Withdrawn by its author" not in html
    assert "1 case" in client.get("/collections/").content.decode()

    client.force_login(editor)
    html = client.get(collection.url).content.decode()
    assert "no longer published" in html and "Withdrawn by its author" in html
    editor_page = client.get(f"/admin/pages/{collection.pk}/edit/").content.decode()
    assert "no longer published" in editor_page
    dashboard = client.get("/admin/").content.decode()
    assert "Collections with cases readers no longer see: 1" in dashboard


def test_a_case_twice_is_refused(author):
    case = CasePageFactory(owner=author, title="Thunderclap headache")
    form = collection_form([case, case])
    assert not form.is_valid()
    assert "“Thunderclap headache” is already in this collection" in form_errors(form)


def test_an_unpublished_case_cannot_be_added(author):
    draft = CasePageFactory(owner=author, title="Draft headache")
    CasePage.objects.filter(pk=draft.pk).update(live=False)
    form = collection_form([draft])
    assert not form.is_valid()
    assert "only published cases can be added to a collection" in form_errors(form)


def test_the_cover_comes_from_the_collections_cases(author, photo, collection_of):
    inside = CasePageFactory(owner=author)
    outside = CasePageFactory(owner=author)
    inside_image = photo(inside, author).item
    outside_image = photo(outside, author).item
    collection = collection_of([inside])

    good = collection_form([inside], cover=inside_image, instance=collection)
    assert good.is_valid(), form_errors(good)
    bad = collection_form([inside], cover=outside_image, instance=collection)
    assert not bad.is_valid()
    assert "cover_image" in bad.errors


def test_cover_and_card_images_come_only_from_peer_visible_media(
    client, reader, editor, author, photo, collection_of, django_capture_on_commit_callbacks
):
    case = CasePageFactory(owner=author)
    image = photo(case, author)
    collection = collection_of([case], cover_image=image.item)
    client.force_login(reader)
    assert f"/media/file/{image.pk}/thumbnail/" in client.get("/collections/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        approval.withdraw_item(image.item, editor, "A name in the corner")
    html = (
        client.get("/collections/").content.decode() + client.get(collection.url).content.decode()
    )
    assert f"/media/file/{image.pk}/" not in html


def test_a_restriction_on_an_ancestor_still_applies(client, reader, author, collection_of):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    collection = collection_of([CasePageFactory(owner=author)])
    restriction = PageViewRestriction.objects.create(
        page=CollectionIndexPage.objects.get(), restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Teaching faculty"))
    client.force_login(reader)

    for url in ("/collections/", collection.url, f"{collection.url}quiz/"):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"], url
