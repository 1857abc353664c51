"""Pages for organisations: directory, details, editing, flags, members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from icommit.access import Action, can, require
from icommit.accounts.services import user_get_or_create
from icommit.core.exceptions import IcommitError
from icommit.core.forms import attach_error
from icommit.core.http import AuthedRequest, require_GET_POST
from icommit.stakeholders import selectors, services
from icommit.stakeholders.forms import (
    FlagsForm,
    MemberAddForm,
    OrganisationFilterForm,
    OrganisationForm,
)
from icommit.web.history import render_history
from icommit.web.selectors import object_history


@require_GET
@login_required
def organisation_list(request: AuthedRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.organisation_list(
        user=request.user, query=filters.get("q", ""), sector=filters.get("sector", "")
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "stakeholders/list.html",
        {
            "form": form,
            "page_obj": page,
            "querystring_prefix": query.urlencode() + "&" if query else "",
            "can_create": can(request.user, Action.ORGANISATION_CREATE),
        },
    )


@require_GET_POST
@login_required
def organisation_create(request: AuthedRequest) -> HttpResponse:
    require(request.user, Action.ORGANISATION_CREATE)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_create(actor=request.user, **form.cleaned_data)
        except IcommitError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Organisation created."))
            return redirect("stakeholders:detail", org.pk)
    return render(request, "stakeholders/form.html", {"form": form, "title": _("New organisation")})


@require_GET
@login_required
def organisation_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get(user=request.user, pk=pk)
    manage = can(request.user, Action.ORGANISATION_MANAGE_MEMBERS, org)
    appoint = can(request.user, Action.ORGANISATION_APPOINT_ADMIN, org)
    return render(
        request,
        "stakeholders/detail.html",
        {
            "org": org,
            "members": selectors.organisation_members(organisation=org)
            if manage or appoint
            else None,
            "can_edit": can(request.user, Action.ORGANISATION_EDIT, org),
            "can_flags": can(request.user, Action.ORGANISATION_SET_FLAGS, org),
            "can_archive": can(request.user, Action.ORGANISATION_ARCHIVE, org),
            "can_manage": manage,
            "can_add": manage or appoint,
            "add_form": MemberAddForm(),
            "history_url": reverse("stakeholders:history", args=[org.pk])
            if can(request.user, Action.ORGANISATION_HISTORY, org)
            else "",
        },
    )


@require_GET
@login_required
def organisation_history(request: AuthedRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get(user=request.user, pk=pk, action=Action.ORGANISATION_HISTORY)
    memberships = org.memberships.values_list("pk", flat=True)
    history = object_history(
        obj=org, related=("stakeholders.organisationmembership", list(memberships))
    )
    return render_history(
        request, subject=org, history=history, back=reverse("stakeholders:detail", args=[org.pk])
    )


@require_GET_POST
@login_required
def organisation_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get(user=request.user, pk=pk, action=Action.ORGANISATION_EDIT)
    initial = {"name": org.name, "sector": org.sector, "city": org.city, "country": org.country}
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(actor=request.user, organisation=org, **form.cleaned_data)
        except IcommitError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Organisation saved."))
            return redirect("stakeholders:detail", org.pk)
    return render(
        request,
        "stakeholders/form.html",
        {"form": form, "title": _("Edit %(name)s") % {"name": org.name}, "org": org},
    )


@require_GET_POST
@login_required
def organisation_flags(request: AuthedRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get(user=request.user, pk=pk, action=Action.ORGANISATION_SET_FLAGS)
    form = FlagsForm(
        request.POST or None, initial={"is_security": org.is_security, "is_state": org.is_state}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_set_flags(
                actor=request.user, organisation=org, **form.cleaned_data
            )
        except IcommitError as exc:
            attach_error(form, exc)
        else:
            messages.success(request, _("Flags changed."))
            return redirect("stakeholders:detail", org.pk)
    return render(
        request,
        "stakeholders/form.html",
        {"form": form, "title": _("Change flags of %(name)s") % {"name": org.name}, "org": org},
    )


@require_POST
@login_required
def organisation_archive(request: AuthedRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get(user=request.user, pk=pk, action=Action.ORGANISATION_ARCHIVE)
    services.organisation_archive(actor=request.user, organisation=org)
    messages.success(request, _("Organisation archived."))
    return redirect("stakeholders:list")


@require_GET_POST
@login_required
def member_add(request: AuthedRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get(user=request.user, pk=pk)
    if not (
        can(request.user, Action.ORGANISATION_MANAGE_MEMBERS, org)
        or can(request.user, Action.ORGANISATION_APPOINT_ADMIN, org)
    ):
        require(request.user, Action.ORGANISATION_MANAGE_MEMBERS, org)
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person, _created = user_get_or_create(
                    actor=request.user, email=data["email"], full_name=data["full_name"]
                )
                services.membership_add(
                    actor=request.user,
                    organisation=org,
                    user=person,
                    is_org_admin=data["is_org_admin"],
                )
        except IcommitError as exc:
            attach_error(form, exc)
        else:
            messages.success(
                request, _("%(person)s now belongs to %(org)s.") % {"person": person, "org": org}
            )
            return redirect("stakeholders:detail", org.pk)
    return render(
        request,
        "stakeholders/form.html",
        {"form": form, "title": _("Add a person to %(name)s") % {"name": org.name}, "org": org},
    )


@require_POST
@login_required
def member_confirm(request: AuthedRequest, pk: int, membership_pk: int) -> HttpResponse:
    org = selectors.organisation_get(
        user=request.user, pk=pk, action=Action.ORGANISATION_MANAGE_MEMBERS
    )
    membership = selectors.membership_get(user=request.user, organisation=org, pk=membership_pk)
    try:
        services.membership_confirm(actor=request.user, membership=membership)
    except IcommitError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Membership of %(person)s confirmed.") % {"person": membership.user}
        )
    return redirect("stakeholders:detail", org.pk)


@require_POST
@login_required
def member_end(request: AuthedRequest, pk: int, membership_pk: int) -> HttpResponse:
    org = selectors.organisation_get(
        user=request.user, pk=pk, action=Action.ORGANISATION_MANAGE_MEMBERS
    )
    membership = selectors.membership_get(user=request.user, organisation=org, pk=membership_pk)
    try:
        services.membership_end(actor=request.user, membership=membership)
    except IcommitError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(person)s no longer belongs to %(org)s.") % {"person": membership.user, "org": org},
        )
    return redirect("stakeholders:detail", org.pk)
