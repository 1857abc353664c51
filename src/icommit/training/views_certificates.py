"""Pages of certificates: the certificate (holder and the run's trainers), its credential and
PDF, revocation, a run's certificates with their ZIP, and the public pieces: verification, the
signed status list and the issuer's DID document."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_POST

from icommit.access import Action, can
from icommit.access.facts import facts_for
from icommit.core.exceptions import ValidationFailed
from icommit.core.forms import attach_error
from icommit.core.http import AuthedRequest, require_GET_POST
from icommit.core.jobs import job_start_response
from icommit.training import content, did, exports_certificates, services
from icommit.training import selectors_certificates as found
from icommit.training import services_certificates as files
from icommit.training.forms_certificates import RevokeForm, VerifyFileForm, VerifyNumberForm
from icommit.training.models import Run
from icommit.web.submit import submit_form

PER_PAGE = 25


def _join_url(run: Run) -> str | None:
    try:
        return reverse("training:join", kwargs={"run_pk": run.pk})
    except NoReverseMatch:  # the runs pages are not installed
        return None


def _run_url(run: Run) -> str | None:
    try:
        return reverse("training:run", kwargs={"run_pk": run.pk})
    except NoReverseMatch:
        return None


# --- the holder's and trainers' pages ----------------------------------------------------------


@require_GET
@login_required
def certificate_list(request: AuthedRequest) -> HttpResponse:
    """The certificates the user holds, and those of the runs they teach."""
    page = Paginator(found.certificates_for(request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [(c, found.status_of(c), found.course_title(c.course)) for c in page.object_list]
    return render(
        request,
        "training/certificates/list.html",
        {
            "page_obj": page,
            "rows": rows,
            "me": request.user,
            "teaches": bool(facts_for(request.user).trainer_run_ids),
        },
    )


@require_GET
@login_required
def certificate_detail(request: AuthedRequest, certificate_pk: Any) -> HttpResponse:
    certificate = found.certificate_get(request.user, certificate_pk)
    own = certificate.learner_id == request.user.pk
    status = found.status_of(certificate)
    course = found.course_of(certificate)
    renew = (
        own
        and status != found.Outcome.REVOKED
        and course is not None
        and course.certificate.refresher is not None
        and certificate.valid_until is not None
    )
    refreshers = (
        [(r, _join_url(r)) for r in found.refresher_runs(request.user, certificate)]
        if renew
        else []
    )
    return render(
        request,
        "training/certificates/detail.html",
        {
            "certificate": certificate,
            "run": certificate.run,
            "course": course,
            "course_title": found.course_title(certificate.course),
            "status": status,
            "status_label": found.OUTCOME_LABELS[status],
            "own": own,
            "run_url": _run_url(certificate.run),
            "can_revoke": can(request.user, Action.CERTIFICATE_REVOKE, certificate),
            "can_zip": can(request.user, Action.TRAINING_RUN_MANAGE, certificate.run),
            "renew": renew,
            "expiring": renew and certificate in found.my_expiring(request.user),
            "refreshers": refreshers if renew else [],
            "refresher_summary": content.tr(course.certificate.refresher.summary)
            if renew and course is not None and course.certificate.refresher is not None
            else "",
            "revoke_form": RevokeForm(),
            "verify_url": exports_certificates.verification_url(certificate.number),
        },
    )


@require_GET
@login_required
def certificate_json(request: AuthedRequest, certificate_pk: Any) -> HttpResponse:
    """The signed credential, as a file the holder keeps or hands on."""
    certificate = found.certificate_get(request.user, certificate_pk)
    response = HttpResponse(
        exports_certificates.credential_bytes(certificate), content_type="application/ld+json"
    )
    name = exports_certificates.json_name(certificate)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@login_required
def certificate_pdf(request: AuthedRequest, certificate_pk: Any) -> HttpResponse:
    """Start the PDF as a background job and show its progress page."""
    certificate = found.certificate_get(request.user, certificate_pk)
    back = reverse("training:certificate", kwargs={"certificate_pk": certificate.pk})
    return job_start_response(
        request,
        kind=files.PDF_KIND,
        params={"certificate": str(certificate.pk)},
        back=back,
    )


@require_GET_POST
@login_required
def certificate_revoke(request: AuthedRequest, certificate_pk: Any) -> HttpResponse:
    """Revoke with a reason: verification and the status list show it at once."""
    certificate = found.certificate_get(request.user, certificate_pk, Action.CERTIFICATE_REVOKE)
    page = reverse("training:certificate", kwargs={"certificate_pk": certificate.pk})
    return submit_form(
        request,
        RevokeForm,
        run=lambda form: services.certificate_revoke(
            actor=request.user, certificate=certificate, reason=form.cleaned_data["reason"]
        ),
        success=_("The certificate is revoked. Verification shows it as revoked from now on."),
        redirect_to=page,
        template="training/certificates/revoke.html",
        context={
            "certificate": certificate,
            "course_title": found.course_title(certificate.course),
            "back": page,
        },
    )


@require_GET
@login_required
def run_certificates(request: AuthedRequest, run_pk: int) -> HttpResponse:
    """The certificates of a run, for its trainers, with the ZIP of all of them."""
    run = found.run_for_certificates(request.user, run_pk)
    page = Paginator(found.certificates_of_run(run), PER_PAGE).get_page(request.GET.get("page"))
    rows = [(c, found.status_of(c)) for c in page.object_list]
    return render(
        request,
        "training/certificates/run.html",
        {
            "run": run,
            "run_url": _run_url(run),
            "course_title": found.course_title(run.course, run.course_version),
            "page_obj": page,
            "rows": rows,
            "labels": found.OUTCOME_LABELS,
        },
    )


@require_POST
@login_required
def certificates_zip(request: AuthedRequest, run_pk: int) -> HttpResponse:
    """Start the ZIP of the run's certificates as a background job."""
    run = found.run_for_certificates(request.user, run_pk)
    return job_start_response(
        request,
        kind=files.ZIP_KIND,
        params={"run": run.pk},
        back=reverse("training:run_certificates", kwargs={"run_pk": run.pk}),
    )


