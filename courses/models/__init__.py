"""The courses app's models: pages, stored PDFs, the organisational self-assessment, and course
runs with their trainers, enrolments, registers, certificates and feedback."""

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
from .runs import (
    Accreditation,
    Attendance,
    Certificate,
    CourseRun,
    Enrolment,
    FeedbackReceipt,
    RunInvite,
    RunSession,
    SessionFeedback,
    TrainerLevel,
    TrainerProfile,
    trainer_level,
)

__all__ = [
    "Accreditation",
    "Attendance",
    "Certificate",
    "CourseRun",
    "Enrolment",
    "FeedbackReceipt",
    "RunInvite",
    "RunSession",
    "SessionFeedback",
    "TrainerLevel",
    "TrainerProfile",
    "trainer_level",
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
