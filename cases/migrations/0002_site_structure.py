"""Roles, the page tree (home and case index) and the editorial review workflow.

Replaces Wagtail's default welcome page, its default "Moderators"/"Editors" groups and its
default workflow with Casebook's own, so a fresh database is a working site.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_MODEL_PERMISSIONS = {
    # Editors verify clinicians, curate taxonomy and review cases.
    "Editor": [
        ("wagtailadmin", "admin", "access_admin"),
        ("cases", "condition", "add_condition"),
        ("cases", "condition", "change_condition"),
        ("cases", "condition", "delete_condition"),
        ("cases", "specialty", "add_specialty"),
        ("cases", "specialty", "change_specialty"),
        ("cases", "bodysystem", "add_bodysystem"),
        ("cases", "bodysystem", "change_bodysystem"),
        ("accounts", "clinicianprofile", "view_clinicianprofile"),
        ("accounts", "clinicianprofile", "change_clinicianprofile"),
    ],
    # Moderators look after discussion; they use the admin but don't publish cases.
    "Moderator": [("wagtailadmin", "admin", "access_admin")],
    "Admin": [
        ("wagtailadmin", "admin", "access_admin"),
        ("accounts", "user", "add_user"),
        ("accounts", "user", "change_user"),
        ("auth", "group", "change_group"),
        ("cases", "condition", "add_condition"),
        ("cases", "condition", "change_condition"),
        ("cases", "condition", "delete_condition"),
        ("accounts", "clinicianprofile", "view_clinicianprofile"),
        ("accounts", "clinicianprofile", "change_clinicianprofile"),
    ],
    "Clinician": [],
}
PAGE_PERMISSIONS = {
    "Editor": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    "Admin": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}


def _ensure_permissions(apps):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def create_structure(apps, schema_editor):
    _ensure_permissions(apps)
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    HomePage = apps.get_model("cms.HomePage")
    CaseIndexPage = apps.get_model("cases.CaseIndexPage")
    ClinicalReviewTask = apps.get_model("cases.ClinicalReviewTask")

    # Wagtail's defaults: replaced by ours below.
    Workflow.objects.all().delete()
    Group.objects.filter(name__in=["Moderators", "Editors"]).delete()
    page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    Page.objects.filter(content_type=page_type, depth=2).delete()

    groups = {}
    for name, perms in ROLE_MODEL_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        groups[name] = group
        for app_label, model, codename in perms:
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label,
                    content_type__model=model,
                    codename=codename,
                )
            )

    locale = Locale.objects.order_by("pk").first()
    root = Page.objects.get(depth=1)
    home = HomePage.objects.create(
        title="Casebook",
        draft_title="Casebook",
        slug="home",
        content_type=ContentType.objects.get_for_model(HomePage),
        path=root.path + "0001",
        depth=2,
        numchild=1,
        url_path="/home/",
        locale=locale,
        live=True,
    )
    root.numchild = 1
    root.save(update_fields=["numchild"])
    index = CaseIndexPage.objects.create(
        title="Cases",
        draft_title="Cases",
        slug="cases",
        content_type=ContentType.objects.get_for_model(CaseIndexPage),
        path=home.path + "0001",
        depth=3,
        numchild=0,
        url_path="/home/cases/",
        locale=locale,
        live=True,
    )
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)

    for name, codenames in PAGE_PERMISSIONS.items():
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=groups[name],
                page=root,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )

    task = ClinicalReviewTask.objects.create(
        name="Clinical and privacy review",
        content_type=ContentType.objects.get_for_model(ClinicalReviewTask),
        active=True,
    )
    task.groups.set([groups["Editor"]])
    workflow = Workflow.objects.create(name="Case review", active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(page=index, workflow=workflow)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("cms", "0001_initial"),
        ("accounts", "0002_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(create_structure, migrations.RunPython.noop)]
