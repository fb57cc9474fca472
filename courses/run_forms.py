"""Forms for trainers and learners on course runs. Every check gives a plain message beside its
field; a form with any error saves nothing."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import (
    CourseRun,
    Enrolment,
    ProgrammePage,
    SessionFeedback,
    TrainerLevel,
    TrainerProfile,
)
from .runs import get_user_by_username


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number}. {obj.title} ({obj.locale.get_display_name()})"


def trainers_named(text):
    """Users named in a comma-separated list, and the names that are not trainers."""
    from .models import Accreditation

    names = [name.strip() for name in (text or "").split(",") if name.strip()]
    users, unknown = [], []
    for name in names:
        user = get_user_by_username(name)
        if user is None or not Accreditation.objects.filter(trainer=user).exists():
            unknown.append(name)
        elif user not in users:
            users.append(user)
    return users, unknown


class CourseRunForm(forms.ModelForm):
    programme = ProgrammeChoiceField(
        queryset=ProgrammePage.objects.none(), label=_("Programme"), empty_label=None
    )
    co_trainer_names = forms.CharField(
        label=_("Co-trainers"),
        required=False,
        help_text=_("Their usernames, separated by commas. They must be peer trainers."),
    )

    class Meta:
        model = CourseRun
        fields = [
            "programme",
            "status",
            "online",
            "venue",
            "access_notes",
            "capacity",
            "completion_percent",
        ]
        widgets = {"status": forms.RadioSelect}

    def __init__(self, *args, lead=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead = lead
        self.fields["programme"].queryset = (
            ProgrammePage.objects.live().select_related("locale").order_by("number", "locale_id")
        )
        self.fields["status"].choices = [
            (value, label)
            for value, label in CourseRun.Status.choices
            if value != CourseRun.Status.FINISHED
        ]
        if self.instance.pk:
            self.fields["programme"].disabled = True
            self.fields["programme"].help_text = _(
                "The programme of a run cannot change. Cancel it and make a new run instead."
            )
            self.initial["co_trainer_names"] = ", ".join(
                user.get_username() for user in self.instance.co_trainers.all()
            )
        self.fields["capacity"].help_text = _("How many learners can join.")
        self.fields["completion_percent"].help_text = _(
            "Learners who come to at least this share of the sessions get a certificate when "
            "you close the run."
        )

    def clean_co_trainer_names(self):
        users, unknown = trainers_named(self.cleaned_data["co_trainer_names"])
        if unknown:
            raise forms.ValidationError(
                _("These people are not peer trainers here: %(names)s. Check the spelling.")
                % {"names": ", ".join(unknown)}
            )
        return [user for user in users if user != self.lead]

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        taken = self.instance.places_taken if self.instance.pk else 0
        if capacity is not None and capacity < taken:
            raise forms.ValidationError(
                ngettext(
                    "%(count)d learner is already enrolled, so there must be at least "
                    "%(count)d place.",
                    "%(count)d learners are already enrolled, so there must be at least "
                    "%(count)d places.",
                    taken,
                )
                % {"count": taken}
            )
        return capacity

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("online") and not (cleaned.get("venue") or "").strip():
            self.add_error("venue", _("Say where the course meets, or tick “Online”."))
        return cleaned


class ScheduleForm(forms.Form):
    """A date and start time for each session of the programme; later sessions may stay
    empty until they are known."""

    def __init__(self, *args, run, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.run = run
        self.sessions = sessions
        existing = {item.number: item for item in run.schedule.all()}
        self.rows = []
        for number, session in enumerate(sessions, start=1):
            current = existing.get(number)
            local = timezone.localtime(current.starts_at) if current else None
            date_name, time_name = f"date_{number}", f"time_{number}"
            self.fields[date_name] = forms.DateField(
                label=_("Session %(number)d: date") % {"number": number},
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
                initial=local.date() if local else None,
            )
            self.fields[time_name] = forms.TimeField(
                label=_("Session %(number)d: start time") % {"number": number},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                initial=local.time() if local else None,
            )
            self.rows.append((number, session, self[date_name], self[time_name]))
        self.registered = set(
            run.schedule.filter(register_taken_at__isnull=False).values_list("number", flat=True)
        )

    def clean(self):
        cleaned = super().clean()
        extra = [
            name
            for name in self.data
            if name.startswith("date_")
            and name[5:].isdigit()
            and int(name[5:]) > len(self.sessions)
            and self.data.get(name)
        ]
        if extra:
            raise forms.ValidationError(
                _(
                    "The schedule is longer than the programme: it has %(count)d sessions, so "
                    "there can be no more than %(count)d dates."
                )
                % {"count": len(self.sessions)}
            )
        previous = None
        self.schedule = []
        for number, session, date_field, time_field in self.rows:
            date, time = cleaned.get(date_field.name), cleaned.get(time_field.name)
            if date_field.name in self.errors or time_field.name in self.errors:
                continue
            if date and not time:
                self.add_error(time_field.name, _("Give a start time for this date."))
                continue
            if time and not date:
                self.add_error(date_field.name, _("Give a date for this start time."))
                continue
            if not date:
                if number in self.registered:
                    self.add_error(
                        date_field.name,
                        _("This session already has a register, so it needs a date."),
                    )
                continue
            starts = timezone.make_aware(datetime.datetime.combine(date, time))
            if previous and starts < previous[1]:
                self.add_error(
                    date_field.name,
                    _(
                        "Session %(number)d must start after session %(previous)d ends. "
                        "Put the dates in order."
                    )
                    % {"number": number, "previous": previous[0]},
                )
                continue
            minutes = session.duration_minutes
            previous = (number, starts + datetime.timedelta(minutes=minutes))
            self.schedule.append((number, session, starts, minutes))
        if not self.errors and not self.schedule:
            raise forms.ValidationError(_("Give a date and start time for at least one session."))
        return cleaned


class AddLearnerForm(forms.Form):
    username = forms.CharField(label=_("The learner's username"), max_length=150)

    def clean_username(self):
        user = get_user_by_username(self.cleaned_data["username"])
        if user is None:
            raise forms.ValidationError(
                _(
                    "Nobody here has that username. Check the spelling, or make an invite "
                    "link for them instead."
                )
            )
        return user


class RegisterForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Who came"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [
            (str(enrolment.learner_id), enrolment.printed_name) for enrolment in enrolments
        ]

    def present_ids(self):
        return {int(value) for value in self.cleaned_data["present"]}


class SignOffForm(forms.Form):
    username = forms.CharField(label=_("Their username"), max_length=150)
    level = forms.TypedChoiceField(
        label=_("Level"), choices=TrainerLevel.choices, coerce=int, widget=forms.RadioSelect
    )
    observed_on = forms.DateField(
        label=_("Date you watched them deliver"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    programmes = forms.ModelMultipleChoiceField(
        label=_("Programmes they may deliver"),
        queryset=ProgrammePage.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Short note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What went well, in a sentence or two. The person will see it."),
    )

    def __init__(self, *args, signer, **kwargs):
        super().__init__(*args, **kwargs)
        self.signer = signer
        self.fields["programmes"].queryset = (
            ProgrammePage.objects.live().filter(locale__language_code="en").order_by("number")
        )
        self.fields["programmes"].label_from_instance = lambda p: f"{p.number}. {p.title}"

    def clean_username(self):
        user = get_user_by_username(self.cleaned_data["username"])
        if user is None:
            raise forms.ValidationError(_("Nobody here has that username. Check the spelling."))
        if user == self.signer:
            raise forms.ValidationError(_("Someone else must sign off your own level."))
        return user

    def clean_observed_on(self):
        observed = self.cleaned_data["observed_on"]
        if observed > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return observed


class TrainerProfileForm(forms.ModelForm):
    class Meta:
        model = TrainerProfile
        fields = ["public_name", "name_on_certificates"]


RATINGS = [(value, str(value)) for value in range(1, 6)]


def rating_field(label):
    return forms.TypedChoiceField(
        label=label,
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 means not at all, 5 means very much."),
    )


class FeedbackForm(forms.ModelForm):
    clear = rating_field(_("The session was clear and easy to follow"))
    welcome = rating_field(_("I felt welcome and respected"))
    useful = rating_field(_("I can use what I learned"))

    class Meta:
        model = SessionFeedback
        fields = ["clear", "welcome", "useful", "comment"]
        labels = {"comment": _("Anything else you want to tell the trainers (optional)")}
        widgets = {"comment": forms.Textarea(attrs={"rows": 4, "maxlength": 1000})}


class CertificateNameForm(forms.ModelForm):
    class Meta:
        model = Enrolment
        fields = ["certificate_name"]