# --- public ------------------------------------------------------------------------------------


@never_cache
@require_GET_POST
def verify(request: HttpRequest) -> HttpResponse:
    """Check a certificate by its number and the holder's family name, or by its credential
    file. Shows the outcome, the course and the dates, nothing else; rate-limited per address."""
    way = request.POST.get("way", "number") if request.method == "POST" else ""
    number_form = VerifyNumberForm(
        data=request.POST if way == "number" else None,
        initial={"number": request.GET.get("number", "")[:40]},
        prefix="n",
    )
    file_form = VerifyFileForm(
        data=request.POST if way == "file" else None,
        files=request.FILES if way == "file" else None,
        prefix="f",
    )
    context: dict[str, Any] = {
        "number_form": number_form,
        "file_form": file_form,
        "way": way,
        "answer": None,
        "limit_message": "",
        "limit": files.VERIFY_LIMIT,
        "minutes": files.VERIFY_WINDOW_SECONDS // 60,
    }
    status = 200
    if request.method == "POST":
        try:
            files.verification_count(files.client_address(request))
        except files.TooManyVerifications as exc:
            context["limit_message"] = exc.message
            return render(request, "training/certificates/verify.html", context, status=429)
        form = number_form if way == "number" else file_form
        if form.is_valid():
            try:
                context["answer"] = (
                    found.verify_number(
                        form.cleaned_data["number"], form.cleaned_data["family_name"]
                    )
                    if way == "number"
                    else found.verify_document(form.cleaned_data["credential"])
                )
            except ValidationFailed as exc:
                attach_error(form, exc)
                status = 422
        else:
            status = 422
    return render(request, "training/certificates/verify.html", context, status=status)


@require_GET
@cache_control(public=True, max_age=60)
def status_list(request: HttpRequest) -> HttpResponse:
    """The signed Bitstring Status List of revocations, public."""
    return JsonResponse(
        found.status_list(),
        content_type="application/ld+json",
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
@cache_control(public=True, max_age=300)
def did_document(request: HttpRequest) -> HttpResponse:
    """The did:web document with the issuer's public key; 404 without an https base URL.

    did:web resolves it at /.well-known/did.json, or at /did.json when the base URL has a path;
    both addresses serve it (the other one is harmless), so the proxy needs no rule for it."""
    document = did.did_document()
    if document is None:
        raise Http404()
    return HttpResponse(json.dumps(document, indent=2), content_type="application/did+ld+json")
