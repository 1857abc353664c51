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
from icommit.core.content import translated
from icommit.core.exceptions import IcommitError
from icommit.core.forms import attach_error
from icommit.core.http import AuthedRequest, require_GET_POST
from icommit.stakeholders import selectors, services
from icommit.stakeholders.content import content
from icommit.stakeholders.forms import (
    DutyFormSet,
    FlagsForm,
    MemberAddForm,
    OrganisationFilterForm,
    OrganisationForm,
    ProfileForm,
    ProfileFormV2,
    ProfileItemFormSet,
    SecrecyRoleFormSet,
    duty_initial,
    profile_duties,
    profile_items,
    profile_secrecy_roles,
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
            "duty_rows": selectors.duty_rows(profile.current if profile else None),
            "secrecy_rows": selectors.secrecy_rows(profile.current if profile else None),
            "template_update": selectors.template_update(
                organisation=org, version=profile.current if profile else None
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


def _profile_initial(org: Any, profile: Any, *, start_v2: bool) -> tuple[dict[str, Any], str]:
    """The form's starting values and where they come from ("version", "template", "upgrade").

    An existing profile is edited in its own shape; a version-1 profile moves to version 2 only
    when its organisation asks (``start_v2``), and then from the template, never silently.
    A first profile starts from the version-2 template of the sector, or version 1 while there
    is none.
    """
    version = profile.current if profile is not None else None
    v2 = content().v2
    v2_template = v2.templates.get(org.sector) if v2 is not None else None
    if version is not None and not (start_v2 and version.content_version < 2 and v2_template):
        fields = (
            services.PROFILE_FIELDS_V2
            if version.content_version >= 2
            else (services.PROFILE_FIELDS)
        )
        values = {name: getattr(version, name) for name in fields}
        values["content_version"] = version.content_version
        return {**values, "based_on": version.number, "template": ""}, "version"
    if v2_template is not None:
        draft = v2_template.draft(get_language())
        if version is not None:
            draft["contact"] = version.contact  # the people stay; the template does not know them
        source = "upgrade" if version is not None else "template"
    elif org.sector in content().templates:
        draft = content().templates[org.sector].draft(get_language())
        draft["content_version"] = 1
        source = "template"
    else:
        draft = {"content_version": 1, "needs": [], "offers": [], "secrecy": ""}
        source = "template"
    number = version.number if version is not None else 0
    return {**draft, "based_on": number, "template": org.sector}, source


@require_GET_POST
@login_required
def profile_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    org = selectors.organisation_get(
        user=request.user, pk=pk, action=Action.ORGANISATION_PROFILE_EDIT
    )
    profile = selectors.role_profile_of(organisation=org)
    start_v2 = request.GET.get("start") == "v2"
    initial, source = _profile_initial(org, profile, start_v2=start_v2)
    data = request.POST if request.method == "POST" else None
    shape = initial.get("content_version", 1)
    if data is not None:
        shape = 2 if data.get("content_version") == "2" and content().v2 is not None else 1
        if shape != initial.get("content_version", 1):
            initial, source = _profile_initial(org, profile, start_v2=shape == 2)
    v2 = shape == 2
    form = (ProfileFormV2 if v2 else ProfileForm)(data, initial=initial)
    needs = ProfileItemFormSet(data, prefix="needs", initial=initial.pop("needs"))
    offers = ProfileItemFormSet(data, prefix="offers", initial=initial.pop("offers"))
    duties = secrecy_roles = None
    if v2:
        duties = DutyFormSet(data, prefix="duties", initial=duty_initial(initial["duties"]))
        secrecy_roles = SecrecyRoleFormSet(data, prefix="secrecy", initial=initial["secrecy_roles"])
    sets = [f for f in (form, needs, offers, duties, secrecy_roles) if f is not None]
    status = 200
    if request.method == "POST":
        if all(f.is_valid() for f in sets):
            values = {
                **form.cleaned_data,
                "content_version": shape,
                "needs": profile_items(needs),
                "offers": profile_items(offers),
            }
            if duties is not None and secrecy_roles is not None:
                values["duties"] = profile_duties(duties)
                values["secrecy_roles"] = profile_secrecy_roles(secrecy_roles)
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
    v2_content = content().v2
    template = v2_content.templates.get(org.sector) if v2 and v2_content is not None else None
    return render(
        request,
        "stakeholders/profile_form.html",
        {
            "org": org,
            "form": form,
            "v2": v2,
            "duties": duties,
            "secrecy_roles": secrecy_roles,
            "duty_vocabulary": [
                (
                    d.label_in(get_language()),
                    translated(d.description, get_language()),
                    d.informs_in(get_language()),
                    d.is_permission,
                )
                for d in (v2_content.duties.values() if v2_content and v2 else [])
            ],
            "template_country": template.country if template is not None else "",
            "item_sets": [
                (needs, _("What you need from the others"), _("Need")),
                (offers, _("What you offer"), _("Offer")),
            ],
            "from_template": source != "version",
            "upgrade": source == "upgrade",
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
                (
                    v,
                    selectors.labelled_items(v.needs),
                    selectors.labelled_items(v.offers),
                    selectors.duty_rows(v),
                    selectors.secrecy_rows(v),
                )
                for v in page
            ],
            "querystring_prefix": "",
        },
    )
