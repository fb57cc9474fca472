"""Forms for the PDP. Every one: plain-word errors beside the field and in a summary, limits
on length with a message (never a 500), control characters stripped, and the owner set by
the view, never by the form (extra POST fields such as `owner` are ignored)."""

import secrets

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import models
from .text import clean_text

SHORT = 200
MEDIUM = 2000
LONG = 10000


def text_field(label, *, max_length=MEDIUM, required=False, rows=4, help_text=""):
    widget = forms.TextInput() if rows == 1 else forms.Textarea(attrs={"rows": rows})
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        strip=True,
        widget=widget,
        help_text=help_text,
        error_messages={
            "required": _("Please write something here."),
            "max_length": _(
                "This is too long: please keep it to %(limit_value)s characters or fewer "
                "(it has %(show_value)s)."
            ),
            "null_characters_not_allowed": _("This has a hidden character that cannot be saved."),
        },
    )


def date_field(label, *, required=False, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text or _("For example 2026-03-27 (year, month, day)."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Please enter a date."),
            "invalid": _("Please enter a real date, for example 2026-03-27."),
        },
    )


class PlainForm(forms.Form):
    """Accessible errors and clean text for every form here."""

    error_css_class = "field--error"

    def asks_for_password(self):
        """Passwords are never sent back to the browser, so an error means typing them again."""
        return any(isinstance(f.widget, forms.PasswordInput) for f in self.fields.values())

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-invalid"] = "true"
                auto_id = self[name].auto_id  # includes the form's prefix, if any
                described = [f"{auto_id}_error"]
                if self.fields[name].help_text:
                    described.append(f"{auto_id}_helptext")
                widget.attrs["aria-describedby"] = " ".join(described)

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                cleaned[name] = clean_text(value)
        return cleaned


class PlainModelForm(PlainForm, forms.ModelForm):
    pass


class OnceForm(PlainForm):
    """A create form carrying a random key, so a double-clicked submit makes one record."""

    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", secrets.token_hex(16))


class AboutMeForm(PlainModelForm):
    what_matters = text_field(
        _("What matters to me"), help_text=_("People, places, hopes, values: anything.")
    )
    strengths = text_field(_("My strengths"), help_text=_("What you are good at, or others say."))
    interests = text_field(_("My interests"))
    skills = text_field(_("My skills"), help_text=_("From work, home, caring, hobbies, anywhere."))
    how_i_learn = text_field(
        _("What helps me learn"),
        help_text=_("For example: seeing examples, working with a partner, short breaks."),
    )

    class Meta:
        model = models.AboutMe
        fields = models.AboutMe.TEXT_FIELDS


RATING_CHOICES = [
    (1, _("1 – I find this very hard")),
    (2, _("2")),
    (3, _("3 – some days fine, some days not")),
    (4, _("4")),
    (5, _("5 – I feel confident")),
]


