"""The page where a partner makes and revokes personal API tokens."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from footprint.api import queries
from footprint.api.rules import Permission
from footprint.api.tokens import create_token, revoke_token
from footprint.core.permissions import permission_required


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What the token is for", max_length=100, help_text="e.g. 'Finance team notebook'"
    )


@permission_required(Permission.CREATE_TOKEN)
def api_tokens(request: HttpRequest) -> HttpResponse:
    """Your live tokens, and the form that makes one (shown once, on the page that made it)."""
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _, new_token = create_token(user=request.user, name=form.cleaned_data["name"])
        form = TokenForm()
    return render(
        request,
        "api/tokens.jinja",
        {
            "form": form,
            "new_token": new_token,
            "tokens": queries.live_tokens_of(request.user),
        },
    )


@permission_required(Permission.CREATE_TOKEN)
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of your own tokens (anyone else's is not found)."""
    record = queries.live_token_of(request.user, pk)
    if record is None:
        raise Http404("No such token")
    revoke_token(record=record, by=request.user)
    return redirect("tokens:list")
