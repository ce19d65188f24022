"""Server time and query counts of a discussed case page and of the notifications page.

Seeds a throwaway SQLite database with a case without discussion (the baseline, measured in
the same run), a case with C comments (a quarter of them replies) and P proposals carrying V
votes in all, and a user with N notifications; then requests each page repeatedly through
Django's test client as a verified clinician and prints a markdown table of median and p95
server time and SQL queries. A second, smaller discussion shows whether the query count
grows with the number of comments or votes.

    .venv/bin/python benchmarks/discussion.py [--comments 200] [--proposals 50]
        [--votes 1000] [--notifications 1000] [--repeat 60]
"""

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The project first: this folder (the script's own, first on the path) holds files named like
# the project's apps (search.py), which must not shadow them.
sys.path.insert(0, str(ROOT))

from pages import measure, setup_django  # noqa: E402 - after the path is set


def make_users(count: int):
    from django.contrib.auth.models import Group

    from accounts.models import ClinicianProfile, Verification
    from cases.models import Specialty
    from tests.factories import UserFactory

    clinicians = Group.objects.get(name="Clinician")
    specialty = Specialty.objects.create(name="Cardiology")
    users = []
    for i in range(count):
        user = UserFactory(username=f"bench-{i}")
        ClinicianProfile.objects.create(
            user=user,
            full_name=f"Bench Clinician {i}",
            display_name=f"Dr Bench {i}",
            profession="doctor",
            specialty=specialty,
            country="UK",
            registration_body="GMC",
            registration_number=f"BENCH{i}",
            workplace="Bench hospital",
            status=Verification.VERIFIED,
        )
        user.groups.add(clinicians)
        users.append(user)
    return users


def make_case(owner, title: str, slug: str):
    from cases.models import CaseIndexPage, CasePage, Condition, Specialty

    condition, _ = Condition.objects.get_or_create(name="Myocardial infarction", slug="mi")
    page = CasePage(
        title=title,
        slug=slug,
        summary="Central chest pain with ST elevation in the inferior leads.",
        history="Two hours of **crushing** central chest pain.\n\n" * 5,
        examination="Sweaty, BP 100/60, HR 110.",
        diagnosis=condition,
        certainty="certain",
        management_outcome="Primary PCI; recovered.",
        learning_points="- Time is muscle.",
        specialty=Specialty.objects.first(),
        age_band="50-54",
        sex="male",
        case_mode="opinion",
        owner=owner,
        live=True,
    )
    CaseIndexPage.objects.get().add_child(instance=page)
    return page


def discuss(page, users, comments: int, proposals: int, votes: int) -> None:
    """Rows written directly (the services' fan-out is not what is measured here)."""
    from cases.models import Condition
    from discussion.models import Comment, Proposal, ProposalVote
    from discussion.stats import refresh_activity
    from discussion.text import render_post

    rng = random.Random(7)
    tops = [
        Comment(
            page=page,
            author=rng.choice(users),
            body=f"Comment {i} with **bold** and a list:\n\n- one\n- two",
            body_html=render_post(f"Comment {i} with **bold** and a list:\n\n- one\n- two", []),
        )
        for i in range(comments - comments // 4)
    ]
    Comment.objects.bulk_create(tops)
    tops = list(Comment.objects.filter(page=page))
    Comment.objects.bulk_create(
        Comment(
            page=page,
            author=rng.choice(users),
            parent=rng.choice(tops),
            body=f"Reply {i}",
            body_html=render_post(f"Reply {i}", []),
        )
        for i in range(comments // 4)
    )
    conditions = [
        Condition.objects.get_or_create(name=f"Bench condition {i}", slug=f"bench-{i}")[0]
        for i in range(proposals)
    ]
    Proposal.objects.bulk_create(
        Proposal(
            page=page,
            author=users[i % len(users)],
            condition=conditions[i],
            rationale="Because of the ECG.",
            rationale_html=render_post("Because of the ECG.", []),
        )
        for i in range(proposals)
    )
    made = list(Proposal.objects.filter(page=page))
    pairs = set()
    while len(pairs) < min(votes, len(made) * len(users)):
        pairs.add((rng.randrange(len(made)), rng.randrange(len(users))))
    ProposalVote.objects.bulk_create(
        ProposalVote(proposal=made[p], voter=users[u]) for p, u in pairs
    )
    refresh_activity(page.pk)


def notify(user, pages, count: int) -> None:
    from notifications.models import Event, Notification

    events = [Event.COMMENT, Event.PROPOSAL, Event.REPLY, Event.MENTION]
    Notification.objects.bulk_create(
        Notification(recipient=user, event=events[i % 4], page=pages[i % len(pages)])
        for i in range(count)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=200)
    parser.add_argument("--proposals", type=int, default=50)
    parser.add_argument("--votes", type=int, default=1000)
    parser.add_argument("--notifications", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(f"{tmp}/bench.sqlite3")
        start = time.perf_counter()
        users = make_users(40)
        reader = users[0]
        quiet = make_case(users[1], "Quiet case", "quiet-case")
        busy = make_case(users[1], "Busy case", "busy-case")
        small = make_case(users[1], "Small discussion", "small-discussion")
        discuss(busy, users, args.comments, args.proposals, args.votes)
        discuss(small, users, 8, 3, 12)
        notify(reader, [quiet, busy, small], args.notifications)
        print(f"seeded in {time.perf_counter() - start:.1f} s (SQLite)\n")

        from django.test import Client

        client = Client()
        client.force_login(reader)
        rows = [
            ("baseline: case page without discussion", quiet.url),
            ("case page, 8 comments, 3 proposals, 12 votes", small.url),
            (
                f"case page, {args.comments} comments ({args.comments // 4} replies), "
                f"{args.proposals} proposals, {args.votes} votes",
                busy.url,
            ),
            (f"notifications page ({args.notifications} notifications)", "/notifications/"),
        ]
        print("| page | median ms | p95 ms | queries |")
        print("|---|---:|---:|---:|")
        for label, url in rows:
            median, p95, queries = measure(client, url, args.repeat)
            print(f"| {label} | {median:.1f} | {p95:.1f} | {queries} |")


if __name__ == "__main__":
    main()
