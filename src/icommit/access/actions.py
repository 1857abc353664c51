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
    AUDIT_VERIFY = "audit.verify"
    USER_MANAGE = "user.manage"
    JOB_VIEW = "job.view"

    # plans: team goals, plan actions, the collaboration risk register (plans/policies.py)
    PLAN_VIEW = "plan.view"
    PLAN_EDIT = "plan.edit"
    PLAN_ACTION_UPDATE = "plan_action.update"

    # charters: the team charter and team meetings (charters/policies.py)
    CHARTER_VIEW = "charter.view"
    CHARTER_EDIT = "charter.edit"
    CHARTER_CONFIRM = "charter.confirm"
    MEETING_VIEW = "meeting.view"
    MEETING_EDIT = "meeting.edit"
    MEETING_CONFIRM = "meeting.confirm"

    # phases: the phase model and each team's progress through it (phases/policies.py)
    PHASES_VIEW = "phases.view"
    PHASES_EDIT = "phases.edit"
    PHASES_MOVE = "phases.move"
    PHASES_ADAPT = "phases.adapt"

    # transparency: role profiles, protocol, matrix (stakeholders/ and teams/policies.py)
    ORGANISATION_PROFILE_EDIT = "organisation.profile_edit"
    TEAM_TRANSPARENCY_VIEW = "team.transparency_view"
    TEAM_PROTOCOL_EDIT = "team.protocol_edit"

    # instruments: questionnaires and their immutable versions (instruments/policies.py)
    INSTRUMENT_VIEW = "instrument.view"
    INSTRUMENT_IMPORT = "instrument.import"
    #: the scores of a test's choices (a knowledge check's answer key): who manages training
    INSTRUMENT_ANSWER_KEY = "instrument.answer_key"

    # diagnostics: a team's assessment rounds and their results (diagnostics/policies.py)
    DIAGNOSTICS_VIEW = "diagnostics.view"
    DIAGNOSTICS_MANAGE = "diagnostics.manage"
    DIAGNOSTICS_RESPOND = "diagnostics.respond"
    DIAGNOSTICS_RESULTS = "diagnostics.results"

    # sharing: any shared item (a case's facts, perspectives, documents), through the kernel in
    # sharing/items.py; each kind of item registers its own policy for these actions
    SHARED_VIEW = "shared.view"
    SHARED_SHARE = "shared.share"
    SHARED_END = "shared.end"
    # the bases a share rests on (a consent, a recorded legal basis)
    BASIS_RECORD = "basis.record"
    BASIS_WITHDRAW = "basis.withdraw"

    # cases: referrals, cases, participants, consent and case sharing (cases/policies.py)
    CASE_LIST = "case.list"
    CASE_FIND = "case.find"
    CASE_REFER = "case.refer"
    CASE_TRIAGE = "case.triage"
    CASE_REFERRAL_STATUS = "case.referral_status"
    CASE_VIEW = "case.view"
    CASE_WORK = "case.work"
    CASE_MANAGE = "case.manage"
    CASE_IDENTITY_SEARCH = "case.identity_search"
    CASE_ACCESS_LOG = "case.access_log"
    CASE_PRIVACY = "case.privacy"

    # --- analysis actions (edited by the analysis work only) ---
    # Social Diagnostics of a case (analysis/policies.py): read the analysis and the grid
    # (participants), record one's organisation's perspective, start analyses and agree the
    # case formulation (the lead's case manager)
    ANALYSIS_VIEW = "analysis.view"
    ANALYSIS_RECORD = "analysis.record"
    ANALYSIS_MANAGE = "analysis.manage"
    # --- end analysis actions ---
    # --- assessments actions (edited by the assessments work only) ---
    # assessments: the client's D&R phase, the two tracks, risk-assessment references
    # (assessments/policies.py); on a case, except designating assessors (an organisation's own)
    ASSESSMENT_VIEW = "assessment.view"
    ASSESSMENT_RECORD_TRACK = "assessment.record_track"
    ASSESSMENT_PHASE = "assessment.phase"
    ASSESSMENT_RECORD_RISK = "assessment.record_risk"
    ASSESSMENT_DESIGNATE = "assessment.designate"
    # --- end assessments actions ---
    # --- interventions actions (edited by the interventions work only) ---
    # the intervention plan, contacts and outcomes of a case (interventions/policies.py)
    INTERVENTION_VIEW = "intervention.view"
    INTERVENTION_MANAGE = "intervention.manage"
    INTERVENTION_CONTRIBUTE = "intervention.contribute"
    OUTCOME_RECORD = "outcome.record"
    OFFENCE_REPORT = "offence.report"
    # --- end interventions actions ---
    # --- conferences actions (edited by the conferences work only) ---
    # case conferences of a team and the minutes per case (conferences/policies.py)
    CONFERENCE_VIEW = "conference.view"
    CONFERENCE_MANAGE = "conference.manage"
    CONFERENCE_RECORD = "conference.record"
    CONFERENCE_CONFIRM = "conference.confirm"
    # --- end conferences actions ---
    # --- dataprotection actions (edited by the dataprotection work only) ---
    # privacy operations (dataprotection/policies.py): retention, erasure, exports, Art. 30 record
    DATAPROTECTION_RETENTION = "dataprotection.retention"
    DATAPROTECTION_ERASE = "dataprotection.erase"
    DATAPROTECTION_RECORD = "dataprotection.record"
    DATAPROTECTION_EXPORT_REQUEST = "dataprotection.export_request"
    DATAPROTECTION_EXPORT_VIEW = "dataprotection.export_view"
    DATAPROTECTION_EXPORT_RELEASE = "dataprotection.export_release"
    DATAPROTECTION_EXPORT_OVERSEE = "dataprotection.export_oversee"
    # --- end dataprotection actions ---
    # --- training actions (edited by the training work only) ---
    # training: courses, runs, enrolments, certificates (training/policies.py)
    TRAINING_VIEW = "training.view"
    TRAINING_RUN_CREATE = "training.run_create"
    TRAINING_LEARNERS_APPROVE = "training.learners_approve"
    TRAINING_RUN_VIEW = "training.run_view"
    TRAINING_RUN_MANAGE = "training.run_manage"
    TRAINING_RUN_JOIN = "training.run_join"
    TRAINING_RUN_ENROL = "training.run_enrol"
    TRAINING_ENROLMENT_VIEW = "training.enrolment_view"
    TRAINING_ENROLMENT_WORK = "training.enrolment_work"
    TRAINING_COVERAGE_VIEW = "training.coverage_view"
    TRAINING_GATE_EDIT = "training.gate_edit"
    CERTIFICATE_VIEW = "certificate.view"
    CERTIFICATE_REVOKE = "certificate.revoke"
    # --- end training actions ---
