"""The organisational self-assessment: the questions, checking answers, and scoring them.

Answers travel between the steps inside the form (a signed hidden field), so nothing is stored
on the server until the organisation chooses to save; `SavedAssessment` then keeps them.
"""

from dataclasses import dataclass, field

from django.core import signing
from django.utils.translation import gettext as _
from wagtail.models import Locale

from .models import AssessmentStage, Obstacle

STATE_SALT = "emilia.self-assessment"
RATINGS = range(1, 6)
STRONG_STAGE = 4.0  # a stage scoring this or more is not a priority
TOP_PRIORITIES = 3


class BadState(Exception):
    """The hidden answers were changed, cut short or come from elsewhere."""


@dataclass
class Answers:
    ratings: dict = field(default_factory=dict)  # statement key -> 1..5
    obstacles: list = field(default_factory=list)  # obstacle keys

    def encode(self):
        return signing.dumps(
            {"r": self.ratings, "o": sorted(self.obstacles)}, salt=STATE_SALT, compress=True
        )

    @classmethod
    def decode(cls, value):
        if not value:
            return cls()
        try:
            data = signing.loads(value, salt=STATE_SALT)
        except signing.BadSignature as exc:
            raise BadState from exc
        if not isinstance(data, dict):
            raise BadState
        return cls(ratings=dict(data.get("r", {})), obstacles=list(data.get("o", [])))


class Questionnaire:
    """The stages, statements and obstacles in one language (three queries)."""

    def __init__(self, locale=None):
        locale = locale or Locale.get_active()
        stages = list(AssessmentStage.objects.filter(locale=locale).prefetch_related("statements"))
        if not stages and locale != Locale.get_default():
            stages = list(
                AssessmentStage.objects.filter(locale=Locale.get_default()).prefetch_related(
                    "statements"
                )
            )
        self.stages = stages
        obstacles = Obstacle.objects.filter(stage__in=stages).prefetch_related("solutions")
        self.obstacles_by_stage = {stage.pk: [] for stage in stages}
        self.obstacles = {}
        for obstacle in obstacles:
            self.obstacles_by_stage[obstacle.stage_id].append(obstacle)
            self.obstacles[obstacle.key] = obstacle

    def __len__(self):
        return len(self.stages)

    def stage(self, number):
        return self.stages[number - 1]

    def obstacles_for(self, stage):
        return self.obstacles_by_stage[stage.pk]

    def read_step(self, number, data):
        """The answers a step's form holds: (ratings, obstacle keys, errors by field)."""
        stage = self.stage(number)
        ratings, errors = {}, {}
        for statement in stage.statements.all():
            value = data.get(f"rate-{statement.key}", "")
            if value in {str(n) for n in RATINGS}:
                ratings[statement.key] = int(value)
            elif value:
                errors[f"rate-{statement.key}"] = _(
                    "Choose a number from 1 to 5 for this statement."
                )
            else:
                errors[f"rate-{statement.key}"] = _("Choose how true this is, from 1 to 5.")
        allowed = {obstacle.key for obstacle in self.obstacles_for(stage)}
        chosen = data.getlist("obstacle") if hasattr(data, "getlist") else data.get("obstacle", [])
        unknown = [key for key in chosen if key not in allowed]
        if unknown:
            errors["obstacle"] = _(
                "One of the ticked obstacles is not on this list. Please tick them again."
            )
        return ratings, [key for key in chosen if key in allowed], errors

    def merge(self, answers, number, ratings, obstacles):
        """Replace one step's answers in `answers`."""
        stage = self.stage(number)
        for statement in stage.statements.all():
            answers.ratings.pop(statement.key, None)
        answers.ratings.update(ratings)
        this_stage = {obstacle.key for obstacle in self.obstacles_for(stage)}
        answers.obstacles = [key for key in answers.obstacles if key not in this_stage]
        answers.obstacles += obstacles
        return answers

    def unfinished_steps(self, answers):
        return [
            number
            for number, stage in enumerate(self.stages, start=1)
            if any(
                answers.ratings.get(statement.key) not in RATINGS
                for statement in stage.statements.all()
            )
        ]

    def check(self, answers):
        """Refuse answers that name statements or obstacles this questionnaire does not have."""
        statements = {s.key for stage in self.stages for s in stage.statements.all()}
        if any(
            key not in statements or value not in RATINGS for key, value in answers.ratings.items()
        ):
            raise BadState
        if any(key not in self.obstacles for key in answers.obstacles):
            raise BadState

    def profile(self, answers):
        """Scores for each stage, the top priorities and the matching solutions."""
        rows = []
        for stage in self.stages:
            values = [answers.ratings[s.key] for s in stage.statements.all()]
            mean = sum(values) / len(values)
            chosen = [o for o in self.obstacles_for(stage) if o.key in answers.obstacles]
            rows.append(
                {
                    "stage": stage,
                    "score": round(mean, 1),
                    "percent": round((mean - 1) / 4 * 100),
                    "obstacles": chosen,
                    "ratings": [
                        (statement, answers.ratings[statement.key])
                        for statement in stage.statements.all()
                    ],
                }
            )
        ranked = sorted(
            rows, key=lambda row: (row["score"], -len(row["obstacles"]), row["stage"].number)
        )
        priorities = [row for row in ranked if row["score"] < STRONG_STAGE or row["obstacles"]][
            :TOP_PRIORITIES
        ]
        plan = [
            {
                "stage": row["stage"],
                "obstacle": obstacle,
                "solutions": list(obstacle.solutions.all()),
            }
            for row in ranked
            for obstacle in row["obstacles"]
        ]
        return {
            "stages": rows,
            "priorities": priorities,
            "plan": plan,
        }
