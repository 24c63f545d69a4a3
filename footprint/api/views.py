"""The page where a partner makes and revokes personal API tokens."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from footprint.api import queries
from footprint.api.rules import Permission
from footprint.api.tokens import LIFETIMES_IN_DAYS, create_token, revoke_token
from footprint.core.models import ApiToken
from footprint.core.permissions import permission_required
from footprint.core.validators import validate_one_line


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What the token is for",
        max_length=100,
        help_text="e.g. 'Finance team notebook'",
        validators=[validate_one_line],
    )
    access = forms.ChoiceField(
        label="What it may do",
        choices=[
            (ApiToken.Access.READ, "Read only: for reports, notebooks and Power BI"),
            (ApiToken.Access.READ_WRITE, "Read and change: for a script that sends figures"),
        ],
        initial=ApiToken.Access.READ,
        widget=forms.RadioSelect,
        help_text="Even a token that may change things can do only what your role lets you.",
        error_messages={
            "required": "Choose what the token may do",
            "invalid_choice": "Choose read only, or read and change",
        },
    )
    lasts_days = forms.TypedChoiceField(
        label="How long it works",
        choices=[(days, f"{days} days") for days in LIFETIMES_IN_DAYS],
        coerce=int,
        initial=90,
        widget=forms.RadioSelect,
        help_text="It stops working after that; make a new one then.",
        error_messages={
            "required": "Choose how long the token works",
            "invalid_choice": "Choose 30, 90 or 365 days",
        },
    )


@permission_required(Permission.CREATE_TOKEN)
def api_tokens(request: HttpRequest) -> HttpResponse:
    """Your tokens (live or expired, until revoked), and the form that makes one (shown once,
    on the page that made it)."""
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _, new_token = create_token(user=request.user, **form.cleaned_data)
        form = TokenForm()
    return render(
        request,
        "api/tokens.jinja",
        {
            "form": form,
            "new_token": new_token,
            "tokens": queries.unrevoked_tokens_of(request.user),
            "now": timezone.now(),
        },
    )


@permission_required(Permission.CREATE_TOKEN)
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of your own tokens (anyone else's is not found)."""
    record = queries.unrevoked_token_of(request.user, pk)
    if record is None:
        raise Http404("No such token")
    revoke_token(record=record, by=request.user)
    return redirect("tokens:list")
