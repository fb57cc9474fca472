from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import TemplateView

from . import accounts

urlpatterns = [
    path("login/", accounts.sign_in, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "signed-out/",
        TemplateView.as_view(template_name="registration/signed_out.html"),
        name="signed_out",
    ),
    path("register/", accounts.register, name="register"),
    path("recover/", accounts.recover, name="recover"),
    path("session/keep-alive/", accounts.keep_alive, name="keep_alive"),
    path(
        "password/change/",
        accounts.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            form_class=accounts.ResetForm,
            email_template_name="registration/reset_email.txt",
            subject_template_name="registration/reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            form_class=accounts.NewPasswordForm, post_reset_login=False
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