class NeedsCheckForm(OnceForm):
    """Nine areas, each with a rating, a note and an 'I'd like to learn about this' box."""

    taken_on = date_field(_("Date"), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("taken_on", timezone.localdate())
        for area in models.NeedsArea:
            self.fields[f"{area.value}-rating"] = forms.TypedChoiceField(
                label=area.label,
                choices=RATING_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Please choose a number from 1 to 5.")},
            )
            self.fields[f"{area.value}-note"] = text_field(
                _("Note about %(area)s (if you like)") % {"area": area.label.lower()}, rows=2
            )
            self.fields[f"{area.value}-learn"] = forms.BooleanField(
                label=_("I'd like to learn about this"), required=False
            )

    def areas(self):
        for area in models.NeedsArea:
            yield area, [self[f"{area.value}-{part}"] for part in ("rating", "note", "learn")]

    def ratings(self):
        for area in models.NeedsArea:
            yield models.NeedsRating(
                area=area.value,
                rating=self.cleaned_data[f"{area.value}-rating"],
                note=self.cleaned_data[f"{area.value}-note"],
                wants_to_learn=self.cleaned_data[f"{area.value}-learn"],
            )


class GoalForm(PlainModelForm):
    title = text_field(_("My goal"), max_length=SHORT, required=True, rows=1)
    why = text_field(_("Why it matters to me"))
    support = text_field(_("Support I need"), help_text=_("From people, services, or anywhere."))
    target_date = date_field(_("Target date (if you have one)"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = models.Goal
        fields = ["title", "why", "life_area", "support", "target_date", "status", "programme"]
        widgets = {"life_area": forms.RadioSelect, "status": forms.RadioSelect}

    def __init__(self, *args, programmes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["programme"].required = False
        self.fields["programme"].empty_label = _("No course")
        self.fields["programme"].label = _("Linked course (if any)")
        self.fields["life_area"].error_messages["required"] = _("Please choose a part of life.")
        if "status" in self.fields:
            self.fields["status"].error_messages["required"] = _("Please choose a status.")
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version


class NewGoalForm(OnceForm, GoalForm):
    class Meta(GoalForm.Meta):
        fields = ["title", "why", "life_area", "support", "target_date", "programme"]


class StepForm(PlainModelForm):
    text = text_field(_("Step"), max_length=SHORT, required=True, rows=1)
    due_on = date_field(_("Do it by (if you like)"))

    class Meta:
        model = models.GoalStep
        fields = ["text", "due_on", "done"]


class NewStepForm(StepForm):
    class Meta(StepForm.Meta):
        fields = ["text", "due_on"]


class ObstacleForm(PlainModelForm):
    obstacle = text_field(
        _("What might get in the way"), max_length=SHORT * 2, rows=2, required=True
    )
    what_helps = text_field(_("What might help"), rows=2)

    class Meta:
        model = models.GoalObstacle
        fields = ["obstacle", "what_helps"]


class LearningEntryForm(OnceForm, PlainModelForm):
    title = text_field(
        _("What I learned or took part in"), max_length=SHORT, required=True, rows=1
    )
    provider = text_field(_("Where or who with"), max_length=SHORT, rows=1)
    finished_on = date_field(_("Date"))
    notes = text_field(_("Notes"))

    class Meta:
        model = models.LearningEntry
        fields = ["title", "provider", "finished_on", "hours", "notes"]


class ReflectionForm(OnceForm, PlainModelForm):
    written_on = date_field(_("Date"), required=True)
    text = text_field(_("My reflection"), max_length=LONG, required=True, rows=8)

    class Meta:
        model = models.Reflection
        fields = ["written_on", "text", "goal", "session"]

    def __init__(self, *args, goals=(), sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("written_on", timezone.localdate())
        self.fields["goal"].queryset = goals
        self.fields["goal"].empty_label = _("Not about a goal")
        self.fields["goal"].label_from_instance = lambda goal: goal.title
        self.fields["session"].queryset = sessions
        self.fields["session"].empty_label = _("Not about a session")
        self.fields["session"].label_from_instance = lambda session: (
            f"{session.get_parent().title}: {session.title}"
        )


class ReviewForm(OnceForm, PlainModelForm):
    reviewed_on = date_field(_("Date"), required=True)
    went_well = text_field(_("What went well"), rows=5)
    got_in_the_way = text_field(_("What got in the way"), rows=5)
    next_steps = text_field(_("What next"), rows=5)

    class Meta:
        model = models.Review
        fields = ["reviewed_on", "went_well", "got_in_the_way", "next_steps"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("reviewed_on", timezone.localdate())

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in ("went_well", "got_in_the_way", "next_steps")):
            raise forms.ValidationError(
                _("Please write in at least one of the three boxes."), code="empty"
            )
        return cleaned


class SituationForm(OnceForm, PlainModelForm):
    recorded_on = date_field(_("Date"), required=True)
    note = text_field(_("Anything to add (if you like)"), rows=3)

    class Meta:
        model = models.SituationRecord
        fields = ["recorded_on", "work", "paid_hours", "volunteering_hours", "education", "note"]
        widgets = {"work": forms.RadioSelect, "education": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("recorded_on", timezone.localdate())
        self.fields["work"].error_messages["required"] = _("Please choose one.")
        for name in ("paid_hours", "volunteering_hours"):
            field = self.fields[name]
            # Read in the visitor's language: 7,5 in Danish or French, 7.5 in English.
            field.localize = True
            field.widget = forms.TextInput(attrs={"inputmode": "decimal"})
            field.widget.is_localized = True
            field.help_text = _("A number from 0 to 100. Write 0 if none.")
            field.error_messages.update(
                {
                    "invalid": _("Please write a number, for example 16 or 7.5."),
                    "max_value": _("Please write a number from 0 to 100."),
                    "min_value": _("Please write a number from 0 to 100."),
                    "max_decimal_places": _("Please use at most one number after the point."),
                }
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("work") in ("not-working", "looking") and cleaned.get("paid_hours"):
            self.add_error(
                "paid_hours", _("You said you are not in paid work, so paid hours should be 0.")
            )
        return cleaned
