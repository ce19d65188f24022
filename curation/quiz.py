"""Quiz mode: walk through a collection, guess each case's diagnosis, then reveal it.

Positions (1, 2, ...) follow the collection's order over the cases the reader may see, so
a quiz URL never carries a case's slug. A guess is recorded once per case per attempt, and
only before the reveal; the score counts what the user guessed right. Attempts and answers
belong to their user alone.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from curation.collections import visible_items
from curation.models import CollectionItem, QuizAnswer, QuizAttempt


class QuizConflict(Exception):
    """A valid request that clashes with the quiz's state (HTTP 409)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


EMPTY_MESSAGE = "This collection has no cases you can see yet, so there is nothing to quiz on."
ALREADY_REVEALED = "You have already revealed this case: your first guess stands."


def quiz_items(collection) -> list[CollectionItem]:
    return visible_items(collection)


def current_attempt(user, collection) -> QuizAttempt | None:
    return QuizAttempt.objects.filter(user=user, collection_id=collection.pk).first()


def start_attempt(user, collection) -> QuizAttempt:
    """A new attempt; refused (``QuizConflict``) when the collection has no case to show."""
    if not quiz_items(collection):
        raise QuizConflict(EMPTY_MESSAGE)
    return QuizAttempt.objects.create(user=user, collection_id=collection.pk)


def accepted_condition_ids(case) -> set[int]:
    """The answers that count as right: the case's diagnosis, and the confirmed one."""
    from discussion.models import ConfirmedDiagnosis

    accepted = {case.diagnosis_id}
    confirmed = (
        ConfirmedDiagnosis.objects.filter(page_id=case.pk)
        .values_list("condition_id", flat=True)
        .first()
    )
    if confirmed:
        accepted.add(confirmed)
    return accepted


def record_guess(attempt: QuizAttempt, case, condition) -> QuizAnswer:
    """Record the guess and reveal the case. Refuses no guess (``ValidationError``) and a
    guess after the reveal (``QuizConflict``); nothing changes then."""
    if condition is None:
        raise ValidationError(
            "Type your diagnosis and choose it from the suggestions before revealing."
        )
    if QuizAnswer.objects.filter(attempt=attempt, case_id=case.pk).exists():
        raise QuizConflict(ALREADY_REVEALED)
    try:
        with transaction.atomic():
            return QuizAnswer.objects.create(
                attempt=attempt,
                case_id=case.pk,
                guess=condition,
                correct=condition.pk in accepted_condition_ids(case),
            )
    except IntegrityError:  # the same guess posted twice at once
        raise QuizConflict(ALREADY_REVEALED) from None


@dataclass
class QuizScore:
    total: int
    correct: int = 0
    #: (position, item, answer) for wrong guesses
    missed: list = field(default_factory=list)
    #: (position, item) not yet revealed
    unanswered: list = field(default_factory=list)

    @property
    def answered(self) -> int:
        return self.total - len(self.unanswered)


def score(attempt: QuizAttempt, items: list[CollectionItem]) -> QuizScore:
    answers = {
        answer.case_id: answer
        for answer in QuizAnswer.objects.filter(attempt=attempt).select_related("guess")
    }
    result = QuizScore(total=len(items))
    for position, item in enumerate(items, start=1):
        answer = answers.get(item.case_id)
        if answer is None:
            result.unanswered.append((position, item))
        elif answer.correct:
            result.correct += 1
        else:
            result.missed.append((position, item, answer))
    return result
