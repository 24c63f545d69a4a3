"""Pages every app shares: log in, log out, resetting a forgotten password, errors, and the
progress of a background job."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from footprint.core import passwords, ratelimit
from footprint.core.jobs import job_for


class LoginForm(AuthenticationForm):
    """Django's log-in form, its first field named for what people type: invited people sign
    in with their email address (their username), people made at the server by a username."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address or username"
        self.fields["username"].widget.attrs.update(
            {"autocapitalize": "none", "autocomplete": "username", "spellcheck": "false"}
        )

    def clean(self) -> dict[str, Any]:
        """Email addresses are kept in lower case but typed in any case (phones capitalise
        the first letter): find the account whatever the case, and sign in with its stored
        name. django-axes counts failures by that name too, so changing the case typed
        does not earn more tries; a name that matches no one is counted in lower case."""
        typed = (self.cleaned_data.get("username") or "").strip()
        if typed:
            users = get_user_model()._default_manager
            matches = list(
                users.filter(username__iexact=typed).values_list("username", flat=True)[:3]
            )
            stored = typed if typed in matches else matches[0] if len(matches) == 1 else None
            self.cleaned_data["username"] = stored or typed.lower()
        return super().clean()


class LoginView(auth_views.LoginView):
    template_name = "core/login.jinja"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordResetForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address, like name@example.nhs.uk",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for a link to choose a new password. Whatever the address, the next page says the
    same: an email is on its way if an account has it."""
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not passwords.ask_for_link(form.cleaned_data["email"], client=ratelimit.who(request)):
            return render(request, "core/password_reset_too_many.jinja", {"days": 0}, status=429)
        return redirect("core:password_reset_sent")
    return render(request, "core/password_reset.jinja", {"form": form})


def password_reset_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "core/password_reset_sent.jinja", {"days": passwords.link_days()})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password through the emailed link (Django's view: the token leaves the
    address for the session before the form is shown, and works once)."""

    template_name = "core/password_reset_confirm.jinja"
    success_url = reverse_lazy("core:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        passwords.reset_done(form.user)
        return response


def password_reset_complete(request: HttpRequest) -> HttpResponse:
    return render(request, "core/password_reset_complete.jinja", {})


@login_required
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """A background job's progress: the whole page, or (for htmx polling) just the bar."""
    job = job_for(pk, request.user)
    if job is None:
        raise Http404("No such job")
    template = "core/_job.jinja" if request.headers.get("HX-Request") else "core/job.jinja"
    return render(
        request,
        template,
        {
            "job": job,
        },
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)
