"""What the API shows of a discussion: what the case page shows, nothing more.

Authors appear as on the page (display name, profession, specialty, the verified and author
marks) and never with a workplace, registration number, real name or email. A removed post
is a placeholder without its text; hidden posts reach only moderators and their author,
because the read models (``discussion.threads``) leave them out for everyone else.

Read serializers take ``context={"request": request, "page": case}``.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Verification
from api.fields import Choice, Id, Text
from api.pagination import PageSerializer
from cases.models.choices import Certainty
from discussion.models import FlagReason
from discussion.models.comments import MAX_BODY_LENGTH
from discussion.models.moderation import MAX_FLAG_TEXT_LENGTH
from discussion.models.proposals import MAX_FREE_TEXT_LENGTH, MAX_RATIONALE_LENGTH
from discussion.permissions import can_moderate

FLAG_TARGET_TYPES = [("case", "case"), ("comment", "comment"), ("proposal", "proposal")]
UNDER_REVIEW_PLACEHOLDER = "A comment here is being reviewed by a moderator."


class AuthorSerializer(serializers.Serializer):
    """A post's author as the thread shows them. ``null`` for a deleted account."""

    display_name = serializers.SerializerMethodField()
    profession = serializers.SerializerMethodField()
    specialty = serializers.SerializerMethodField()
    verified = serializers.SerializerMethodField(help_text="Registration checked by an editor.")
    editor = serializers.SerializerMethodField(
        help_text="A member of staff without a clinician profile."
    )
    case_author = serializers.SerializerMethodField(help_text="Wrote the case under discussion.")

    @staticmethod
    def _profile(user):
        return getattr(user, "clinician_profile", None)

    @extend_schema_field(OpenApiTypes.STR)
    def get_display_name(self, user) -> str:
        profile = self._profile(user)
        return profile.display_name if profile else user.username

    @extend_schema_field({"type": "string", "nullable": True})
    def get_profession(self, user):
        profile = self._profile(user)
        return profile.get_profession_display() if profile else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_specialty(self, user):
        profile = self._profile(user)
        return profile.specialty.name if profile and profile.specialty_id else None

    def get_verified(self, user) -> bool:
        profile = self._profile(user)
        return bool(profile and profile.status == Verification.VERIFIED)

    def get_editor(self, user) -> bool:
        return self._profile(user) is None

    def get_case_author(self, user) -> bool:
        return user.pk == self.context["page"].owner_id


def _reader(serializer):
    return serializer.context["request"].user


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="page_id")
    parent = serializers.IntegerField(
        source="parent_id", allow_null=True, help_text="The comment this replies to."
    )
    author = AuthorSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    edited_at = serializers.SerializerMethodField(help_text="Set when the text was edited.")
    removed = serializers.BooleanField(source="is_removed")
    hidden = serializers.BooleanField(
        source="is_hidden",
        help_text="Hidden while a moderator reviews a flag: only moderators and the author see it.",
    )
    body = serializers.SerializerMethodField(help_text="Markdown as written; null if removed.")
    body_html = serializers.SerializerMethodField(
        help_text="The sanitised HTML the page shows; null if removed."
    )
    can_edit = serializers.SerializerMethodField()
    can_remove = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
    def get_edited_at(self, comment):
        if comment.edited_at is None or comment.is_removed:
            return None
        return serializers.DateTimeField().to_representation(comment.edited_at)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_body(self, comment):
        return None if comment.is_removed else comment.body

    @extend_schema_field({"type": "string", "nullable": True})
    def get_body_html(self, comment):
        return None if comment.is_removed else comment.body_html

    def get_can_edit(self, comment) -> bool:
        return not comment.is_removed and comment.author_id == _reader(self).pk

    def get_can_remove(self, comment) -> bool:
        reader = _reader(self)
        return not comment.is_removed and (comment.author_id == reader.pk or can_moderate(reader))


class ThreadSerializer(serializers.Serializer):
    """A top-level comment and its replies (one level)."""

    comment = CommentSerializer(
        allow_null=True,
        help_text=f"null when the comment is under review and hidden from you, but replies to "
        f'it are not (the page shows "{UNDER_REVIEW_PLACEHOLDER}").',
    )
    replies = CommentSerializer(many=True)


class ThreadPageSerializer(PageSerializer):
    results = ThreadSerializer(many=True)


class CommentVersionSerializer(serializers.Serializer):
    body = serializers.CharField(help_text="The earlier text (Markdown).")
    written_at = serializers.DateTimeField()
    replaced_at = serializers.DateTimeField()


class ConditionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ProposalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="page_id")
    label = serializers.CharField(help_text="The condition's name, or the free text.")
    condition = ConditionSerializer(
        allow_null=True, help_text="null for free text an editor has not mapped yet."
    )
    rationale = serializers.CharField(help_text="Markdown as written.")
    rationale_html = serializers.CharField(help_text="The sanitised HTML the page shows.")
    author = AuthorSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    vote_count = serializers.IntegerField(source="vote_total")
    voted = serializers.BooleanField(help_text="Whether you voted for it.")
    hidden = serializers.SerializerMethodField(
        help_text="Hidden while a moderator reviews a flag: only moderators and the author see it."
    )
    can_vote = serializers.SerializerMethodField(help_text="Nobody votes for their own.")

    def get_hidden(self, proposal) -> bool:
        return proposal.hidden_at is not None

    def get_can_vote(self, proposal) -> bool:
        return proposal.author_id != _reader(self).pk


class ProposalPageSerializer(PageSerializer):
    results = ProposalSerializer(many=True)


class VoteSerializer(serializers.Serializer):
    proposal = serializers.IntegerField()
    vote_count = serializers.IntegerField()
    voted = serializers.BooleanField()


class ConfirmedDiagnosisSerializer(serializers.Serializer):
    case = serializers.IntegerField(source="page_id")
    label = serializers.CharField()
    condition = ConditionSerializer(allow_null=True)
    certainty = serializers.ChoiceField(choices=Certainty.choices)
    proposal = serializers.IntegerField(
        source="proposal_id", allow_null=True, help_text="The proposal it matched, if any."
    )
    crowd_top_label = serializers.CharField(
        help_text="The crowd's top proposal when it was confirmed; empty if there was none."
    )
    crowd_top_votes = serializers.IntegerField()
    confirmed_at = serializers.DateTimeField()


class FollowSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    following = serializers.BooleanField()


class FlagSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    target_type = serializers.ChoiceField(choices=FLAG_TARGET_TYPES)
    target_id = serializers.IntegerField()
    case = serializers.IntegerField()
    reason = serializers.ChoiceField(choices=FlagReason.choices)
    created_at = serializers.DateTimeField()


# --- Request bodies ------------------------------------------------------------------------


def not_identifiers_field():
    return serializers.ListField(
        child=Text(max_length=300),
        max_length=50,
        required=False,
        help_text="Keys (`kind:text`) of findings of the privacy check that you confirm are not "
        "patient identifiers, from the `findings` of a 400 answer. Any other finding holds the "
        "post back, unwritten.",
    )


class CommentInput(serializers.Serializer):
    body = Text(
        max_length=MAX_BODY_LENGTH,
        help_text="Markdown; @username or @[Display name] mentions a colleague. Not blank, "
        "no control characters.",
    )
    parent = Id(
        required=False,
        allow_null=True,
        help_text="Reply to this comment of the same case (a reply to a reply joins its thread).",
    )
    not_identifiers = not_identifiers_field()


class CommentEditInput(serializers.Serializer):
    body = Text(
        max_length=MAX_BODY_LENGTH,
        required=False,
        help_text="The new text (Markdown). Without it, nothing changes.",
    )
    not_identifiers = not_identifiers_field()


class DiagnosisFields(serializers.Serializer):
    condition = Id(
        required=False,
        allow_null=True,
        help_text="A condition of the taxonomy (wins over `diagnosis`).",
    )
    diagnosis = Text(
        max_length=MAX_FREE_TEXT_LENGTH,
        required=False,
        allow_blank=True,
        help_text="Free text (required without `condition`); text that names a condition or "
        "one of its synonyms exactly is taken as that condition.",
    )


class ProposalInput(DiagnosisFields):
    rationale = Text(max_length=MAX_RATIONALE_LENGTH, help_text="Why, in Markdown.")
    not_identifiers = not_identifiers_field()


class ConfirmInput(DiagnosisFields):
    certainty = Choice(choices=Certainty.choices)
    not_identifiers = not_identifiers_field()


class FlagInput(serializers.Serializer):
    target_type = Choice(choices=FLAG_TARGET_TYPES)
    target_id = Id()
    reason = Choice(choices=FlagReason.choices)
    text = Text(
        max_length=MAX_FLAG_TEXT_LENGTH,
        required=False,
        allow_blank=True,
        help_text="Required for `other`. Do not repeat the identifier you found.",
    )
