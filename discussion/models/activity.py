"""Per-case discussion counts, kept with every discussion write, for lists and search."""

from django.db import models


class CaseActivity(models.Model):
    """What peers see of a case's discussion: visible comments and proposals, votes, and
    when anything last happened. Rewritten from the source rows by ``discussion.stats``."""

    page = models.OneToOneField(
        "cases.CasePage", on_delete=models.CASCADE, primary_key=True, related_name="activity"
    )
    comment_count = models.PositiveIntegerField(default=0)
    proposal_count = models.PositiveIntegerField(default=0)
    vote_count = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name_plural = "case activity"

    def __str__(self):
        return f"activity of case {self.page_id}"

    @property
    def total(self) -> int:
        return self.comment_count + self.proposal_count
