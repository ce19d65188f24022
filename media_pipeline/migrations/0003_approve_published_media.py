"""Media that peers could already see stays visible under the new review rule.

Before this rule, every ready item of a live case was shown to peers. Those items were
published before media went through review, so they count as approved: each live case gets
its items as published ``CaseMedia`` rows. Every case's latest (and live) revision gets the
same list, so that the next edit keeps them; items of a draft case join its latest revision
only, to be approved with its publication.
"""

from django.db import migrations


def _links(page, items, rows_by_item):
    return [
        {
            "pk": rows_by_item[item.pk].pk if item.pk in rows_by_item else None,
            "page": page.pk,
            "item": item.pk,
            "sort_order": position,
            "caption": "",
        }
        for position, item in enumerate(items)
    ]


def approve_published_media(apps, schema_editor):
    CasePage = apps.get_model("cases", "CasePage")
    MediaItem = apps.get_model("media_pipeline", "MediaItem")
    CaseMedia = apps.get_model("media_pipeline", "CaseMedia")
    Revision = apps.get_model("wagtailcore", "Revision")
    page_ids = MediaItem.objects.values_list("page_id", flat=True).distinct()
    for page in CasePage.objects.filter(pk__in=list(page_ids)):
        items = list(
            MediaItem.objects.filter(page=page).order_by(
                "study_uid", "series_number", "created_at", "pk"
            )
        )
        rows_by_item = {}
        if page.live:
            for position, item in enumerate(items):
                rows_by_item[item.pk] = CaseMedia.objects.create(
                    page=page, item=item, sort_order=position
                )
        revision_ids = {page.latest_revision_id, page.live_revision_id} - {None}
        for revision in Revision.objects.filter(pk__in=revision_ids):
            if "media" not in revision.content:
                revision.content["media"] = _links(page, items, rows_by_item)
                revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("media_pipeline", "0002_case_media_and_withdrawal"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(approve_published_media, migrations.RunPython.noop)]
