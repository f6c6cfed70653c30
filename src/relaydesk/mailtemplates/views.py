"""The desk's mail template pages (AU5), for administrators only: the list of automatic mails
per language, the editor with a live preview, and reset to the built-in wording."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from relaydesk.desk.views.common import agent_required, desk_user, forbidden
from relaydesk.mailtemplates import compose, services
from relaydesk.mailtemplates.catalog import PURPOSES, Purpose
from relaydesk.mailtemplates.forms import TemplateForm
from relaydesk.mailtemplates.models import MailTemplate


def admin_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @agent_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not services.may_edit(desk_user(request)):
            return forbidden(
                request, PermissionDenied(_("Only administrators edit mail templates."))
            )
        return view(request, *args, **kwargs)

    return wrapper


def _target(purpose: str, language: str) -> Purpose:
    entry = services.purpose_of(purpose)
    if entry is None or language not in dict(services.languages()):
        raise Http404(_("There is no such mail template."))
    return entry


@admin_required
def template_list(request: HttpRequest) -> HttpResponse:
    edited = set(MailTemplate.objects.values_list("purpose", "language"))
    rows = [
        (entry, [(code, name, (key, code) in edited) for code, name in services.languages()])
        for key, entry in PURPOSES.items()
    ]
    return render(
        request, "mailtemplates/list.html", {"rows": rows, "languages": services.languages()}
    )


@admin_required
def edit(request: HttpRequest, purpose: str, language: str) -> HttpResponse:
    entry = _target(purpose, language)
    user = desk_user(request)
    current = services.stored(purpose, language)
    subject, body = (
        (current.subject, current.body) if current else compose.builtin(purpose, language)
    )
    form = TemplateForm(request.POST or None, initial={"subject": subject, "body": body})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save(
                    user,
                    purpose=purpose,
                    language=language,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("The mail template is saved."))
                return redirect("mailtemplates:edit", purpose=purpose, language=language)
        status = 422
    context = {
        "entry": entry,
        "language": language,
        "language_name": dict(services.languages())[language],
        "form": form,
        "current": current,
        "names": entry.names,
        **_preview_context(request, entry, language, subject, body, None),
    }
    if request.method == "POST":
        context.update(_preview_from(request, form, entry, language))
    return render(request, "mailtemplates/edit.html", context, status=status)


@admin_required
@require_POST
def preview(request: HttpRequest, purpose: str, language: str) -> HttpResponse:
    entry = _target(purpose, language)
    form = TemplateForm(request.POST)
    context = {
        "entry": entry,
        "language": language,
        **_preview_from(request, form, entry, language),
    }
    status = 422 if context.get("preview_errors") else 200
    return render(request, "mailtemplates/_preview.html", context, status=status)


@admin_required
@require_POST
def reset(request: HttpRequest, purpose: str, language: str) -> HttpResponse:
    _target(purpose, language)
    if services.reset(desk_user(request), purpose=purpose, language=language):
        messages.success(request, _("Back to the built-in text."))
    return redirect("mailtemplates:edit", purpose=purpose, language=language)


def _add_errors(form: TemplateForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


def _preview_from(
    request: HttpRequest, form: TemplateForm, entry: Purpose, language: str
) -> dict[str, Any]:
    if not form.is_valid():
        problems = [str(p) for errors in form.errors.values() for p in errors]
        return {"preview": None, "preview_errors": problems}
    return _preview_context(
        request,
        entry,
        language,
        form.cleaned_data["subject"],
        form.cleaned_data["body"],
        form.cleaned_data["ticket"],
    )


def _preview_context(
    request: HttpRequest,
    entry: Purpose,
    language: str,
    subject: str,
    body: str,
    number: int | None,
) -> dict[str, Any]:
    try:
        composed = services.preview(
            desk_user(request),
            purpose=entry,
            language=language,
            subject=subject,
            body=body,
            number=number,
        )
    except ValidationError as error:
        return {"preview": None, "preview_errors": error.messages}
    return {"preview": composed, "preview_errors": []}
