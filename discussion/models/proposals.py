"""Diagnosis proposals, votes, and the confirmed diagnosis of a case."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models.choices import Certainty

MAX_FREE_TEXT_LENGTH = 200
MAX_RATIONALE_LENGTH = 2_000


class ProposalQuerySet(models.QuerySet):
    def shown(self):
        return self.filter(removed_at__isnull=True, hidden_at__isnull=True)


class Proposal(models.Model):
    """A peer's proposed diagnosis: a taxonomy condition, or free text that an editor can
    later map to one, with a short rationale."""

    page = models.ForeignKey("cases.CasePage", on_delete=models.CASCADE, related_name="proposals")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="proposals"
    )
    condition = models.ForeignKey(
        "cases.Condition", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    free_text = models.CharField(max_length=MAX_FREE_TEXT_LENGTH, blank=True, default="")
    rationale = models.TextField(max_length=MAX_RATIONALE_LENGTH)
    rationale_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    mapped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mapped_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ("created_at", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(condition__isnull=False) | ~Q(free_text=""),
                name="proposal_names_a_diagnosis",
            ),
            models.UniqueConstraint(
                fields=("page", "condition"),
                condition=Q(condition__isnull=False, removed_at__isnull=True),
                name="proposal_condition_once_per_case",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.condition.name if self.condition_id else self.free_text


class ProposalVote(models.Model):
    """One up-vote: the constraint makes concurrent double votes count once."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("proposal", "voter"), name="one_vote_per_proposal")
        ]

    def __str__(self):
        return f"vote of {self.voter_id} for proposal {self.proposal_id}"


class ConfirmedDiagnosis(models.Model):
    """The diagnosis the case's author (or an editor) confirmed, with the crowd's answer as it
    stood at that moment."""

    page = models.OneToOneField(
        "cases.CasePage", on_delete=models.CASCADE, related_name="confirmed_diagnosis"
    )
    condition = models.ForeignKey(
        "cases.Condition", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    free_text = models.CharField(max_length=MAX_FREE_TEXT_LENGTH, blank=True, default="")
    certainty = models.CharField(max_length=20, choices=Certainty.choices)
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    crowd_top_label = models.CharField(max_length=MAX_FREE_TEXT_LENGTH, blank=True, default="")
    crowd_top_votes = models.PositiveIntegerField(default=0)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "confirmed diagnoses"
        constraints = [
            models.CheckConstraint(
                condition=Q(condition__isnull=False) | ~Q(free_text=""),
                name="confirmed_diagnosis_names_a_diagnosis",
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.condition.name if self.condition_id else self.free_text
