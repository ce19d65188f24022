"""Issue 8's "done" in a real browser: a peer comments and mentions a colleague, the colleague
sees the notification and replies, the peer proposes a diagnosis and the colleague votes for
it, the colleague flags a comment that names the patient, it disappears from the thread at
once, and a moderator clears it. (Confirming a diagnosis is in test_journey.py.)"""

import re

import pytest

from tests.factories import (
    CasePageFactory,
    ConditionFactory,
    make_clinician,
    make_moderator,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def post_comment(tab, text):
    form = tab.page.locator("#new-comment")
    form.locator("textarea[name=body]").fill(text)
    with tab.page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_peers_discuss_flag_and_a_moderator_clears(tabs):
    wellens = ConditionFactory(name="Wellens syndrome")
    author = make_clinician(display_name="Dr Author")
    case = CasePageFactory(owner=author, title="Chest pain that has settled")
    peer = make_clinician(display_name="Dr Peer")
    colleague = make_clinician(user__username="colleague_kim", display_name="Dr Kim")
    peer_tab, colleague_tab, author_tab, moderator_tab = tabs(), tabs(), tabs(), tabs()
    peer_tab.sign_in_as(peer)
    colleague_tab.sign_in_as(colleague)
    author_tab.sign_in_as(author)
    moderator_tab.sign_in_as(make_moderator())

    peer_tab.go(case.url)
    post_comment(peer_tab, "Deep symmetric T waves in V2-V3. @colleague_kim, your view?")
    thread = peer_tab.page.locator("#discussion")
    assert "Deep symmetric T waves" in thread.inner_text()
    assert thread.locator("span.mention").all_inner_texts() == ["@Dr Kim"]

    colleague_tab.go("/notifications/")
    assert "Dr Peer" in colleague_tab.page.locator("main").inner_text()
    colleague_tab.go(case.url)
    first = colleague_tab.page.locator("li.thread").first
    first.locator("details.reply summary").click()
    first.locator("textarea[name=body]").fill("Agree: critical LAD stenosis until shown otherwise.")
    with colleague_tab.page.expect_navigation():
        first.get_by_role("button", name="Reply").click()
    assert "critical LAD stenosis" in colleague_tab.page.locator("li.thread").first.inner_text()

    form = peer_tab.page.locator("details.propose form")
    peer_tab.page.locator("details.propose").evaluate("details => { details.open = true; }")
    form.locator("input[name=diagnosis]").fill(wellens.name)
    form.locator("textarea[name=rationale]").fill("Biphasic T waves after pain has settled.")
    with peer_tab.page.expect_navigation():
        form.locator("button[type=submit]").click()
    colleague_tab.go(case.url)
    with colleague_tab.page.expect_navigation():
        colleague_tab.page.get_by_role("button", name=f"Vote for {wellens.name}").click()
    proposal = colleague_tab.page.locator("li.proposal", has_text=wellens.name)
    assert re.search(r"^1\nVoted ✓$", proposal.inner_text(), re.MULTILINE)

    post_comment(peer_tab, "Seen at the clinic on Tuesday, a teacher at the school nearby.")
    flagged = colleague_tab.page.locator("article.comment", has_text="teacher at the school")
    colleague_tab.go(case.url)
    with colleague_tab.page.expect_navigation():
        flagged.get_by_role("link", name="Flag").click()
    colleague_tab.page.check("input[name=reason][value=identifier]")
    with colleague_tab.page.expect_navigation():
        colleague_tab.page.get_by_role("button", name="Send to the moderators").click()
    author_tab.go(case.url)
    assert "teacher at the school" not in author_tab.page.content()

    moderator_tab.go("/admin/moderation/")
    item = moderator_tab.page.locator("main")
    assert "teacher at the school" in item.inner_text()
    with moderator_tab.page.expect_navigation():
        moderator_tab.page.get_by_role("button", name="Dismiss flags").first.click()
    author_tab.go(case.url)
    assert "teacher at the school" in author_tab.page.content()
