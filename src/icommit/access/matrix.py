"""The declared access matrix: for each action, the roles and relations that may do it.

This table is what people read (``icommit access-matrix``) and what tests hold the code to:
one test checks every policy answer against it, another requests every URL as every subject
and compares the status with what this table implies. ``URLS`` says which action each page
and API operation performs, and on which object.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from icommit.access.actions import Action


class Subject(StrEnum):
    """Who asks, relative to the object of the action (organisation O, team T, job J).

    Some subjects are defined by the state of an object: a shared item I of team T that comes
    from O, shared with one organisation (in effect) and with another (ended); a case C of T,
    accepted, led by one organisation, with another taking part and referred by a third (none
    of them the organisation of the other team subjects, which takes no part in C).
    """

    ANONYMOUS = "anonymous"
    SIGNED_IN = "signed in, no organisation"
    ORG_MEMBER = "confirmed member of O"
    ORG_ADMIN = "administrator of O"
    TEAM_OBSERVER = "observer in T"
    TEAM_MEMBER = "member of T"
    TEAM_CASE_MANAGER = "case manager in T"
    TEAM_COORDINATOR = "coordinator of T"
    OTHER_COORDINATOR = "coordinator of another team"
    ADMINISTRATOR = "platform administrator"
    DPO = "data-protection officer"
    EVALUATOR = "evaluator"
    TRAINER = "trainer"
    TEAM_FOUNDER = "may set up teams, confirmed member of an organisation F"
    FOUNDER_WITHOUT_ORGANISATION = "may set up teams, no confirmed organisation"
    JOB_OWNER = "owner of job J"
    SHARED_AUDIENCE = "member of an organisation I is shared with"
    SHARED_ENDED = "member of an organisation whose share of I has ended"
    CASE_PARTICIPANT = "member of T for an organisation taking part in case C"
    CASE_LEAD_MEMBER = "member of T for C's lead organisation"
    CASE_LEAD_MANAGER = "case manager in T for C's lead organisation, C's case manager"
    CASE_REFERRER = "member of T for the organisation that referred C"
    # --- analysis subjects (edited by the analysis work only) ---
    # --- end analysis subjects ---
    # --- assessments subjects (edited by the assessments work only) ---
    # --- end assessments subjects ---
    # --- interventions subjects (edited by the interventions work only) ---
    # --- end interventions subjects ---
    # --- conferences subjects (edited by the conferences work only) ---
    # --- end conferences subjects ---
    # --- dataprotection subjects (edited by the dataprotection work only) ---
    # --- end dataprotection subjects ---
    # --- training subjects (edited by the training work only) ---
    RUN_TRAINER = "trainer of course run R"
    RUN_LEARNER = "learner enrolled in R, with a certificate from it"
    EXTERNAL_LEARNER = "external learner, in no team (learner-only account)"
    # --- end training subjects ---


S = Subject
A = Action

#: Subjects holding a confirmed organisation membership somewhere.
_WITH_ORGANISATION = frozenset(
    {
        S.ORG_MEMBER,
        S.ORG_ADMIN,
        S.TEAM_OBSERVER,
        S.TEAM_MEMBER,
        S.TEAM_CASE_MANAGER,
        S.TEAM_COORDINATOR,
        S.OTHER_COORDINATOR,
        S.TEAM_FOUNDER,
        S.SHARED_AUDIENCE,
        S.SHARED_ENDED,
        S.CASE_PARTICIPANT,
        S.CASE_LEAD_MEMBER,
        S.CASE_LEAD_MANAGER,
        S.CASE_REFERRER,
    }
)
#: Everyone signed in, except external learners, whose accounts reach only their training.
_SIGNED_IN = frozenset(S) - {S.ANONYMOUS, S.EXTERNAL_LEARNER}
#: Subjects defined by case C; each has a team role in T (member, or case manager for the lead).
_IN_CASE_WORLD = frozenset(
    {S.CASE_PARTICIPANT, S.CASE_LEAD_MEMBER, S.CASE_LEAD_MANAGER, S.CASE_REFERRER}
)
_IN_TEAM = frozenset(
    {S.TEAM_OBSERVER, S.TEAM_MEMBER, S.TEAM_CASE_MANAGER, S.TEAM_COORDINATOR} | _IN_CASE_WORLD
)
#: Team roles other than observer.
_ACTIVE_IN_TEAM = _IN_TEAM - {S.TEAM_OBSERVER}
#: Working on C: organisations taking part now (the lead is one), never by team role alone.
_ON_CASE = frozenset({S.CASE_PARTICIPANT, S.CASE_LEAD_MEMBER, S.CASE_LEAD_MANAGER})
#: The people of C's lead organisation.
_LEAD = frozenset({S.CASE_LEAD_MEMBER, S.CASE_LEAD_MANAGER})

DECLARED: dict[Action, frozenset[Subject]] = {
    A.ORGANISATION_VIEW: _SIGNED_IN,
    A.ORGANISATION_CREATE: frozenset({S.ADMINISTRATOR}),
    A.ORGANISATION_EDIT: frozenset({S.ORG_ADMIN, S.ADMINISTRATOR}),
    A.ORGANISATION_ARCHIVE: frozenset({S.ADMINISTRATOR}),
    A.ORGANISATION_SET_FLAGS: frozenset({S.ADMINISTRATOR}),
    A.ORGANISATION_MANAGE_MEMBERS: frozenset({S.ORG_ADMIN}),
    A.ORGANISATION_APPOINT_ADMIN: frozenset({S.ADMINISTRATOR}),
    A.ORGANISATION_HISTORY: frozenset({S.ORG_ADMIN, S.ADMINISTRATOR}),
    A.TEAM_VIEW: _IN_TEAM | {S.ADMINISTRATOR},
    # teams are set up by administrators and by the people they allow to (with an organisation)
    A.TEAM_CREATE: frozenset({S.ADMINISTRATOR, S.TEAM_FOUNDER}),
    A.TEAM_EDIT: frozenset({S.TEAM_COORDINATOR}),
    A.TEAM_ARCHIVE: frozenset({S.TEAM_COORDINATOR, S.ADMINISTRATOR}),
    A.TEAM_MANAGE_MEMBERS: frozenset({S.TEAM_COORDINATOR}),
    A.TEAM_EXPORT: frozenset({S.TEAM_COORDINATOR}),
    A.TEAM_HISTORY: frozenset({S.TEAM_COORDINATOR, S.ADMINISTRATOR}),
    A.AUDIT_VIEW: frozenset({S.ADMINISTRATOR, S.DPO}),
    A.AUDIT_VERIFY: frozenset({S.ADMINISTRATOR, S.DPO}),
    A.USER_MANAGE: frozenset({S.ADMINISTRATOR}),
    A.JOB_VIEW: frozenset({S.JOB_OWNER}),
    # phases: members and administrators read a team's phase progress, coordinators change it
    A.PHASES_VIEW: _IN_TEAM | {S.ADMINISTRATOR},
    A.PHASES_EDIT: frozenset({S.TEAM_COORDINATOR}),
    A.PHASES_MOVE: frozenset({S.TEAM_COORDINATOR}),
    A.PHASES_ADAPT: frozenset({S.TEAM_COORDINATOR}),
    # plans: members read the plan, coordinators edit it; owners of an action (the world's action
    # is owned by the team organisation) update its status and add progress notes
    A.PLAN_VIEW: _IN_TEAM,
    A.PLAN_EDIT: frozenset({S.TEAM_COORDINATOR}),
    A.PLAN_ACTION_UPDATE: frozenset({S.TEAM_MEMBER, S.TEAM_CASE_MANAGER, S.TEAM_COORDINATOR}),
    # charters: members read the charter and team meetings, coordinators write them; members
    # other than observers confirm a charter version, attendees (not observers) confirm minutes
    A.CHARTER_VIEW: _IN_TEAM,
    A.CHARTER_EDIT: frozenset({S.TEAM_COORDINATOR}),
    A.CHARTER_CONFIRM: _ACTIVE_IN_TEAM,
    A.MEETING_VIEW: _IN_TEAM,
    A.MEETING_EDIT: frozenset({S.TEAM_COORDINATOR}),
    A.MEETING_CONFIRM: _ACTIVE_IN_TEAM,
    # transparency: an organisation's own confirmed people write and confirm its role profile
    # (everyone who sees the organisation reads it); the team reads its protocol and matrix,
    # coordinators change the protocol
    A.ORGANISATION_PROFILE_EDIT: frozenset({S.ORG_MEMBER, S.ORG_ADMIN}),
    A.TEAM_TRANSPARENCY_VIEW: _IN_TEAM,
    A.TEAM_PROTOCOL_EDIT: frozenset({S.TEAM_COORDINATOR}),
    # instruments: everyone signed in reads the methodology; platform administrators publish
    # new versions (content versions are the operator's job)
    A.INSTRUMENT_VIEW: _SIGNED_IN,
    A.INSTRUMENT_IMPORT: frozenset({S.ADMINISTRATOR}),
    # a test's answer key (the scores of a knowledge check's choices) is read by those who
    # manage instruments and training; everyone else reads the questions without it
    A.INSTRUMENT_ANSWER_KEY: frozenset({S.ADMINISTRATOR, S.TRAINER, S.RUN_TRAINER}),
    # diagnostics: the team sees its rounds and their results (aggregates only), coordinators
    # open, invite and close; invitees (the world's round invites every team role but observers)
    # answer while the round is open
    A.DIAGNOSTICS_VIEW: _IN_TEAM,
    A.DIAGNOSTICS_MANAGE: frozenset({S.TEAM_COORDINATOR}),
    A.DIAGNOSTICS_RESPOND: frozenset({S.TEAM_MEMBER, S.TEAM_CASE_MANAGER, S.TEAM_COORDINATOR}),
    A.DIAGNOSTICS_RESULTS: _IN_TEAM,
    # sharing: a shared item is seen by the organisation it comes from and by organisations it
    # is shared with while the share is in effect, never through a team or platform role; only
    # its origin shares it onward or ends a share. Bases: recorded by anyone with a confirmed
    # organisation (for it), withdrawn by the organisation holding it (the world's is O's).
    A.SHARED_VIEW: frozenset({S.ORG_MEMBER, S.ORG_ADMIN, S.SHARED_AUDIENCE}),
    A.SHARED_SHARE: frozenset({S.ORG_MEMBER, S.ORG_ADMIN}),
    A.SHARED_END: frozenset({S.ORG_MEMBER, S.ORG_ADMIN}),
    A.BASIS_RECORD: _WITH_ORGANISATION,
    A.BASIS_WITHDRAW: frozenset({S.ORG_MEMBER, S.ORG_ADMIN}),
    # cases: the team's case list and referral form are open to its roles (the list shows only
    # what participation reaches); case managers of T triage referrals; the referrer sees the
    # status of its referral only; a case is seen and worked on by the organisations taking
    # part (never by a team or platform role alone), managed by C's case manager in the lead
    # organisation; the lead organisation and the DPO read the access log (so both find C);
    # the DPO's review queue is global
    A.CASE_LIST: _IN_TEAM,
    A.CASE_FIND: _ON_CASE | {S.CASE_REFERRER, S.DPO},
    A.CASE_REFER: _ACTIVE_IN_TEAM,
    A.CASE_TRIAGE: frozenset({S.TEAM_CASE_MANAGER, S.CASE_LEAD_MANAGER}),
    A.CASE_REFERRAL_STATUS: frozenset({S.CASE_REFERRER}),
    A.CASE_VIEW: _ON_CASE,
    A.CASE_WORK: _ON_CASE,
    A.CASE_MANAGE: frozenset({S.CASE_LEAD_MANAGER}),
    A.CASE_IDENTITY_SEARCH: _ACTIVE_IN_TEAM,
    A.CASE_ACCESS_LOG: frozenset({S.CASE_LEAD_MEMBER, S.CASE_LEAD_MANAGER, S.DPO}),
    A.CASE_PRIVACY: frozenset({S.DPO}),
    # --- analysis declared (edited by the analysis work only) ---
    # analysis: the organisations taking part in C read its Social Diagnostics (each perspective
    # then only as shared) and record their own perspectives; C's case manager in the lead
    # starts analyses and records the agreed case formulation
    A.ANALYSIS_VIEW: _ON_CASE,
    A.ANALYSIS_RECORD: _ON_CASE,
    A.ANALYSIS_MANAGE: frozenset({S.CASE_LEAD_MANAGER}),
    # --- end analysis declared ---
    # --- assessments declared (edited by the assessments work only) ---
    # assessments: the organisations taking part in C read its D&R phase and tracks (what each
    # reads of entries is what the kernel shares with it) and record track entries; C's case
    # manager in the lead records the case-work phase; risk references are recorded by
    # designated assessors of a participating organisation (the world designates P's member);
    # an organisation's administrator designates its assessors (no object: their own people)
    A.ASSESSMENT_VIEW: _ON_CASE,
    A.ASSESSMENT_RECORD_TRACK: _ON_CASE,
    A.ASSESSMENT_PHASE: frozenset({S.CASE_LEAD_MANAGER}),
    A.ASSESSMENT_RECORD_RISK: frozenset({S.CASE_PARTICIPANT}),
    A.ASSESSMENT_DESIGNATE: frozenset({S.ORG_ADMIN}),
    # --- end assessments declared ---
    # --- interventions declared (edited by the interventions work only) ---
    # interventions: the plan pages of C are opened by the organisations taking part (the plan
    # itself only once L shared it: the world's is shared with P); L's case manager edits the
    # plan and records outcomes; the organisations taking part record contacts and the
    # responsible one marks its measures. New offences are reported only by a justice agency
    # taking part: in the world's case C3 the police (the team subjects' organisation) does, so
    # its members other than observers may; nobody on C.
    A.INTERVENTION_VIEW: _ON_CASE,
    A.INTERVENTION_MANAGE: frozenset({S.CASE_LEAD_MANAGER}),
    A.INTERVENTION_CONTRIBUTE: _ON_CASE,
    A.OUTCOME_RECORD: frozenset({S.CASE_LEAD_MANAGER}),
    A.OFFENCE_REPORT: frozenset({S.TEAM_MEMBER, S.TEAM_CASE_MANAGER, S.TEAM_COORDINATOR}),
    # --- end interventions declared ---
    # --- conferences declared (edited by the conferences work only) ---
    # conferences: the team's roles open the conference pages (per case they see only what the
    # sharing kernel lets their organisation see); coordinators and case managers convene and
    # edit the agenda; the attendee for C's lead organisation (L's case manager) opens and
    # writes C's minutes; the attendees present for C (L and P; the police attends but takes
    # no part in C) confirm them
    A.CONFERENCE_VIEW: _IN_TEAM,
    A.CONFERENCE_MANAGE: frozenset({S.TEAM_COORDINATOR, S.TEAM_CASE_MANAGER, S.CASE_LEAD_MANAGER}),
    A.CONFERENCE_RECORD: frozenset({S.CASE_LEAD_MANAGER}),
    A.CONFERENCE_CONFIRM: frozenset({S.CASE_LEAD_MANAGER, S.CASE_PARTICIPANT}),
    # --- end conferences declared ---
    # --- dataprotection declared (edited by the dataprotection work only) ---
    # privacy operations: the DPO sets retention, erases and reads the record of processing;
    # the lead organisation of C records a client's request for a copy; every organisation that
    # holds a part of it (the world's: L and P, and F, whose referral is a part) sees the request
    # and answers for its own part
    A.DATAPROTECTION_RETENTION: frozenset({S.DPO}),
    A.DATAPROTECTION_ERASE: frozenset({S.DPO}),
    A.DATAPROTECTION_RECORD: frozenset({S.DPO}),
    A.DATAPROTECTION_EXPORT_REQUEST: _LEAD,
    A.DATAPROTECTION_EXPORT_VIEW: _ON_CASE | {S.CASE_REFERRER},
    A.DATAPROTECTION_EXPORT_RELEASE: _ON_CASE | {S.CASE_REFERRER},
    # the DPO oversees every export request (state, dates, pseudonym)
    A.DATAPROTECTION_EXPORT_OVERSEE: frozenset({S.DPO}),
    # --- end dataprotection declared ---
    # --- training declared (edited by the training work only) ---
    # training: everyone signed in reads the courses and their own training; trainers (the
    # role) set up runs and approve external learners; run R of team T is taught by R's trainer,
    # seen by its learner and T's coordinator; R is not open for requests, the open run R2 is
    # (R's trainer teaches it, so may not ask to join it); T's coordinator enrols T's members in
    # R; R's learner works on their own enrolment and holds a certificate from R
    A.TRAINING_VIEW: _SIGNED_IN | {S.EXTERNAL_LEARNER},
    A.TRAINING_RUN_CREATE: frozenset({S.TRAINER, S.RUN_TRAINER, S.ADMINISTRATOR}),
    A.TRAINING_LEARNERS_APPROVE: frozenset({S.TRAINER, S.RUN_TRAINER, S.ADMINISTRATOR}),
    A.TRAINING_RUN_VIEW: frozenset(
        {S.RUN_TRAINER, S.RUN_LEARNER, S.TEAM_COORDINATOR, S.ADMINISTRATOR}
    ),
    A.TRAINING_RUN_MANAGE: frozenset({S.RUN_TRAINER, S.ADMINISTRATOR}),
    A.TRAINING_RUN_ENROL: frozenset({S.RUN_TRAINER, S.TEAM_COORDINATOR, S.ADMINISTRATOR}),
    A.TRAINING_RUN_JOIN: (_SIGNED_IN | {S.EXTERNAL_LEARNER}) - {S.RUN_TRAINER},
    A.TRAINING_ENROLMENT_VIEW: frozenset({S.RUN_LEARNER, S.RUN_TRAINER, S.ADMINISTRATOR}),
    A.TRAINING_ENROLMENT_WORK: frozenset({S.RUN_LEARNER}),
    A.TRAINING_COVERAGE_VIEW: frozenset({S.TEAM_COORDINATOR}),
    A.TRAINING_GATE_EDIT: frozenset({S.TEAM_COORDINATOR}),
    A.CERTIFICATE_VIEW: frozenset({S.RUN_LEARNER, S.RUN_TRAINER, S.ADMINISTRATOR}),
    A.CERTIFICATE_REVOKE: frozenset({S.RUN_TRAINER, S.ADMINISTRATOR}),
    # --- end training declared ---
}


class Open(StrEnum):
    """Pages outside the action table."""

    PUBLIC = "anyone, signed in or not"
    SIGNED_IN = "anyone signed in"


@dataclass(frozen=True)
class Rule:
    """What a URL and method needs: an action (on an object) or an open rule."""

    need: Action | Open
    obj: str | None = None
    #: Further actions any one of which also allows the request.
    also: tuple[Action, ...] = ()
    #: A rule of the page beyond the action: only these subjects go on (others get 403), e.g.
    #: only the organisation an item comes from shares it or ends its shares.
    only: frozenset[Subject] | None = None


def _r(
    need: Action | Open,
    obj: str | None = None,
    also: tuple[Action, ...] = (),
    only: frozenset[Subject] | None = None,
) -> Rule:
    return Rule(need, obj, also, only)


PUB, SIGNED = _r(Open.PUBLIC), _r(Open.SIGNED_IN)

#: Page URL name (or ``api:<operation>``) -> method -> rule. Objects: org, team, membership
#: (a pending membership of O), team_member, invitation, job, token (the subject's own); cases:
#: "cases" (the case pages of T: found by anyone with a role in T), "case" (case C, and its
#: note, decisions, consent and notice: found by whoever finds C), "referral" (R, waiting for
#: triage, referred by F). A page that cannot find its object answers 404, one that finds it
#: but refuses the action 403.
URLS: dict[str, dict[str, Rule]] = {
    "healthz": {"GET": PUB},
    "web:home": {"GET": SIGNED},
    "web:language": {"POST": PUB},
    "web:audit": {"GET": _r(A.AUDIT_VIEW), "POST": _r(A.AUDIT_VERIFY)},
    # the confirmation page only shows a signed ticket; the form it posts checks access itself
    "web:confirm": {"GET": SIGNED},
    "web:job": {"GET": _r(A.JOB_VIEW, "job")},
    "web:job_download": {"GET": _r(A.JOB_VIEW, "job")},
    "accounts:login": {"GET": PUB, "POST": PUB},
    "accounts:logout": {"POST": PUB},
    "accounts:profile": {"GET": SIGNED},
    "accounts:password_change": {"GET": SIGNED, "POST": SIGNED},
    "accounts:password_set": {"GET": PUB, "POST": PUB},
    "accounts:mfa": {"GET": SIGNED, "POST": SIGNED},
    "accounts:recovery_codes": {"GET": SIGNED, "POST": SIGNED},
    "accounts:reauth": {"GET": SIGNED, "POST": SIGNED},
    "accounts:end_all_sessions": {"POST": SIGNED},
    "accounts:tokens": {"GET": SIGNED, "POST": SIGNED},
    "accounts:token_revoke": {"POST": _r(Open.SIGNED_IN, "token")},
    "accounts:users": {"GET": _r(A.USER_MANAGE)},
    "accounts:user_deactivate": {"POST": _r(A.USER_MANAGE)},
    "accounts:user_reactivate": {"POST": _r(A.USER_MANAGE)},
    "accounts:user_mfa_reset": {"POST": _r(A.USER_MANAGE)},
    "accounts:user_team_founder": {"POST": _r(A.USER_MANAGE)},
    "stakeholders:list": {"GET": SIGNED},
    "stakeholders:create": {"GET": _r(A.ORGANISATION_CREATE), "POST": _r(A.ORGANISATION_CREATE)},
    "stakeholders:detail": {"GET": _r(A.ORGANISATION_VIEW, "org")},
    "stakeholders:history": {"GET": _r(A.ORGANISATION_HISTORY, "org")},
    "stakeholders:edit": {
        "GET": _r(A.ORGANISATION_EDIT, "org"),
        "POST": _r(A.ORGANISATION_EDIT, "org"),
    },
    "stakeholders:flags": {
        "GET": _r(A.ORGANISATION_SET_FLAGS, "org"),
        "POST": _r(A.ORGANISATION_SET_FLAGS, "org"),
    },
    "stakeholders:archive": {"POST": _r(A.ORGANISATION_ARCHIVE, "org")},
    "stakeholders:member_add": {
        "GET": _r(A.ORGANISATION_MANAGE_MEMBERS, "org", (A.ORGANISATION_APPOINT_ADMIN,)),
        "POST": _r(A.ORGANISATION_MANAGE_MEMBERS, "org", (A.ORGANISATION_APPOINT_ADMIN,)),
    },
    "stakeholders:member_confirm": {"POST": _r(A.ORGANISATION_MANAGE_MEMBERS, "org")},
    "stakeholders:member_end": {"POST": _r(A.ORGANISATION_MANAGE_MEMBERS, "org")},
    "stakeholders:profile_edit": {
        "GET": _r(A.ORGANISATION_PROFILE_EDIT, "org"),
        "POST": _r(A.ORGANISATION_PROFILE_EDIT, "org"),
    },
    "stakeholders:profile_confirm": {"POST": _r(A.ORGANISATION_PROFILE_EDIT, "org")},
    "stakeholders:profile_versions": {"GET": _r(A.ORGANISATION_VIEW, "org")},
    "transparency:matrix": {"GET": _r(A.TEAM_TRANSPARENCY_VIEW, "team")},
    "transparency:matrix_pdf": {"POST": _r(A.TEAM_TRANSPARENCY_VIEW, "team")},
    "transparency:matrix_csv": {"GET": _r(A.TEAM_TRANSPARENCY_VIEW, "team")},
    "transparency:protocol": {"GET": _r(A.TEAM_TRANSPARENCY_VIEW, "team")},
    "transparency:row_add": {
        "GET": _r(A.TEAM_PROTOCOL_EDIT, "team"),
        "POST": _r(A.TEAM_PROTOCOL_EDIT, "team"),
    },
    "transparency:row_edit": {
        "GET": _r(A.TEAM_PROTOCOL_EDIT, "team"),
        "POST": _r(A.TEAM_PROTOCOL_EDIT, "team"),
    },
    "transparency:row_delete": {"POST": _r(A.TEAM_PROTOCOL_EDIT, "team")},
    "teams:list": {"GET": SIGNED},
    "teams:create": {"GET": _r(A.TEAM_CREATE), "POST": _r(A.TEAM_CREATE)},
    "teams:detail": {"GET": _r(A.TEAM_VIEW, "team")},
    "teams:history": {"GET": _r(A.TEAM_HISTORY, "team")},
    "teams:edit": {"GET": _r(A.TEAM_EDIT, "team"), "POST": _r(A.TEAM_EDIT, "team")},
    "teams:archive": {"POST": _r(A.TEAM_ARCHIVE, "team")},
    "teams:organisation_add": {"POST": _r(A.TEAM_MANAGE_MEMBERS, "team")},
    "teams:organisation_remove": {"POST": _r(A.TEAM_MANAGE_MEMBERS, "team")},
    "teams:member_new": {"GET": _r(A.TEAM_MANAGE_MEMBERS, "team")},
    "teams:member_add": {"POST": _r(A.TEAM_MANAGE_MEMBERS, "team")},
    "teams:member_role": {"POST": _r(A.TEAM_MANAGE_MEMBERS, "team")},
    "teams:member_remove": {"POST": _r(A.TEAM_MANAGE_MEMBERS, "team")},
    "teams:invite": {"POST": _r(A.TEAM_MANAGE_MEMBERS, "team")},
    "teams:invitation_revoke": {"POST": _r(A.TEAM_MANAGE_MEMBERS, "team")},
    "teams:export": {"POST": _r(A.TEAM_EXPORT, "team")},
    "teams:invitation_accept": {"GET": PUB, "POST": PUB},
    "api:openapi-json": {"GET": PUB},
    "api:openapi-view": {"GET": PUB},
    "api:me": {"GET": SIGNED},
    "api:audit_events": {"GET": _r(A.AUDIT_VIEW)},
    "api:audit_chain": {"GET": _r(A.AUDIT_VIEW)},
    "api:audit_chain_verify": {"POST": _r(A.AUDIT_VERIFY)},
    "api:list_organisations": {"GET": SIGNED},
    "api:create_organisation": {"POST": _r(A.ORGANISATION_CREATE)},
    "api:get_organisation": {"GET": _r(A.ORGANISATION_VIEW, "org")},
    "api:update_organisation": {"PUT": _r(A.ORGANISATION_EDIT, "org")},
    "api:set_flags": {"POST": _r(A.ORGANISATION_SET_FLAGS, "org")},
    "api:archive_organisation": {"POST": _r(A.ORGANISATION_ARCHIVE, "org")},
    "api:list_members": {"GET": _r(A.ORGANISATION_MANAGE_MEMBERS, "org")},
    "api:add_member": {"POST": _r(A.ORGANISATION_MANAGE_MEMBERS, "org")},
    "api:confirm_member": {"POST": _r(A.ORGANISATION_MANAGE_MEMBERS, "org")},
    "api:end_member": {"POST": _r(A.ORGANISATION_MANAGE_MEMBERS, "org")},
    "api:list_teams": {"GET": SIGNED},
    "api:create_team": {"POST": _r(A.TEAM_CREATE)},
    "api:get_team": {"GET": _r(A.TEAM_VIEW, "team")},
    "api:update_team": {"PUT": _r(A.TEAM_EDIT, "team")},
    "api:archive_team": {"POST": _r(A.TEAM_ARCHIVE, "team")},
    "api:list_team_members": {"GET": _r(A.TEAM_VIEW, "team")},
    "api:add_organisation": {"POST": _r(A.TEAM_MANAGE_MEMBERS, "team")},
    "api:add_team_member": {"POST": _r(A.TEAM_MANAGE_MEMBERS, "team")},
    "api:set_role": {"PUT": _r(A.TEAM_MANAGE_MEMBERS, "team")},
    "api:remove_member": {"DELETE": _r(A.TEAM_MANAGE_MEMBERS, "team")},
    "api:invite": {"POST": _r(A.TEAM_MANAGE_MEMBERS, "team")},
    "api:get_role_profile": {"GET": _r(A.ORGANISATION_VIEW, "org")},
    "api:list_role_profile_versions": {"GET": _r(A.ORGANISATION_VIEW, "org")},
    "api:save_role_profile": {"POST": _r(A.ORGANISATION_PROFILE_EDIT, "org")},
    "api:confirm_role_profile": {"POST": _r(A.ORGANISATION_PROFILE_EDIT, "org")},
    "api:list_protocol_rows": {"GET": _r(A.TEAM_TRANSPARENCY_VIEW, "team")},
    "api:create_protocol_row": {"POST": _r(A.TEAM_PROTOCOL_EDIT, "team")},
    "api:update_protocol_row": {"PUT": _r(A.TEAM_PROTOCOL_EDIT, "team")},
    "api:delete_protocol_row": {"DELETE": _r(A.TEAM_PROTOCOL_EDIT, "team")},
    "api:get_transparency_matrix": {"GET": _r(A.TEAM_TRANSPARENCY_VIEW, "team")},
    # phases (a team's progress through the phase model)
    "phases:detail": {"GET": _r(A.PHASES_VIEW, "team")},
    "phases:task_update": {"POST": _r(A.PHASES_EDIT, "team")},
    "phases:goal_from_task": {"POST": _r(A.PLAN_EDIT, "team")},
    "phases:move": {"POST": _r(A.PHASES_MOVE, "team")},
    "phases:adapt": {"GET": _r(A.PHASES_ADAPT, "team"), "POST": _r(A.PHASES_ADAPT, "team")},
    "phases:upgrade": {"GET": _r(A.PHASES_VIEW, "team"), "POST": _r(A.PHASES_ADAPT, "team")},
    "api:get_phase_progress": {"GET": _r(A.PHASES_VIEW, "team")},
    "api:get_phase_model": {"GET": _r(A.PHASES_VIEW, "team")},
    "api:update_phase_task": {"PUT": _r(A.PHASES_EDIT, "team")},
    "api:move_phase": {"POST": _r(A.PHASES_MOVE, "team")},
    "api:derive_phase_model": {"POST": _r(A.PHASES_ADAPT, "team")},
    "api:get_phase_model_upgrade": {"GET": _r(A.PHASES_VIEW, "team")},
    "api:upgrade_phase_model": {"POST": _r(A.PHASES_ADAPT, "team")},
    # plans (team plan: goals, actions, risks)
    "plans:plan": {"GET": _r(A.PLAN_VIEW, "team")},
    "plans:export_pdf": {"POST": _r(A.PLAN_VIEW, "team")},
    "plans:export_csv": {"GET": _r(A.PLAN_VIEW, "team")},
    "plans:goal_create": {"GET": _r(A.PLAN_EDIT, "team"), "POST": _r(A.PLAN_EDIT, "team")},
    "plans:goal": {"GET": _r(A.PLAN_VIEW, "team")},
    "plans:goal_edit": {"GET": _r(A.PLAN_EDIT, "team"), "POST": _r(A.PLAN_EDIT, "team")},
    "plans:action_create": {"POST": _r(A.PLAN_EDIT, "team")},
    "plans:action_edit": {"GET": _r(A.PLAN_EDIT, "team"), "POST": _r(A.PLAN_EDIT, "team")},
    "plans:action_status": {"POST": _r(A.PLAN_ACTION_UPDATE, "team")},
    "plans:action_note": {"POST": _r(A.PLAN_ACTION_UPDATE, "team")},
    "plans:risks": {"GET": _r(A.PLAN_VIEW, "team")},
    "plans:risk_create": {"GET": _r(A.PLAN_EDIT, "team"), "POST": _r(A.PLAN_EDIT, "team")},
    "plans:risk_edit": {"GET": _r(A.PLAN_EDIT, "team"), "POST": _r(A.PLAN_EDIT, "team")},
    "api:list_goals": {"GET": _r(A.PLAN_VIEW, "team")},
    "api:create_goal": {"POST": _r(A.PLAN_EDIT, "team")},
    "api:get_goal": {"GET": _r(A.PLAN_VIEW, "team")},
    "api:update_goal": {"PUT": _r(A.PLAN_EDIT, "team")},
    "api:create_plan_action": {"POST": _r(A.PLAN_EDIT, "team")},
    "api:update_plan_action": {"PUT": _r(A.PLAN_EDIT, "team")},
    "api:set_plan_action_status": {"POST": _r(A.PLAN_ACTION_UPDATE, "team")},
    "api:add_plan_action_note": {"POST": _r(A.PLAN_ACTION_UPDATE, "team")},
    "api:list_risks": {"GET": _r(A.PLAN_VIEW, "team")},
    "api:create_risk": {"POST": _r(A.PLAN_EDIT, "team")},
    "api:update_risk": {"PUT": _r(A.PLAN_EDIT, "team")},
    # charters (team charter and team meetings)
    "charters:charter": {"GET": _r(A.CHARTER_VIEW, "team")},
    "charters:versions": {"GET": _r(A.CHARTER_VIEW, "team")},
    "charters:version": {"GET": _r(A.CHARTER_VIEW, "team")},
    "charters:version_pdf": {"POST": _r(A.CHARTER_VIEW, "team")},
    "charters:confirm": {"POST": _r(A.CHARTER_CONFIRM, "team")},
    "charters:draft": {"GET": _r(A.CHARTER_EDIT, "team"), "POST": _r(A.CHARTER_EDIT, "team")},
    "charters:draft_start": {"POST": _r(A.CHARTER_EDIT, "team")},
    "charters:draft_discard": {"POST": _r(A.CHARTER_EDIT, "team")},
    "charters:meetings": {"GET": _r(A.MEETING_VIEW, "team")},
    "charters:meeting_create": {
        "GET": _r(A.MEETING_EDIT, "team"),
        "POST": _r(A.MEETING_EDIT, "team"),
    },
    "charters:meeting": {"GET": _r(A.MEETING_VIEW, "team")},
    "charters:meeting_edit": {
        "GET": _r(A.MEETING_EDIT, "team"),
        "POST": _r(A.MEETING_EDIT, "team"),
    },
    "charters:meeting_circulate": {"POST": _r(A.MEETING_EDIT, "team")},
    "charters:meeting_confirm": {"POST": _r(A.MEETING_CONFIRM, "team")},
    "charters:meeting_freeze": {"POST": _r(A.MEETING_EDIT, "team")},
    "charters:meeting_correct": {
        "GET": _r(A.MEETING_EDIT, "team"),
        "POST": _r(A.MEETING_EDIT, "team"),
    },
    "api:list_charter_versions": {"GET": _r(A.CHARTER_VIEW, "team")},
    "api:get_charter_version": {"GET": _r(A.CHARTER_VIEW, "team")},
    "api:get_charter_confirmations": {"GET": _r(A.CHARTER_VIEW, "team")},
    "api:confirm_charter_version": {"POST": _r(A.CHARTER_CONFIRM, "team")},
    "api:get_charter_draft": {"GET": _r(A.CHARTER_EDIT, "team")},
    "api:start_charter_draft": {"POST": _r(A.CHARTER_EDIT, "team")},
    "api:update_charter_draft": {"PUT": _r(A.CHARTER_EDIT, "team")},
    "api:discard_charter_draft": {"DELETE": _r(A.CHARTER_EDIT, "team")},
    "api:publish_charter_draft": {"POST": _r(A.CHARTER_EDIT, "team")},
    "api:list_meetings": {"GET": _r(A.MEETING_VIEW, "team")},
    "api:create_meeting": {"POST": _r(A.MEETING_EDIT, "team")},
    "api:get_meeting": {"GET": _r(A.MEETING_VIEW, "team")},
    "api:update_meeting": {"PUT": _r(A.MEETING_EDIT, "team")},
    "api:circulate_minutes": {"POST": _r(A.MEETING_EDIT, "team")},
    "api:confirm_minutes": {"POST": _r(A.MEETING_CONFIRM, "team")},
    "api:freeze_minutes": {"POST": _r(A.MEETING_EDIT, "team")},
    "api:correct_minutes": {"POST": _r(A.MEETING_EDIT, "team")},
    "charters:decision_plan": {
        "GET": _r(A.MEETING_EDIT, "team"),
        "POST": _r(A.MEETING_EDIT, "team"),
    },
    "api:create_goal_from_decision": {"POST": _r(A.MEETING_EDIT, "team")},
    "api:create_action_from_decision": {"POST": _r(A.MEETING_EDIT, "team")},
    # instruments
    "instruments:list": {"GET": _r(A.INSTRUMENT_VIEW)},
    "instruments:version": {"GET": _r(A.INSTRUMENT_VIEW)},
    "instruments:xlsform": {"GET": _r(A.INSTRUMENT_VIEW)},
    "instruments:import": {"GET": _r(A.INSTRUMENT_IMPORT), "POST": _r(A.INSTRUMENT_IMPORT)},
    "api:list_instruments": {"GET": _r(A.INSTRUMENT_VIEW)},
    "api:get_instrument_version": {"GET": _r(A.INSTRUMENT_VIEW)},
    "api:import_instrument": {"POST": _r(A.INSTRUMENT_IMPORT)},
    # diagnostics (the world's round R is open; a closed round C has results)
    "diagnostics:rounds": {"GET": _r(A.DIAGNOSTICS_VIEW, "team")},
    "diagnostics:round_open": {
        "GET": _r(A.DIAGNOSTICS_MANAGE, "team"),
        "POST": _r(A.DIAGNOSTICS_MANAGE, "team"),
    },
    "diagnostics:round": {"GET": _r(A.DIAGNOSTICS_VIEW, "team")},
    "diagnostics:round_remind": {"POST": _r(A.DIAGNOSTICS_MANAGE, "team")},
    "diagnostics:round_close": {"POST": _r(A.DIAGNOSTICS_MANAGE, "team")},
    "diagnostics:respond": {
        "GET": _r(A.DIAGNOSTICS_RESPOND, "team"),
        "POST": _r(A.DIAGNOSTICS_RESPOND, "team"),
    },
    "diagnostics:results": {"GET": _r(A.DIAGNOSTICS_RESULTS, "team")},
    "diagnostics:results_pdf": {"POST": _r(A.DIAGNOSTICS_RESULTS, "team")},
    "diagnostics:results_csv": {"GET": _r(A.DIAGNOSTICS_RESULTS, "team")},
    "diagnostics:recommendation_plan": {
        "GET": _r(A.PLAN_EDIT, "team"),
        "POST": _r(A.PLAN_EDIT, "team"),
    },
    "api:list_rounds": {"GET": _r(A.DIAGNOSTICS_VIEW, "team")},
    "api:open_round": {"POST": _r(A.DIAGNOSTICS_MANAGE, "team")},
    "api:get_round": {"GET": _r(A.DIAGNOSTICS_VIEW, "team")},
    "api:round_invitees": {"GET": _r(A.DIAGNOSTICS_MANAGE, "team")},
    "api:close_round": {"POST": _r(A.DIAGNOSTICS_MANAGE, "team")},
    "api:get_my_response": {"GET": _r(A.DIAGNOSTICS_RESPOND, "team")},
    "api:save_my_response": {"PUT": _r(A.DIAGNOSTICS_RESPOND, "team")},
    "api:submit_my_response": {"POST": _r(A.DIAGNOSTICS_RESPOND, "team")},
    "api:get_round_results": {"GET": _r(A.DIAGNOSTICS_RESULTS, "team")},
    # cases (C accepted, led by L and managed by its case manager; P takes part; F referred
    # C and R; N a note of L with a document, shared with P under decision D; the identity
    # shared with P under L's consent K; an imminent-danger decision of L to P waits for the
    # DPO; a match notice of C; a restriction request on C; C2 a restricted case)
    "cases:list": {"GET": _r(A.CASE_LIST, "cases")},
    "cases:refer": {"GET": _r(A.CASE_REFER, "cases"), "POST": _r(A.CASE_REFER, "cases")},
    # identity search is a POST: a name never stands in a URL
    "cases:search": {
        "GET": _r(A.CASE_IDENTITY_SEARCH, "cases"),
        "POST": _r(A.CASE_IDENTITY_SEARCH, "cases"),
    },
    "cases:case": {"GET": _r(A.CASE_VIEW, "case")},
    "cases:status": {"GET": _r(A.CASE_REFERRAL_STATUS, "case")},
    "cases:triage": {"GET": _r(A.CASE_TRIAGE, "referral"), "POST": _r(A.CASE_TRIAGE, "referral")},
    "cases:move": {"POST": _r(A.CASE_MANAGE, "case")},
    "cases:edit": {"GET": _r(A.CASE_MANAGE, "case"), "POST": _r(A.CASE_MANAGE, "case")},
    "cases:participants": {
        "GET": _r(A.CASE_MANAGE, "case"),
        "POST": _r(A.CASE_MANAGE, "case"),
    },
    "cases:transfer": {"GET": _r(A.CASE_MANAGE, "case"), "POST": _r(A.CASE_MANAGE, "case")},
    # the identity: read by the lead and those it was shared with (P), recorded by the lead
    "cases:identity": {
        "GET": _r(A.CASE_VIEW, "case"),
        "POST": _r(A.CASE_WORK, "case", only=_LEAD),
    },
    "cases:access_log": {"GET": _r(A.CASE_ACCESS_LOG, "case")},
    "cases:timeline": {"GET": _r(A.CASE_VIEW, "case")},
    "cases:notice_seen": {"POST": _r(A.CASE_MANAGE, "case")},
    "cases:note_add": {"GET": _r(A.CASE_WORK, "case"), "POST": _r(A.CASE_WORK, "case")},
    "cases:note": {"GET": _r(A.CASE_VIEW, "case")},
    "cases:note_document": {"GET": _r(A.CASE_VIEW, "case")},
    # only the organisation an item comes from shares it, ends its shares, confirms a danger
    # share (a second person: the world's was decided by another member of L) and records the
    # withdrawal of a consent given to it; a recipient asks it to share further
    "cases:share": {
        "GET": _r(A.CASE_WORK, "case", only=_LEAD),
        "POST": _r(A.CASE_WORK, "case", only=_LEAD),
    },
    "cases:share_end": {"POST": _r(A.CASE_WORK, "case", only=_LEAD)},
    "cases:danger_confirm": {"POST": _r(A.CASE_WORK, "case", only=_LEAD)},
    "cases:share_request": {"GET": _r(A.CASE_WORK, "case"), "POST": _r(A.CASE_WORK, "case")},
    "cases:consents": {"GET": _r(A.CASE_VIEW, "case"), "POST": _r(A.CASE_WORK, "case")},
    "cases:consent_withdraw": {
        "GET": _r(A.CASE_WORK, "case", only=_LEAD),
        "POST": _r(A.CASE_WORK, "case", only=_LEAD),
    },
    "cases:consent_template": {"GET": _r(A.CASE_VIEW, "case")},
    "cases:ledger": {"GET": _r(A.CASE_VIEW, "case")},
    "cases:restriction": {"GET": _r(A.CASE_WORK, "case"), "POST": _r(A.CASE_WORK, "case")},
    "privacy:queue": {"GET": _r(A.CASE_PRIVACY)},
    "privacy:danger_review": {"GET": _r(A.CASE_PRIVACY), "POST": _r(A.CASE_PRIVACY)},
    "privacy:restriction_decide": {"GET": _r(A.CASE_PRIVACY), "POST": _r(A.CASE_PRIVACY)},
    "privacy:restriction_lift": {"GET": _r(A.CASE_PRIVACY), "POST": _r(A.CASE_PRIVACY)},
    # the cases API (the same world; triage acts on R)
    "api:list_cases": {"GET": _r(A.CASE_LIST, "cases")},
    "api:list_referrals_to_triage": {"GET": _r(A.CASE_TRIAGE, "cases")},
    "api:list_referrals_sent": {"GET": _r(A.CASE_LIST, "cases")},
    "api:create_referral": {"POST": _r(A.CASE_REFER, "cases")},
    "api:search_cases": {"POST": _r(A.CASE_IDENTITY_SEARCH, "cases")},
    "api:triage_case": {"POST": _r(A.CASE_TRIAGE, "referral")},
    "api:get_case": {"GET": _r(A.CASE_VIEW, "case")},
    "api:update_case": {"PATCH": _r(A.CASE_MANAGE, "case")},
    "api:move_case": {"POST": _r(A.CASE_MANAGE, "case")},
    "api:add_participant": {"POST": _r(A.CASE_MANAGE, "case")},
    "api:remove_participant": {"DELETE": _r(A.CASE_MANAGE, "case")},
    "api:transfer_case": {"POST": _r(A.CASE_MANAGE, "case")},
    "api:get_identity": {"GET": _r(A.CASE_VIEW, "case")},
    "api:set_identity": {"PUT": _r(A.CASE_WORK, "case", only=_LEAD)},
    "api:list_notes": {"GET": _r(A.CASE_VIEW, "case")},
    "api:create_note": {"POST": _r(A.CASE_WORK, "case")},
    "api:get_note": {"GET": _r(A.CASE_VIEW, "case")},
    "api:share_item": {"POST": _r(A.CASE_WORK, "case", only=_LEAD)},
    "api:end_share": {"POST": _r(A.CASE_WORK, "case", only=_LEAD)},
    "api:confirm_share": {"POST": _r(A.CASE_WORK, "case", only=_LEAD)},
    "api:list_ledger": {"GET": _r(A.CASE_VIEW, "case")},
    "api:list_consents": {"GET": _r(A.CASE_VIEW, "case")},
    "api:record_consent": {"POST": _r(A.CASE_WORK, "case")},
    "api:withdraw_consent": {"POST": _r(A.CASE_WORK, "case", only=_LEAD)},
    "api:request_restriction": {"POST": _r(A.CASE_WORK, "case")},
    "api:list_access_log": {"GET": _r(A.CASE_ACCESS_LOG, "case")},
    "api:get_timeline": {"GET": _r(A.CASE_VIEW, "case")},
    "api:list_match_notices": {"GET": _r(A.CASE_MANAGE, "case")},
    "api:see_match_notice": {"POST": _r(A.CASE_MANAGE, "case")},
    "api:add_relative": {"POST": _r(A.CASE_WORK, "case", only=_LEAD)},
    "api:set_capacity": {"PUT": _r(A.CASE_WORK, "case", only=_LEAD)},
    "api:get_note_document": {"GET": _r(A.CASE_VIEW, "case")},
    "api:list_share_requests": {"GET": _r(A.CASE_VIEW, "case")},
    "api:request_share": {"POST": _r(A.CASE_WORK, "case")},
    # --- analysis urls (edited by the analysis work only) ---
    # (analysis A of C; perspective X of L, submitted and shared with P; formulation F of L,
    # shared with P; only the organisation a perspective comes from changes it)
    "analysis:overview": {"GET": _r(A.ANALYSIS_VIEW, "case")},
    "analysis:open": {"GET": _r(A.ANALYSIS_MANAGE, "case"), "POST": _r(A.ANALYSIS_MANAGE, "case")},
    "analysis:perspective_new": {
        "GET": _r(A.ANALYSIS_RECORD, "case"),
        "POST": _r(A.ANALYSIS_RECORD, "case"),
    },
    "analysis:perspective": {"GET": _r(A.ANALYSIS_VIEW, "case")},
    "analysis:perspective_edit": {
        "GET": _r(A.ANALYSIS_RECORD, "case", only=_LEAD),
        "POST": _r(A.ANALYSIS_RECORD, "case", only=_LEAD),
    },
    "analysis:grid": {"GET": _r(A.ANALYSIS_VIEW, "case")},
    "analysis:formulation_new": {
        "GET": _r(A.ANALYSIS_MANAGE, "case"),
        "POST": _r(A.ANALYSIS_MANAGE, "case"),
    },
    "analysis:formulation": {"GET": _r(A.ANALYSIS_VIEW, "case")},
    "api:list_analyses": {"GET": _r(A.ANALYSIS_VIEW, "case")},
    "api:open_analysis": {"POST": _r(A.ANALYSIS_MANAGE, "case")},
    "api:list_perspectives": {"GET": _r(A.ANALYSIS_VIEW, "case")},
    "api:create_perspective": {"POST": _r(A.ANALYSIS_RECORD, "case")},
    "api:get_perspective": {"GET": _r(A.ANALYSIS_VIEW, "case")},
    "api:update_perspective": {"PUT": _r(A.ANALYSIS_RECORD, "case", only=_LEAD)},
    "api:submit_perspective": {"POST": _r(A.ANALYSIS_RECORD, "case", only=_LEAD)},
    "api:get_analysis_grid": {"GET": _r(A.ANALYSIS_VIEW, "case")},
    "api:list_formulations": {"GET": _r(A.ANALYSIS_VIEW, "case")},
    "api:agree_formulation": {"POST": _r(A.ANALYSIS_MANAGE, "case")},
    # --- end analysis urls ---
    # --- assessments urls (edited by the assessments work only) ---
    # the risk reference of the world comes from P and is shared with L (every case subject
    # reads it); designations are the ORG_ADMIN's own organisation's (O)
    "assessments:tracks": {"GET": _r(A.ASSESSMENT_VIEW, "case")},
    "assessments:track_add": {"POST": _r(A.ASSESSMENT_RECORD_TRACK, "case")},
    "assessments:phase_add": {"POST": _r(A.ASSESSMENT_PHASE, "case")},
    "assessments:risks": {"GET": _r(A.ASSESSMENT_VIEW, "case")},
    "assessments:risk_add": {
        "GET": _r(A.ASSESSMENT_RECORD_RISK, "case"),
        "POST": _r(A.ASSESSMENT_RECORD_RISK, "case"),
    },
    "assessments:risk": {"GET": _r(A.ASSESSMENT_VIEW, "case")},
    "assessments:assessors": {
        "GET": _r(A.ASSESSMENT_DESIGNATE),
        "POST": _r(A.ASSESSMENT_DESIGNATE),
    },
    "assessments:assessor_end": {"POST": _r(A.ASSESSMENT_DESIGNATE)},
    "api:get_dr_overview": {"GET": _r(A.ASSESSMENT_VIEW, "case")},
    "api:record_dr_phase": {"POST": _r(A.ASSESSMENT_PHASE, "case")},
    "api:record_track_entry": {"POST": _r(A.ASSESSMENT_RECORD_TRACK, "case")},
    "api:list_risk_references": {"GET": _r(A.ASSESSMENT_VIEW, "case")},
    "api:record_risk_reference": {"POST": _r(A.ASSESSMENT_RECORD_RISK, "case")},
    "api:get_risk_reference": {"GET": _r(A.ASSESSMENT_VIEW, "case")},
    "api:list_risk_assessors": {"GET": _r(A.ASSESSMENT_DESIGNATE)},
    "api:designate_risk_assessor": {"POST": _r(A.ASSESSMENT_DESIGNATE)},
    "api:end_risk_assessor": {"POST": _r(A.ASSESSMENT_DESIGNATE)},
    # --- end assessments urls ---
    # --- interventions urls (edited by the interventions work only) ---
    # the plan of C (shared by L with P), one goal and one measure of P in it; a measure's status
    # is set by L's case manager or by the responsible organisation (P)
    "interventions:plan": {"GET": _r(A.INTERVENTION_VIEW, "case")},
    "interventions:plan_start": {"POST": _r(A.INTERVENTION_MANAGE, "case")},
    "interventions:plan_review": {
        "GET": _r(A.INTERVENTION_MANAGE, "case"),
        "POST": _r(A.INTERVENTION_MANAGE, "case"),
    },
    "interventions:scale": {
        "GET": _r(A.INTERVENTION_MANAGE, "case"),
        "POST": _r(A.INTERVENTION_MANAGE, "case"),
    },
    "interventions:goal_add": {
        "GET": _r(A.INTERVENTION_MANAGE, "case"),
        "POST": _r(A.INTERVENTION_MANAGE, "case"),
    },
    "interventions:goal_edit": {
        "GET": _r(A.INTERVENTION_MANAGE, "case"),
        "POST": _r(A.INTERVENTION_MANAGE, "case"),
    },
    "interventions:measure_add": {
        "GET": _r(A.INTERVENTION_MANAGE, "case"),
        "POST": _r(A.INTERVENTION_MANAGE, "case"),
    },
    "interventions:measure_edit": {
        "GET": _r(A.INTERVENTION_MANAGE, "case"),
        "POST": _r(A.INTERVENTION_MANAGE, "case"),
    },
    "interventions:measure_status": {
        "POST": _r(
            A.INTERVENTION_CONTRIBUTE,
            "case",
            only=frozenset({S.CASE_PARTICIPANT, S.CASE_LEAD_MANAGER}),
        )
    },
    "interventions:contacts": {
        "GET": _r(A.INTERVENTION_VIEW, "case"),
        "POST": _r(A.INTERVENTION_CONTRIBUTE, "case"),
    },
    "interventions:outcomes": {"GET": _r(A.INTERVENTION_VIEW, "case")},
    "interventions:outcome_add": {
        "GET": _r(A.OUTCOME_RECORD, "case"),
        "POST": _r(A.OUTCOME_RECORD, "case"),
    },
    "interventions:offence_add": {
        "GET": _r(A.OFFENCE_REPORT, "case"),
        "POST": _r(A.OFFENCE_REPORT, "case"),
    },
    "api:get_intervention_plan": {"GET": _r(A.INTERVENTION_VIEW, "case")},
    "api:start_intervention_plan": {"POST": _r(A.INTERVENTION_MANAGE, "case")},
    "api:set_plan_review": {"PUT": _r(A.INTERVENTION_MANAGE, "case")},
    "api:add_plan_goal": {"POST": _r(A.INTERVENTION_MANAGE, "case")},
    "api:update_plan_goal": {"PUT": _r(A.INTERVENTION_MANAGE, "case")},
    "api:add_plan_measure": {"POST": _r(A.INTERVENTION_MANAGE, "case")},
    "api:update_plan_measure": {"PUT": _r(A.INTERVENTION_MANAGE, "case")},
    "api:set_plan_measure_status": {
        "POST": _r(
            A.INTERVENTION_CONTRIBUTE,
            "case",
            only=frozenset({S.CASE_PARTICIPANT, S.CASE_LEAD_MANAGER}),
        )
    },
    "api:scale_intervention_plan": {"POST": _r(A.INTERVENTION_MANAGE, "case")},
    "api:list_case_contacts": {"GET": _r(A.INTERVENTION_VIEW, "case")},
    "api:last_case_contact": {"GET": _r(A.INTERVENTION_VIEW, "case")},
    "api:record_case_contact": {"POST": _r(A.INTERVENTION_CONTRIBUTE, "case")},
    "api:list_case_outcomes": {"GET": _r(A.INTERVENTION_VIEW, "case")},
    "api:record_case_outcome": {"POST": _r(A.OUTCOME_RECORD, "case")},
    "api:list_offence_reports": {"GET": _r(A.INTERVENTION_VIEW, "case")},
    "api:report_offences": {"POST": _r(A.OFFENCE_REPORT, "case")},
    # --- end interventions urls ---
    # --- conferences urls (edited by the conferences work only) ---
    "conferences:list": {"GET": _r(A.CONFERENCE_VIEW, "team")},
    "conferences:create": {
        "GET": _r(A.CONFERENCE_MANAGE, "team"),
        "POST": _r(A.CONFERENCE_MANAGE, "team"),
    },
    "conferences:detail": {"GET": _r(A.CONFERENCE_VIEW, "team")},
    "conferences:edit": {
        "GET": _r(A.CONFERENCE_MANAGE, "team"),
        "POST": _r(A.CONFERENCE_MANAGE, "team"),
    },
    "conferences:agenda": {
        "GET": _r(A.CONFERENCE_MANAGE, "team"),
        "POST": _r(A.CONFERENCE_MANAGE, "team"),
    },
    "conferences:agenda_move": {"POST": _r(A.CONFERENCE_MANAGE, "team")},
    "conferences:agenda_remove": {"POST": _r(A.CONFERENCE_MANAGE, "team")},
    "conferences:part_open": {"POST": _r(A.CONFERENCE_RECORD, "team")},
    "conferences:part_edit": {
        "GET": _r(A.CONFERENCE_RECORD, "team"),
        "POST": _r(A.CONFERENCE_RECORD, "team"),
    },
    "conferences:part_circulate": {"POST": _r(A.CONFERENCE_RECORD, "team")},
    "conferences:part_confirm": {"POST": _r(A.CONFERENCE_CONFIRM, "team")},
    "conferences:part_correct": {
        "GET": _r(A.CONFERENCE_RECORD, "team"),
        "POST": _r(A.CONFERENCE_RECORD, "team"),
    },
    "conferences:part_apply": {"POST": _r(A.CASE_MANAGE, "team")},
    "api:list_conferences": {"GET": _r(A.CONFERENCE_VIEW, "team")},
    "api:create_conference": {"POST": _r(A.CONFERENCE_MANAGE, "team")},
    "api:get_conference": {"GET": _r(A.CONFERENCE_VIEW, "team")},
    "api:update_conference": {"PUT": _r(A.CONFERENCE_MANAGE, "team")},
    "api:add_agenda_case": {"POST": _r(A.CONFERENCE_MANAGE, "team")},
    "api:move_agenda_case": {"POST": _r(A.CONFERENCE_MANAGE, "team")},
    "api:remove_agenda_case": {"DELETE": _r(A.CONFERENCE_MANAGE, "team")},
    "api:open_conference_minutes": {"POST": _r(A.CONFERENCE_RECORD, "team")},
    "api:update_conference_minutes": {"PUT": _r(A.CONFERENCE_RECORD, "team")},
    "api:circulate_conference_minutes": {"POST": _r(A.CONFERENCE_RECORD, "team")},
    "api:confirm_conference_minutes": {"POST": _r(A.CONFERENCE_CONFIRM, "team")},
    "api:apply_conference_minutes": {"POST": _r(A.CASE_MANAGE, "team")},
    "api:correct_conference_minutes": {"POST": _r(A.CONFERENCE_RECORD, "team")},
    # --- end conferences urls ---
    # --- dataprotection urls (edited by the dataprotection work only) ---
    # (the world's export request X of C, with parts of L and P; a dry run Y)
    "dataprotection:retention": {
        "GET": _r(A.DATAPROTECTION_RETENTION),
        "POST": _r(A.DATAPROTECTION_RETENTION),
    },
    "dataprotection:retention_dry_run": {"POST": _r(A.DATAPROTECTION_RETENTION)},
    "dataprotection:retention_run": {"GET": _r(A.DATAPROTECTION_RETENTION)},
    # a dry run, erasure or request recording runs as a job: its page is its owner's (J2, a dry
    # run of J's owner, who has no right to its result any more: the page says so)
    "dataprotection:job": {"GET": _r(A.JOB_VIEW, "job")},
    "dataprotection:erasure": {
        "GET": _r(A.DATAPROTECTION_ERASE),
        "POST": _r(A.DATAPROTECTION_ERASE),
    },
    "dataprotection:erase": {"GET": _r(A.DATAPROTECTION_ERASE), "POST": _r(A.DATAPROTECTION_ERASE)},
    "dataprotection:record": {"GET": _r(A.DATAPROTECTION_RECORD)},
    "dataprotection:record_file": {"POST": _r(A.DATAPROTECTION_RECORD)},
    # the list shows each person the requests they may see (none: an empty list)
    "dataprotection:exports": {"GET": SIGNED},
    "dataprotection:exports_overview": {"GET": _r(A.DATAPROTECTION_EXPORT_OVERSEE)},
    "dataprotection:export_new": {
        "GET": _r(A.DATAPROTECTION_EXPORT_REQUEST, "case"),
        "POST": _r(A.DATAPROTECTION_EXPORT_REQUEST, "case"),
    },
    "dataprotection:export": {"GET": _r(A.DATAPROTECTION_EXPORT_VIEW, "case")},
    "dataprotection:export_answer": {
        "GET": _r(A.DATAPROTECTION_EXPORT_RELEASE, "case"),
        "POST": _r(A.DATAPROTECTION_EXPORT_RELEASE, "case"),
    },
    "dataprotection:export_file": {"POST": _r(A.DATAPROTECTION_EXPORT_VIEW, "case")},
    "api:list_retention_periods": {"GET": _r(A.DATAPROTECTION_RETENTION)},
    "api:set_retention_period": {"PUT": _r(A.DATAPROTECTION_RETENTION)},
    "api:run_retention_dry": {"POST": _r(A.DATAPROTECTION_RETENTION)},
    "api:list_retention_runs": {"GET": _r(A.DATAPROTECTION_RETENTION)},
    "api:get_retention_run": {"GET": _r(A.DATAPROTECTION_RETENTION)},
    "api:erase_client": {"POST": _r(A.DATAPROTECTION_ERASE)},
    "api:get_privacy_job": {"GET": _r(A.JOB_VIEW, "job")},
    "api:get_processing_record": {"GET": _r(A.DATAPROTECTION_RECORD)},
    "api:start_record_file": {"POST": _r(A.DATAPROTECTION_RECORD)},
    "api:list_exports": {"GET": SIGNED},
    "api:list_exports_overview": {"GET": _r(A.DATAPROTECTION_EXPORT_OVERSEE)},
    "api:create_export_request": {"POST": _r(A.DATAPROTECTION_EXPORT_REQUEST, "case")},
    "api:get_export_request": {"GET": _r(A.DATAPROTECTION_EXPORT_VIEW, "case")},
    "api:answer_export_request": {"POST": _r(A.DATAPROTECTION_EXPORT_RELEASE, "case")},
    "api:start_export_file": {"POST": _r(A.DATAPROTECTION_EXPORT_VIEW, "case")},
    # --- end dataprotection urls ---
    # --- training runs urls ---
    # courses and dashboards: everyone signed in; R's pages: who finds R ("run"), R's
    # enrolment ("enrolment": its learner, R's trainer); asking to join goes to the open run
    # R2 ("open_run": anyone signed in). A vignette of R's course: R's trainers and learners.
    "training:home": {"GET": _r(A.TRAINING_VIEW)},
    "training:courses": {"GET": _r(A.TRAINING_VIEW)},
    "training:course": {"GET": _r(A.TRAINING_VIEW)},
    "training:module": {"GET": _r(A.TRAINING_VIEW)},
    "training:runs": {"GET": _r(A.TRAINING_VIEW)},
    "training:run_new": {"GET": _r(A.TRAINING_RUN_CREATE), "POST": _r(A.TRAINING_RUN_CREATE)},
    "training:run": {"GET": _r(A.TRAINING_RUN_VIEW, "run")},
    "training:run_edit": {
        "GET": _r(A.TRAINING_RUN_MANAGE, "run"),
        "POST": _r(A.TRAINING_RUN_MANAGE, "run"),
    },
    "training:run_cancel": {
        "GET": _r(A.TRAINING_RUN_MANAGE, "run"),
        "POST": _r(A.TRAINING_RUN_MANAGE, "run"),
    },
    "training:vignette": {"GET": _r(A.TRAINING_RUN_MANAGE, "run", (A.TRAINING_ENROLMENT_WORK,))},
    "training:session_new": {
        "GET": _r(A.TRAINING_RUN_MANAGE, "run"),
        "POST": _r(A.TRAINING_RUN_MANAGE, "run"),
    },
    "training:session_edit": {
        "GET": _r(A.TRAINING_RUN_MANAGE, "run"),
        "POST": _r(A.TRAINING_RUN_MANAGE, "run"),
    },
    "training:session_delete": {"POST": _r(A.TRAINING_RUN_MANAGE, "run")},
    "training:attendance": {
        "GET": _r(A.TRAINING_RUN_MANAGE, "run"),
        "POST": _r(A.TRAINING_RUN_MANAGE, "run"),
    },
    "training:enrol": {
        "GET": _r(A.TRAINING_RUN_ENROL, "run"),
        "POST": _r(A.TRAINING_RUN_ENROL, "run"),
    },
    "training:join": {
        "GET": _r(A.TRAINING_RUN_JOIN, "open_run"),
        "POST": _r(A.TRAINING_RUN_JOIN, "open_run"),
    },
    "training:learner": {"GET": _r(A.TRAINING_ENROLMENT_VIEW, "enrolment")},
    "training:request_decide": {"POST": _r(A.TRAINING_RUN_MANAGE, "enrolment")},
    "training:withdraw": {"POST": _r(A.TRAINING_ENROLMENT_VIEW, "enrolment")},
    "training:signoff": {
        "GET": _r(A.TRAINING_RUN_MANAGE, "enrolment"),
        "POST": _r(A.TRAINING_RUN_MANAGE, "enrolment"),
    },
    "api:list_training_courses": {"GET": _r(A.TRAINING_VIEW)},
    "api:get_training_course": {"GET": _r(A.TRAINING_VIEW)},
    "api:training_dashboard": {"GET": _r(A.TRAINING_VIEW)},
    "api:list_training_runs": {"GET": _r(A.TRAINING_VIEW)},
    "api:create_training_run": {"POST": _r(A.TRAINING_RUN_CREATE)},
    "api:get_training_run": {"GET": _r(A.TRAINING_RUN_VIEW, "run")},
    "api:update_training_run": {"PUT": _r(A.TRAINING_RUN_MANAGE, "run")},
    "api:cancel_training_run": {"POST": _r(A.TRAINING_RUN_MANAGE, "run")},
    "api:create_training_session": {"POST": _r(A.TRAINING_RUN_MANAGE, "run")},
    "api:update_training_session": {"PUT": _r(A.TRAINING_RUN_MANAGE, "run")},
    "api:delete_training_session": {"DELETE": _r(A.TRAINING_RUN_MANAGE, "run")},
    "api:get_training_attendance": {"GET": _r(A.TRAINING_RUN_MANAGE, "run")},
    "api:record_training_attendance": {"PUT": _r(A.TRAINING_RUN_MANAGE, "run")},
    "api:find_training_people": {"GET": _r(A.TRAINING_RUN_ENROL, "run")},
    "api:enrol_training_learners": {"POST": _r(A.TRAINING_RUN_ENROL, "run")},
    "api:join_training_run": {"POST": _r(A.TRAINING_RUN_JOIN, "open_run")},
    "api:get_training_standing": {"GET": _r(A.TRAINING_ENROLMENT_VIEW, "enrolment")},
    "api:decide_training_request": {"POST": _r(A.TRAINING_RUN_MANAGE, "enrolment")},
    "api:withdraw_training_enrolment": {"POST": _r(A.TRAINING_ENROLMENT_VIEW, "enrolment")},
    "api:sign_off_training_learner": {"POST": _r(A.TRAINING_RUN_MANAGE, "enrolment")},
    # --- end training runs urls ---
    # --- training work urls ---
    # the learner's own work on R's enrolment (checks, feedback on R's session, self-assessment)
    # and R's trainers' pages; practice assignments are tried on R3 (a certification-course run
    # of T, taught by R's trainer, R's learner enrolled). Feedback totals: R's trainers and the
    # coordinators of R's team T.
    "training:work": {"GET": _r(A.TRAINING_ENROLMENT_WORK, "enrolment")},
    "training:check": {
        "GET": _r(A.TRAINING_ENROLMENT_WORK, "enrolment"),
        "POST": _r(A.TRAINING_ENROLMENT_WORK, "enrolment"),
    },
    "training:assignment": {
        "GET": _r(A.TRAINING_ENROLMENT_WORK, "enrolment"),
        "POST": _r(A.TRAINING_ENROLMENT_WORK, "enrolment"),
    },
    "training:feedback": {
        "GET": _r(A.TRAINING_ENROLMENT_WORK, "enrolment"),
        "POST": _r(A.TRAINING_ENROLMENT_WORK, "enrolment"),
    },
    "training:self_assessment": {
        "GET": _r(A.TRAINING_ENROLMENT_WORK, "enrolment"),
        "POST": _r(A.TRAINING_ENROLMENT_WORK, "enrolment"),
    },
    "training:run_work": {"GET": _r(A.TRAINING_RUN_MANAGE, "run")},
    "training:review": {
        "GET": _r(A.TRAINING_RUN_MANAGE, "run"),
        "POST": _r(A.TRAINING_RUN_MANAGE, "run"),
    },
    "training:run_feedback": {
        "GET": _r(A.TRAINING_RUN_MANAGE, "run", (A.TRAINING_COVERAGE_VIEW,)),
    },
    "api:get_training_work": {"GET": _r(A.TRAINING_ENROLMENT_WORK, "enrolment")},
    "api:get_training_check": {"GET": _r(A.TRAINING_ENROLMENT_WORK, "enrolment")},
    "api:take_training_check": {"POST": _r(A.TRAINING_ENROLMENT_WORK, "enrolment")},
    "api:get_training_assignment": {"GET": _r(A.TRAINING_ENROLMENT_WORK, "enrolment")},
    "api:save_training_assignment": {"PUT": _r(A.TRAINING_ENROLMENT_WORK, "enrolment")},
    "api:give_training_feedback": {"POST": _r(A.TRAINING_ENROLMENT_WORK, "enrolment")},
    "api:give_training_self_assessment": {"POST": _r(A.TRAINING_ENROLMENT_WORK, "enrolment")},
    "api:list_training_run_assignments": {"GET": _r(A.TRAINING_RUN_MANAGE, "run")},
    "api:get_training_review": {"GET": _r(A.TRAINING_RUN_MANAGE, "run")},
    "api:record_training_review": {"POST": _r(A.TRAINING_RUN_MANAGE, "run")},
    "api:get_training_run_feedback": {
        "GET": _r(A.TRAINING_RUN_MANAGE, "run", (A.TRAINING_COVERAGE_VIEW,)),
    },
    # --- end training work urls ---
    # --- training certificates urls ---
    # the certificate of R's learner: its holder and R's trainers ("certificate"); R's
    # certificates and their ZIP: R's trainers. Verification, the status list and the issuer's
    # DID document are public (the DID document needs an https base URL, as the matrix world has).
    "training:certificates": {"GET": SIGNED},
    "training:certificate": {"GET": _r(A.CERTIFICATE_VIEW, "certificate")},
    "training:certificate_json": {"GET": _r(A.CERTIFICATE_VIEW, "certificate")},
    "training:certificate_pdf": {"POST": _r(A.CERTIFICATE_VIEW, "certificate")},
    "training:certificate_revoke": {
        "GET": _r(A.CERTIFICATE_REVOKE, "certificate"),
        "POST": _r(A.CERTIFICATE_REVOKE, "certificate"),
    },
    "training:run_certificates": {"GET": _r(A.TRAINING_RUN_MANAGE, "run")},
    "training:certificates_zip": {"POST": _r(A.TRAINING_RUN_MANAGE, "run")},
    "training:verify": {"GET": PUB, "POST": PUB},
    "training:status_list": {"GET": PUB},
    "did_document": {"GET": PUB},
    "did_document_below_path": {"GET": PUB},
    "api:list_certificates": {"GET": SIGNED},
    "api:get_certificate": {"GET": _r(A.CERTIFICATE_VIEW, "certificate")},
    "api:get_certificate_credential": {"GET": _r(A.CERTIFICATE_VIEW, "certificate")},
    "api:start_certificate_pdf": {"POST": _r(A.CERTIFICATE_VIEW, "certificate")},
    "api:revoke_certificate": {"POST": _r(A.CERTIFICATE_REVOKE, "certificate")},
    "api:start_certificates_zip": {"POST": _r(A.TRAINING_RUN_MANAGE, "run")},
    "api:verify_certificate": {"POST": PUB},
    # --- end training certificates urls ---
    # --- training people urls ---
    # registration, its answer and the activation link are public (a signed-in person is sent
    # to the training pages); external learners are approved by trainers (the role) and
    # administrators; T's coverage and gate: T's coordinators, found by who sees T ("team")
    "training:register": {"GET": PUB, "POST": PUB},
    "training:registered": {"GET": PUB},
    "training:activate": {"GET": PUB, "POST": PUB},
    "training:learners": {"GET": _r(A.TRAINING_LEARNERS_APPROVE)},
    "training:learner_approve": {"POST": _r(A.TRAINING_LEARNERS_APPROVE)},
    "training:learner_decline": {"POST": _r(A.TRAINING_LEARNERS_APPROVE)},
    "training:coverage": {"GET": _r(A.TRAINING_COVERAGE_VIEW, "team")},
    "training:gate": {
        "GET": _r(A.TRAINING_GATE_EDIT, "team"),
        "POST": _r(A.TRAINING_GATE_EDIT, "team"),
    },
    "api:list_training_external_learners": {"GET": _r(A.TRAINING_LEARNERS_APPROVE)},
    "api:approve_training_external_learner": {"POST": _r(A.TRAINING_LEARNERS_APPROVE)},
    "api:decline_training_external_learner": {"POST": _r(A.TRAINING_LEARNERS_APPROVE)},
    "api:get_training_coverage": {"GET": _r(A.TRAINING_COVERAGE_VIEW, "team")},
    "api:get_training_gate": {"GET": _r(A.TRAINING_COVERAGE_VIEW, "team")},
    "api:set_training_gate": {"PUT": _r(A.TRAINING_GATE_EDIT, "team")},
    # --- end training people urls ---
}


def as_rows() -> list[list[str]]:
    """The matrix as rows: action, then one cell per subject ("yes" or "")."""
    subjects = list(Subject)
    rows = [["action", *[s.value for s in subjects]]]
    for action in Action:
        allowed = DECLARED[action]
        rows.append([action.value, *["yes" if s in allowed else "" for s in subjects]])
    return rows
