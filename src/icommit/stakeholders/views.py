"""Pages for organisations: directory, details, flags, members and role profiles."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from icommit.access import Action, can, require
from icommit.accounts.services import user_get_or_create
from icommit.core.exceptions import IcommitError
from icommit.core.forms import attach_error
from icommit.core.http import AuthedRequest, require_GET_POST
from icommit.stakeholders import selectors, services
from icommit.stakeholders.content import content
from icommit.stakeholders.forms import (
    FlagsForm,
    MemberAddForm,
    OrganisationFilterForm,
    OrganisationForm,
    ProfileForm,
    ProfileItemFormSet,
    profile_items,
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
    profile = selectors.role_profile_of(organisation=org)
    return render(
        request,
        "stakeholders/detail.html",
        {
            "org": org,
            "profile": profile,
            "profile_status": selectors.profile_status(profile),
            "max_age_days": selectors.profile_max_age_days(),
            "can_edit_profile": can(request.user, Action.ORGANISATION_PROFILE_EDIT, org),
            "needs": selectors.labelled_items(
                profile.current.needs if profile and profile.current else []
            ),
            "offers": selectors.labelled_items(
                profile.current.offers if profile and profile.current else []
            ),
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
                person, created = user_get_or_create(
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
            values = {"person": person, "org": org}
            messages.success(request, _("%(person)s now belongs to %(org)s.") % values)
            if created:
                messages.info(
                    request,
                    _(
                        "%(person)s gets an email with a link to set their own password; "
                        "the link works once."
                    )
                    % values,
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


# --- role profiles ----------------------------------------------------------------------------


def _profile_initial(org: Any, profile: Any) -> tuple[dict[str, Any], bool]:
    """The form's starting values: the current version, or the sector template as a draft."""
    version = profile.current if profile is not None else None
    if version is not None:
        values = {name: getattr(version, name) for name in services.PROFILE_FIELDS}
        return {**values, "based_on": version.number, "template": ""}, False
    draft = content().templates[org.sector].draft(get_language())
    return {**draft, "based_on": 0, "template": org.sector}, True


@require_GET_POST
@login_required
def profile_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get(
        user=request.user, pk=pk, action=Action.ORGANISATION_PROFILE_EDIT
    )
    profile = selectors.role_profile_of(organisation=org)
    initial, from_template = _profile_initial(org, profile)
    data = request.POST if request.method == "POST" else None
    form = ProfileForm(data, initial=initial)
    needs = ProfileItemFormSet(data, prefix="needs", initial=initial.pop("needs"))
    offers = ProfileItemFormSet(data, prefix="offers", initial=initial.pop("offers"))
    status = 200
    if request.method == "POST":
        if form.is_valid() and needs.is_valid() and offers.is_valid():
            values = {
                **form.cleaned_data,
                "needs": profile_items(needs),
                "offers": profile_items(offers),
            }
            try:
                services.role_profile_save(
                    actor=request.user,
                    organisation=org,
                    values=values,
                    based_on=form.cleaned_data["based_on"],
                    template=form.cleaned_data["template"],
                )
            except IcommitError as exc:
                attach_error(form, exc)
            else:
                messages.success(request, _("Role profile saved as a new version."))
                return redirect(reverse("stakeholders:detail", args=[org.pk]) + "#profile")
        status = 422
    return render(
        request,
        "stakeholders/profile_form.html",
        {
            "org": org,
            "form": form,
            "item_sets": [
                (needs, _("What you need from the others"), _("Need")),
                (offers, _("What you offer"), _("Offer")),
            ],
            "from_template": from_template,
            "version": profile.current if profile is not None else None,
        },
        status=status,
    )


@require_POST
@login_required
def profile_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get(
        user=request.user, pk=pk, action=Action.ORGANISATION_PROFILE_EDIT
    )
    seen = request.POST.get("version", "")
    try:
        services.role_profile_confirm(
            actor=request.user,
            organisation=org,
            version=int(seen) if seen.isdigit() else None,
        )
    except IcommitError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("You confirmed that the role profile is up to date."))
    return redirect(reverse("stakeholders:detail", args=[org.pk]) + "#profile")


@require_GET
@login_required
def profile_versions(request: AuthedRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get(user=request.user, pk=pk)
    page = Paginator(selectors.role_profile_versions(organisation=org), 10).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "stakeholders/profile_versions.html",
        {
            "org": org,
            "page_obj": page,
            "versions": [
                (v, selectors.labelled_items(v.needs), selectors.labelled_items(v.offers))
                for v in page
            ],
            "querystring_prefix": "",
        },
    )
