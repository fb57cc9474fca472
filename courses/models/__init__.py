"""The courses app's models: pages, stored PDFs, and the organisational self-assessment."""

from .downloads import StoredPDF
from .organisations import (
    AssessmentStage,
    AssessmentStatement,
    Obstacle,
    SavedAssessment,
    Solution,
)
from .pages import (
    Audience,
    DeliveryModel,
    ImportedPage,
    ProgrammeIndexPage,
    ProgrammePage,
    ProgrammeTag,
    SessionPage,
    duration_label,
    session_totals,
)

__all__ = [
    "AssessmentStage",
    "AssessmentStatement",
    "Audience",
    "DeliveryModel",
    "ImportedPage",
    "Obstacle",
    "ProgrammeIndexPage",
    "ProgrammePage",
    "ProgrammeTag",
    "SavedAssessment",
    "SessionPage",
    "Solution",
    "StoredPDF",
    "duration_label",
    "session_totals",
]
