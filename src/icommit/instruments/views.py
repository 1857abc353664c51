"""Pages of the instruments: the list, one version as a reader sees it, and importing a file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from icommit.access import Action, can, require
from icommit.core.exceptions import IcommitError
from icommit.core.forms import attach_error
from icommit.core.http import AuthedRequest, require_GET_POST
from icommit.instruments import selectors, services
from icommit.instruments.engine import tr
from icommit.instruments.models import InstrumentVersion
from icommit.web.submit import answer_or_back, submit_form


@require_GET
@login_required
def instrument_list(request: AuthedRequest) -> HttpResponse:
    lang = get_language() or "en"
    rows = [
        {"version": v, "title": tr(v.definition.get("title"), lang)}
        for v in selectors.version_list(user=request.user)
    ]
    return render(
        request,
        "instruments/list.html",
        {"rows": rows, "can_import": can(request.user, Action.INSTRUMENT_IMPORT)},
    )


def _scale_rows(definition: Any, item: Any, lang: str, key: bool = False) -> list[str]:
    """The item's options as "value: label"; with ``key`` (a test's answer key, for those who
    may read it) each scored option names its score."""
    if getattr(item, "scale", None):
        scale = definition.scales[item.scale]
        choices = (*scale.choices, *scale.missing)
    else:
        choices = (*(getattr(item, "choices", ()) or ()), *(getattr(item, "missing", ()) or ()))
    rows = []
    for c in choices:
        row = f"{c.value}: {tr(c.label, lang)}"
        if key and c.score is not None:
            row += " " + _("(score %(n)s)") % {"n": f"{c.score:g}"}
        rows.append(row)
    return rows


@require_GET
@login_required
def version_detail(request: AuthedRequest, key: str, number: int) -> HttpResponse:
    version = selectors.version_get(user=request.user, key=key, number=number)
    # a test's answer key only for those who may read it (the choices carry no scores otherwise)
    definition = selectors.version_definition(user=request.user, version=version)
    withheld = selectors.answer_key_withheld(user=request.user, version=version)
    answer_key = definition.has_answer_key and not withheld
    lang = get_language() or "en"
    domains = {d.key: tr(d.title, lang) for d in definition.domains}
    sections = [
        {
            "title": tr(s.title, lang),
            "intro": tr(s.intro, lang) if getattr(s, "intro", None) else "",
            "audience": s.audience,
            "items": [
                {
                    "key": i.key,
                    "type": i.type,
                    "text": tr(i.text, lang) if i.text else "",
                    "domain": domains.get(i.domain or "", ""),
                    "reverse": getattr(i, "reverse", False),
                    "weight": getattr(i, "weight", 1),
                    "choices": _scale_rows(definition, i, lang, key=answer_key),
                }
                for i in s.items
            ],
        }
        for s in definition.sections
    ]
    scoring = definition.scoring
    bands = (
        [{"key": b.key, "label": tr(b.label, lang), "below": b.below} for b in scoring.bands]
        if scoring
        else []
    )
    recommendations = [
        {
            "domain": domains.get(r.domain, r.domain),
            "band": r.band,
            "text": tr(r.text, lang),
            "phase_tasks": r.phase_tasks,
            "modules": r.modules,
        }
        for r in definition.recommendations
    ]
    return render(
        request,
        "instruments/version.html",
        {
            "version": version,
            "definition": definition,
            "title": tr(definition.title, lang),
            "description": tr(definition.description, lang) if definition.description else "",
            "changes": tr(definition.changes, lang) if definition.changes else "",
            "sections": sections,
            "scoring": scoring,
            "min_share": round(scoring.min_answered * 100) if scoring else None,
            "bands": bands,
            "recommendations": recommendations,
            "answer_key_withheld": withheld,
            "answer_key": answer_key,
        },
    )


@require_GET
@login_required
def version_xlsform(request: AuthedRequest, key: str, number: int) -> HttpResponse:
    version = selectors.version_get(user=request.user, key=key, number=number)

    def download() -> HttpResponse:
        response = HttpResponse(
            services.version_xlsform(actor=request.user, version=version),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{key}-v{number}.xlsx"'
        return response

    return answer_or_back(
        request, download, back=reverse("instruments:version", args=[key, number])
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Instrument file"),
        help_text=gettext_lazy(
            "A YAML file in icommit's instrument format, or an XLSForm workbook (.xlsx); "
            "at most 2 MB."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.problems: list[str] = []


def _place_error(form: ImportForm, error: IcommitError) -> None:
    """The file's problems are listed above the form, with their count; other errors go on it."""
    details = error.details if isinstance(error.details, dict) else {}
    form.problems = [str(p) for p in details.get("problems", [])]
    if not form.problems:
        attach_error(form, error)


@require_GET_POST
@login_required
def instrument_import(request: AuthedRequest) -> HttpResponse:
    require(request.user, Action.INSTRUMENT_IMPORT)

    def publish(form: ImportForm) -> InstrumentVersion:
        upload = form.cleaned_data["file"]
        # one byte more than allowed is enough for the service to refuse the size
        data = upload.read(services.MAX_IMPORT_BYTES + 1)
        return services.instrument_import(actor=request.user, filename=upload.name, data=data)

    return submit_form(
        request,
        ImportForm,
        run=publish,
        success=lambda version: (
            _("Version %(number)s of %(key)s is published.")
            % {"number": version.number, "key": version.instrument.key}
        ),
        redirect_to=lambda version: reverse(
            "instruments:version", args=[version.instrument.key, version.number]
        ),
        page=lambda form, status: render(
            request,
            "instruments/import.html",
            {"form": form, "problems": form.problems},
            status=status,
        ),
        place_error=_place_error,
    )
