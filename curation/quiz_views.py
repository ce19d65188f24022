"""The quiz pages of a collection, routed by ``CollectionPage`` (``quiz/``, ``quiz/<n>/``,
``quiz/result/``). The collection page's access check has already run.

Before the reveal, nothing that names the diagnosis is in the response: not the case's
title, slug, summary, diagnosis, differentials, findings, tags, image captions or the
editor's note; the page title and image alt texts are neutral ("Case 2 of 5").
"""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from cases.markup import render_markdown
from curation import quiz
from curation.models import QuizAnswer
from discussion.services.proposals import condition_named
from media_pipeline.models import MediaItem

#: Shown before the reveal.
UNKNOWN_SECTIONS = (("history", "Presentation and clinical history"),
                    ("examination", "Examination and investigations"))  # fmt: skip
#: Shown after it.
REVEALED_SECTIONS = (
    ("imaging_findings", "Imaging findings"),
    ("management_outcome", "Management and outcome"),
    ("learning_points", "Learning points"),
    ("discussion_references", "Discussion and references"),
)


def _base_url(collection, request) -> str:
    return f"{collection.get_url(request)}quiz/"


def _refused(request, collection, status: int, message: str):
    context = {"page": collection, "message": message, "quiz_url": _base_url(collection, request)}
    return TemplateResponse(request, "curation/quiz/refused.html", context, status=status)


@require_http_methods(["GET", "POST"])
def start(request, collection):
    items = quiz.quiz_items(collection)
    attempt = quiz.current_attempt(request.user, collection)
    if request.method == "POST":
        try:
            quiz.start_attempt(request.user, collection)
        except quiz.QuizConflict as exc:
            return _refused(request, collection, 409, exc.message)
        return HttpResponseRedirect(f"{_base_url(collection, request)}1/")
    if not items:
        return _refused(request, collection, 409, quiz.EMPTY_MESSAGE)
    progress = quiz.score(attempt, items) if attempt else None
    resume = progress.unanswered[0][0] if progress and progress.unanswered else None
    context = {
        "page": collection,
        "count": len(items),
        "attempt": attempt,
        "progress": progress,
        "resume": resume,
        "quiz_url": _base_url(collection, request),
    }
    return TemplateResponse(request, "curation/quiz/start.html", context)


@require_http_methods(["GET", "POST"])
def step(request, collection, step: int):
    items = quiz.quiz_items(collection)
    if not items:
        return _refused(request, collection, 409, quiz.EMPTY_MESSAGE)
    if not 1 <= step <= len(items):
        raise Http404("No such question in this quiz.")
    attempt = quiz.current_attempt(request.user, collection)
    if attempt is None:
        return HttpResponseRedirect(_base_url(collection, request))
    item = items[step - 1]
    case = item.case
    error = ""
    status = 200
    if request.method == "POST":
        typed = " ".join(request.POST.get("guess", "").split())[:200]
        try:
            quiz.record_guess(attempt, case, condition_named(typed) if typed else None)
        except quiz.QuizConflict as exc:
            return _refused(request, collection, 409, exc.message)
        except ValidationError as exc:
            error = " ".join(exc.messages)
            if typed:
                error = f"“{typed}” is not a condition Casebook knows. {error}"
            status = 400
        else:
            return HttpResponseRedirect(f"{_base_url(collection, request)}{step}/#answer")
    answer = QuizAnswer.objects.filter(attempt=attempt, case_id=case.pk).first()
    context = {
        "page": collection,
        "step": step,
        "count": len(items),
        "quiz_url": _base_url(collection, request),
        "case": case,
        "facts": _facts(case),
        "unknown_sections": _sections(case, UNKNOWN_SECTIONS),
        "images": _images(case),
        "answer": answer,
        "error": error,
        "typed": request.POST.get("guess", "") if error else "",
    }
    if answer is not None:
        context.update(
            revealed_sections=_sections(case, REVEALED_SECTIONS),
            differentials=[str(d) for d in case.differentials.select_related("condition")],
            note=item.note,
            case_url=case.get_url(request),
        )
    return TemplateResponse(request, "curation/quiz/step.html", context, status=status)


def result(request, collection):
    items = quiz.quiz_items(collection)
    attempt = quiz.current_attempt(request.user, collection)
    if attempt is None:
        return HttpResponseRedirect(_base_url(collection, request))
    outcome = quiz.score(attempt, items)
    context = {
        "page": collection,
        "score": outcome,
        "quiz_url": _base_url(collection, request),
        "missed": [
            (position, item.case, item.case.get_url(request), answer)
            for position, item, answer in outcome.missed
        ],
    }
    return TemplateResponse(request, "curation/quiz/result.html", context)


def _facts(case) -> list[tuple[str, str]]:
    return [
        ("Patient", f"{case.get_age_band_display()}, {case.get_sex_display().lower()}"),
        ("Specialty", case.specialty.name),
    ]


def _sections(case, sections) -> list[tuple[str, str]]:
    return [
        (heading, render_markdown(getattr(case, name)))
        for name, heading in sections
        if getattr(case, name).strip()
    ]


def _images(case) -> list[dict]:
    """The case's peer-visible images, in the author's order, without captions (a caption
    may name the diagnosis). Even editors see only what peers see here."""
    items = (
        MediaItem.objects.peer_visible()
        .filter(page_id=case.pk)
        .order_by("case_links__sort_order", "pk")
        .prefetch_related("instances")
    )
    shown = []
    for number, item in enumerate(items, start=1):
        key = item.key_instance()
        if key is not None:
            shown.append({"number": number, "title": item.title, "key": key})
    return shown
