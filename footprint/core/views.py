"""Pages every app shares: log in, log out, errors, and the progress of a background job."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from footprint.core.jobs import job_for


class LoginView(auth_views.LoginView):
    template_name = "core/login.jinja"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


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
