"""The collections index under the home page, editors' rights on the case of the week, and
the cases ticked "featured" before curation moved onto the home page's featured list."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4
SNIPPET_PERMISSIONS = (
    "add_weeklycase",
    "change_weeklycase",
    "delete_weeklycase",
    "view_weeklycase",
)


def _step(number: int) -> str:
    digits = ""
    while number:
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return digits.rjust(STEPLEN, "0")


def forwards(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth.Group")
    Permission = apps.get_model("auth.Permission")
    for name in ("Editor", "Admin"):
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="curation", codename__in=SNIPPET_PERMISSIONS
                )
            )

    HomePage = apps.get_model("cms.HomePage")
    home = HomePage.objects.order_by("path").first()
    if home is None:
        return
    _add_collection_index(apps, home)
    _move_featured_cases(apps, home)


def _add_collection_index(apps, home):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    CollectionIndexPage = apps.get_model("curation.CollectionIndexPage")
    if CollectionIndexPage.objects.exists():
        return
    children = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1)
    if children.filter(slug="collections").exists():
        return
    last = children.order_by("-path").values_list("path", flat=True).first()
    position = int(last[-STEPLEN:], len(ALPHABET)) + 1 if last else 1
    CollectionIndexPage.objects.create(
        title="Collections",
        draft_title="Collections",
        slug="collections",
        intro="Cases chosen and ordered by the editors, some to take as a quiz.",
        content_type=ContentType.objects.get_for_model(CollectionIndexPage),
        path=home.path + _step(position),
        depth=home.depth + 1,
        numchild=0,
        url_path=f"{home.url_path}collections/",
        locale_id=home.locale_id,
        live=True,
    )
    Page.objects.filter(pk=home.pk).update(numchild=children.count())


def _move_featured_cases(apps, home):
    """Ticked cases join the featured list (their summary as blurb), in the database and in
    the home page's latest revision, so that the next edit of the home page keeps them."""
    CasePage = apps.get_model("cases.CasePage")
    HomeFeaturedCase = apps.get_model("curation.HomeFeaturedCase")
    Revision = apps.get_model("wagtailcore.Revision")
    listed = set(HomeFeaturedCase.objects.filter(home=home).values_list("case_id", flat=True))
    ticked = CasePage.objects.filter(featured=True).exclude(pk__in=listed).order_by("-pk")
    rows = [
        HomeFeaturedCase.objects.create(
            home=home, case_id=case.pk, blurb=case.summary[:400], sort_order=len(listed) + i
        )
        for i, case in enumerate(ticked)
    ]
    if not rows or not home.latest_revision_id:
        return
    revision = Revision.objects.filter(pk=home.latest_revision_id).first()
    if revision is None:
        return
    entries = revision.content.setdefault("featured_cases", [])
    entries.extend(
        {
            "pk": row.pk,
            "sort_order": row.sort_order,
            "home": home.pk,
            "case": row.case_id,
            "blurb": row.blurb,
            "show_from": None,
            "show_until": None,
        }
        for row in rows
    )
    revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("curation", "0001_initial"),
        ("cases", "0005_featured_kept_by_curation"),
        ("cms", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
