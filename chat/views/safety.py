"""The safety help page the scam notes link to ("Why am I seeing this?")."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def safety_help(request: HttpRequest) -> HttpResponse:
    """Show one page explaining each scam family a note can name, one section per family whose id is
    the note's ``help_anchor`` (``chat.safety.safety_notes``). Open to everyone."""
    return render(request, "chat/safety_help.html")
