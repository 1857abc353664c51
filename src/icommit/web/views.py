"""Home, language choice, the audit log page, health, and job progress and downloads."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import activate
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from icommit.access import Action, can, require
from icommit.core import audit, jobs, verification
from icommit.core.exceptions import NotFound, ValidationFailed
from icommit.core.http import AuthedRequest
from icommit.web import audit_jobs, registry, selectors
from icommit.web.audit_forms import AuditFilterForm, object_kind_label
from icommit.web.confirm import ticket_read

log = logging.getLogger(__name__)


@require_GET
@login_required
def home(request: AuthedRequest) -> HttpResponse:
    return render(request, "web/home.html", selectors.home_overview(user=request.user))


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("language", "")
    nxt = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = "/"
    if code not in dict(settings.LANGUAGES):
        return redirect(nxt)
    if request.user.is_authenticated:
        try:
            registry.save_language(actor=request.user, language=code)
        except ValidationFailed:
            return redirect(nxt)
    activate(code)
    response = redirect(nxt)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=True,
    )
    return response


@require_http_methods(["GET", "POST"])
@login_required
def audit_log(request: AuthedRequest) -> HttpResponse:
    """The audit log, filtered by readable choices, and the state of its chain; a POST starts a
    verification of the chain as a background job ("Verify now")."""
    if request.method == "POST":
        require(request.user, Action.AUDIT_VERIFY)
        return jobs.job_start_response(
            request, kind=audit_jobs.KIND, params={}, back=reverse("web:audit")
        )
    require(request.user, Action.AUDIT_VIEW)
    form = AuditFilterForm(request.GET or None, **selectors.audit_filter_choices(user=request.user))
    filters = form.filters()
    events = selectors.audit_read(user=request.user, purpose="audit.log", filters=filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    page.object_list = rows = list(page.object_list)
    for event in rows:
        event.object_kind = object_kind_label(event.object_type)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/audit.html",
        {
            "form": form,
            "form_errors": form.error_summary() if form.is_bound else [],
            "filtered": bool(filters),
            "page_obj": page,
            "querystring_prefix": query.urlencode() + "&" if query else "",
            "chain": verification.chain_status(),
            "may_verify": can(request.user, Action.AUDIT_VERIFY),
            "verifying": selectors.audit_verification_under_way(user=request.user),
        },
    )


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    status: dict[str, Any] = {"database": False, "migrations": False}
    try:
        connection.ensure_connection()
        status["database"] = True
        executor = MigrationExecutor(connection)
        status["migrations"] = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception:  # any database failure means unhealthy
        log.warning("health check failed", exc_info=True)
    healthy = all(status.values())
    status["status"] = "ok" if healthy else "unavailable"
    return JsonResponse(status, status=200 if healthy else 503)


@require_GET
@login_required
def confirm(request: AuthedRequest) -> HttpResponse:
    """Ask before a destructive action, for browsers without JavaScript (see ``web.confirm``)."""
    ticket = ticket_read(request.GET.get("ticket", ""), user_id=request.user.pk)
    return render(request, "web/confirm.html", {"ticket": ticket}, status=200 if ticket else 400)


@require_GET
@login_required
def job_status(request: AuthedRequest, pk: str) -> HttpResponse:
    job = selectors.job_get(user=request.user, pk=pk)
    context = {
        "job": job,
        "download_token": jobs.download_token(job) if job.status == "done" else "",
        "back": jobs.back_of(job),
    }
    template = "web/job.html#status" if request.htmx else "web/job.html"
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response


@require_GET
@login_required
def job_download(request: AuthedRequest, pk: str) -> FileResponse:
    job = selectors.job_get(user=request.user, pk=pk)
    if job.status != "done" or not jobs.download_token_valid(job, request.GET.get("t", "")):
        raise NotFound()
    if not jobs.download_allowed(job):  # the owner's access is checked again at each download
        raise NotFound()
    with transaction.atomic():
        audit.record(
            actor=request.user,
            action="export.download",
            obj=job,
            team_id=job.params.get("team_id"),
            purpose=job.kind,
        )
    return FileResponse(
        jobs.result_path(job).open("rb"),
        as_attachment=True,
        filename=job.result_name,
        content_type=job.result_type,
    )
