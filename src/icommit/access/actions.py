"""Every action a user can be allowed or refused, as one enum.

Invariant: each action belongs to exactly one policy in ``access.registry``; a view, endpoint,
service or selector names an action from here and never decides access on its own.
"""

from enum import StrEnum


class Action(StrEnum):
    ORGANISATION_VIEW = "organisation.view"
    ORGANISATION_CREATE = "organisation.create"
    ORGANISATION_EDIT = "organisation.edit"
    ORGANISATION_ARCHIVE = "organisation.archive"
    ORGANISATION_SET_FLAGS = "organisation.set_flags"
    ORGANISATION_MANAGE_MEMBERS = "organisation.manage_members"
    ORGANISATION_APPOINT_ADMIN = "organisation.appoint_admin"
    ORGANISATION_HISTORY = "organisation.history"

    TEAM_VIEW = "team.view"
    TEAM_CREATE = "team.create"
    TEAM_EDIT = "team.edit"
    TEAM_ARCHIVE = "team.archive"
    TEAM_MANAGE_MEMBERS = "team.manage_members"
    TEAM_EXPORT = "team.export"
    TEAM_HISTORY = "team.history"

    AUDIT_VIEW = "audit.view"
    USER_MANAGE = "user.manage"
    JOB_VIEW = "job.view"
