"""A learner's own course runs under /my/courses/: attendance, leaving a run, anonymous
feedback after a session, and certificates (download, and the name printed on them).

Every lookup is through the signed-in learner: another person's enrolment or certificate is a
404, whoever asks."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses import runs
from courses.certificates import certificates_pdf
from courses.models import Attendance, Certificate, Enrolment, FeedbackReceipt
from courses.run_forms import CertificateNameForm, FeedbackForm

from .views import learner_view


def own_enrolment(request, pk):
    return get_object_or_404(
        Enrolment.objects.filter(learner=request.user).select_related("run__programme"), pk=pk
    )


@learner_view
def my_courses(request):
    enrolments = list(
        Enrolment.objects.filter(learner=request.user)
        .select_related("run__programme")
        .order_by("-created_at")
    )
    certificates = list(Certificate.objects.filter(holder=request.user))
    return render(
        request,
        "learning_profile/courses/list.html",
        {"enrolments": enrolments, "certificates": certificates},
    )


@learner_view
def my_course(request, pk):
    enrolment = own_enrolment(request, pk)
    run = enrolment.run
    schedule = list(run.schedule.with_session())
    marks = {
        mark.run_session_id: mark.present
        for mark in Attendance.objects.filter(learner=request.user, run_session__run=run)
    }
    given = set(
        FeedbackReceipt.objects.filter(learner=request.user, run_session__run=run).values_list(
            "run_session_id", flat=True
        )
    )
    for item in schedule:
        item.present = marks.get(item.pk)
        item.can_give_feedback = (
            enrolment.status == Enrolment.Status.ENROLLED
            and item.has_started
            and item.pk not in given
        )
        item.feedback_given = item.pk in given
    form = CertificateNameForm(request.POST or None, instance=enrolment)
    if request.method == "POST" and form.is_valid():
        form.save()
        # An issued certificate shows the new name too (its PDF is made on each download).
        Certificate.objects.filter(holder=request.user, run=run).update(
            name=enrolment.printed_name
        )
        messages.success(request, _("Saved the name for your certificate."))
        return redirect("my_course", pk=enrolment.pk)
    return render(
        request,
        "learning_profile/courses/detail.html",
        {
            "enrolment": enrolment,
            "run": run,
            "schedule": schedule,
            "form": form,
            "certificate": Certificate.objects.filter(holder=request.user, run=run).first(),
            "trainers": [runs.display_name(user) for user in run.trainers()],
        },
        status=400 if form.errors else 200,
    )


@require_POST
@learner_view
def withdraw(request, pk):
    enrolment = own_enrolment(request, pk)
    if enrolment.run.is_closed:
        messages.info(request, _("This course has finished, so there is nothing to leave."))
    else:
        runs.withdraw(enrolment)
        messages.success(request, _("You have left this course. You can ask to join again."))
    return redirect("my_course", pk=enrolment.pk)


@learner_view
def feedback(request, pk, number):
    enrolment = own_enrolment(request, pk)
    run_session = get_object_or_404(enrolment.run.schedule.with_session(), number=number)
    if not runs.can_give_feedback(run_session, request.user):
        messages.info(
            request,
            _("You can give feedback once on each session you are booked on, after it starts."),
        )
        return redirect("my_course", pk=enrolment.pk)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        runs.give_feedback(
            run_session,
            request.user,
            data["clear"],
            data["welcome"],
            data["useful"],
            data["comment"],
        )
        messages.success(request, _("Thank you. Your feedback is anonymous."))
        return redirect("my_course", pk=enrolment.pk)
    return render(
        request,
        "learning_profile/courses/feedback.html",
        {"form": form, "enrolment": enrolment, "run_session": run_session},
        status=400 if form.errors else 200,
    )


@learner_view
def certificate_pdf(request, code):
    certificate = get_object_or_404(Certificate.objects.filter(holder=request.user), code=code)
    rendered = certificates_pdf([certificate], request)
    response = HttpResponse(rendered.content, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="certificate.pdf"'
    return response
