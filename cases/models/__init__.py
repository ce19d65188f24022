from .autosave import CaseFormDraft
from .consent import CaseConsent
from .pages import CaseDifferential, CaseIndexPage, CasePage, CaseTag
from .privacy import IdentifierConfirmation
from .taxonomy import BodySystem, Condition, Specialty
from .workflow import ClinicalReviewTask

__all__ = [
    "BodySystem",
    "CaseConsent",
    "CaseDifferential",
    "CaseFormDraft",
    "CaseIndexPage",
    "CasePage",
    "CaseTag",
    "ClinicalReviewTask",
    "Condition",
    "IdentifierConfirmation",
    "Specialty",
]
