"""Publishing instrument versions, and storing, rewriting and erasing scored answer sets.

Invariant: a (key, version number) is stored once with its content hash; the same content again
is a no-op for shipped files and a conflict for imports, changed content under a published
number is refused. Answer sets (``Response`` and its ``ResponseScore`` rows) are written and
deleted here only, by the services of the app that owns them, which check access and record
their own event (decision 0013); an owned answer set is sealed with its owner's key.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from icommit.access import Action, require
from icommit.accounts.models import User
from icommit.core import audit, crypto
from icommit.core.exceptions import Conflict, ValidationFailed
from icommit.core.models import SubjectKey
from icommit.instruments import selectors
from icommit.instruments.engine import (
    AnswerError,
    Definition,
    DefinitionError,
    check_answers,
    content_hash,
    definition_to_dict,
    export_xlsform,
    import_xlsform,
    load_yaml,
    score,
    tr,
)
from icommit.instruments.models import (
    Instrument,
    InstrumentVersion,
    Kind,
    Origin,
    Response,
    ResponseScore,
)
from icommit.methodology.content import default_model, module_ids
from icommit.methodology.definition import PHASE_KEYS

#: Largest file an administrator may import (YAML or XLSForm).
MAX_IMPORT_BYTES = 2_000_000


def _nothing_stored(n: int) -> str:
    return ngettext(
        "The file has %(n)s problem; nothing was stored.",
        "The file has %(n)s problems; nothing was stored.",
        n,
    ) % {"n": n}


def _problems(exc: Any) -> list[str]:
    return [str(p) for p in getattr(exc, "problems", [])] or [str(exc)]


def unknown_references(definition: Any) -> list[str]:
    """Recommendations that point at phase tasks or training modules the methodology lacks."""
    tasks = {t.id for p in default_model().phases for t in p.tasks}
    modules = module_ids()
    problems = []
    for n, rec in enumerate(definition.recommendations):
        for task in rec.phase_tasks:
            if task not in tasks:
                problems.append(f"recommendations[{n}].phase_tasks: no phase task {task!r}")
        for module in rec.modules:
            if module not in modules:
                problems.append(f"recommendations[{n}].modules: no training module {module!r}")
        for phase in rec.phases:
            if phase not in PHASE_KEYS:
                problems.append(f"recommendations[{n}].phases: no phase {phase!r}")
    return problems


@transaction.atomic
def version_store(
    *, actor: Any, definition: Any, origin: str, source_name: str = ""
) -> tuple[InstrumentVersion, bool]:
    """Store a validated definition as a published version; (version, created)."""
    if definition.kind not in Kind.values:
        raise ValidationFailed.field("kind", _("Unknown kind of instrument."))
    unknown = unknown_references(definition)
    if unknown:
        raise ValidationFailed(_nothing_stored(len(unknown)), details={"problems": unknown})
    digest = content_hash(definition)
    instrument, _created = Instrument.objects.get_or_create(
        key=definition.key, defaults={"kind": definition.kind}
    )
    if instrument.kind != definition.kind:
        raise ValidationFailed.field(
            "kind",
            _("%(key)s is a %(kind)s instrument; a new version cannot change its kind.")
            % {"key": instrument.key, "kind": instrument.get_kind_display()},
        )
    existing = InstrumentVersion.objects.filter(
        instrument=instrument, number=definition.version
    ).first()
    if existing is not None:
        if existing.content_hash != digest:
            raise Conflict(
                _(
                    "Version %(number)s of %(key)s is published and cannot change; "
                    "give the changed instrument a new version number."
                )
                % {"number": definition.version, "key": instrument.key}
            )
        return existing, False
    version = InstrumentVersion.objects.create(
        instrument=instrument,
        number=definition.version,
        content_hash=digest,
        definition=definition_to_dict(definition),
        origin=origin,
        source_name=source_name[:200],
        published_by=actor,
    )
    if origin == Origin.SHIPPED:
        # a shipped version arrives with the code at migrate, like the migrations themselves:
        # its file and content hash in the release are its record, not an event of a person
        return version, True
    audit.record(
        actor=actor,
        action="instrument.version.published",
        obj=version,
        changes={"key": instrument.key, "number": version.number, "hash": digest, "origin": origin},
    )
    return version, True


@transaction.atomic
def instrument_import(*, actor: Any, filename: str, data: bytes) -> InstrumentVersion:
    """Validate an uploaded YAML or XLSForm file and publish it as a new version."""
    require(actor, Action.INSTRUMENT_IMPORT)
    name = filename.rsplit("/", 1)[-1][:200]
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationFailed.field(
            "file", _("The file is larger than %(n)s MB.") % {"n": MAX_IMPORT_BYTES // 1_000_000}
        )
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    try:
        if suffix in ("yaml", "yml"):
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                raise ValidationFailed.field(
                    "file", _("The YAML file is not UTF-8 text.")
                ) from None
            definition = load_yaml(text, source=name)
        elif suffix == "xlsx":
            definition = import_xlsform(data, source=name)
        else:
            raise ValidationFailed.field(
                "file", _("Upload a YAML file (.yaml) or an XLSForm workbook (.xlsx).")
            )
    except DefinitionError as exc:
        problems = _problems(exc)
        raise ValidationFailed(
            _nothing_stored(len(problems)), details={"problems": problems}
        ) from None
    from icommit.instruments.shipped import shipped_keys  # shipped publishes through this module

    if definition.key in shipped_keys():
        # a later release may ship this version number with other content; migrate would fail
        raise ValidationFailed.field(
            "key",
            _(
                "%(key)s is shipped with icommit and changes only with a release; "
                "import your adaptation under a key of its own."
            )
            % {"key": definition.key},
        )
    version, created = version_store(
        actor=actor, definition=definition, origin=Origin.IMPORTED, source_name=name
    )
    if not created:
        raise Conflict(
            _("Version %(number)s of %(key)s is already published with exactly this content.")
            % {"number": version.number, "key": definition.key}
        )
    return version


def version_xlsform(*, actor: Any, version: InstrumentVersion) -> bytes:
    """The version as an XLSForm workbook, handed out only if pyxform compiles it (audited)."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    require(actor, Action.INSTRUMENT_VIEW, version)
    # a test's answer key goes into the workbook only for those who may read it
    definition = selectors.version_definition(user=actor, version=version)
    try:
        # counts scales, item-level recommendations and phases have no XLSForm columns yet
        data = export_xlsform(definition)
        convert(xlsform=data, file_type=".xlsx", warnings=[])
    except (PyXFormError, ValueError, KeyError) as exc:
        raise Conflict(
            _("This version cannot be exported as XLSForm: %(reason)s") % {"reason": exc}
        ) from None
    with transaction.atomic():
        audit.record(
            actor=actor, action="export.download", obj=version, purpose="instrument.xlsform"
        )
    return data


# --- answer sets ----------------------------------------------------------------------------
#
# No service here records who answered or when: the owning app's service records its own event
# (diagnostics records only that a person took part, decision 0009). Retention has no schedule
# of its own yet: the owning app's retention and erasure call ``responses_discard`` or
# ``responses_erase_owner``, which are the only ways answer sets and their scores go.


def answers_check(
    *, version: InstrumentVersion, answers: Any, audience: str, complete: bool
) -> dict[str, Any]:
    """Check answers against the version; every problem is listed under its item's key."""
    if not isinstance(answers, dict):
        raise ValidationFailed.field("answers", _("Answers must map item keys to values."))
    try:
        check_answers(version.parsed, answers, audience=audience, complete=complete)
    except AnswerError as exc:
        details: dict[str, list[str]] = {}
        for problem in exc.problems:
            details.setdefault(problem.field or "answers", []).append(
                _humane(version.parsed, problem.field, problem.message)
            )
        raise ValidationFailed(
            _("Some answers are missing or not valid."), details=details
        ) from None
    return answers


_ENTRY = re.compile(r"^entry (\d+): (\w+): is required$")
_RATING = re.compile(r"^(\w+) needs a rating$")
_AT_LEAST = re.compile(r"^needs at least (\d+) entr(?:y|ies)$")
_TOO_LONG = re.compile(r"^(?:rationale: )?is longer than (\d+) characters$")


def _humane(definition: Definition, key: str | None, message: str) -> str:
    """The engine's problem as a person reads it, in their language, naming what is missing.
    The engine's own wording (English, for logs and tests) passes through where no person-facing
    one is known."""
    language = get_language() or "en"
    try:
        item = definition.item(key) if key else None
    except KeyError:
        item = None
    if message == "is required":
        return _("Answer this question.")
    if message == "rationale: is required":
        return _("Give the reasons for the rating.")
    if item is not None and (found := _RATING.match(message)):
        pair = next((p for p in item.pairs if p.key == found[1]), None)
        what = tr(pair.label, language) if pair is not None else found[1]
        return _("Choose a rating for “%(what)s”.") % {"what": what}
    if item is not None and (found := _ENTRY.match(message)):
        sub = next((i for i in item.items if i.key == found[2]), None)
        what = tr(sub.text, language) if sub is not None else found[2]
        return _("Entry %(n)s: answer “%(what)s”.") % {"n": found[1], "what": what}
    if found := _AT_LEAST.match(message):
        n = int(found[1])
        return ngettext("Add at least %(n)d entry.", "Add at least %(n)d entries.", n) % {"n": n}
    if found := _TOO_LONG.match(message):
        return _("Shorten this to %(n)s characters at most.") % {"n": found[1]}
    return message


def _checked_scores(version: InstrumentVersion, scores: Mapping[str, float]) -> dict[str, float]:
    domains = {d.key for d in version.parsed.domains}
    checked: dict[str, float] = {}
    for domain, value in scores.items():
        if domain not in domains:
            raise ValidationFailed.field(
                "scores", _("%(domain)s is not a domain of this instrument.") % {"domain": domain}
            )
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
            raise ValidationFailed.field(
                "scores",
                _("A score is a number from 0 to 100; %(domain)s has another.")
                % {"domain": domain},
            )
        checked[domain] = float(value)
    return checked


def _insert(
    version_id: int,
    answers: dict[str, Any],
    scores: Mapping[str, float],
    owner_key_id: uuid.UUID | None,
) -> Response:
    response = Response.objects.create(
        version_id=version_id, owner_key_id=owner_key_id, answers=answers, submitted=True
    )
    ResponseScore.objects.bulk_create(
        [ResponseScore(response=response, domain=d, score=v) for d, v in scores.items()]
    )
    return response


@transaction.atomic
def response_store(
    *,
    version: InstrumentVersion,
    answers: Any,
    audience: str,
    scores: Mapping[str, float] | None = None,
    owner_key: SubjectKey | None = None,
) -> Response:
    """Check a complete answer set, score it and store it, sealed with the owner's key if any.

    ``scores`` (domain → 0–100) replace the engine's for instruments scored by a person; by
    default every domain the engine could score is stored. The caller checks access and
    records the event.
    """
    answers = answers_check(version=version, answers=answers, audience=audience, complete=True)
    if owner_key is not None and owner_key.destroyed_at is not None:
        raise Conflict(_("This person's data was erased; nothing more can be stored for them."))
    if scores is None:
        result = score(version.parsed, answers, audience=audience)
        scores = {
            key: d.score
            for key, d in result.domains.items()
            if d.status == "scored" and d.score is not None
        }
    else:
        scores = _checked_scores(version, scores)
    return _insert(version.pk, answers, scores, owner_key.pk if owner_key else None)


@transaction.atomic
def responses_rewrite(*, ids: Sequence[uuid.UUID]) -> list[Response]:
    """Write the answer sets again in the order given, under new random keys; delete the old.

    Rows sit in a table in the order they were written; an app that must not let that order be
    read (diagnostics, decision 0009) unlinks the old rows first and links the new ones, which
    come back in the order of ``ids``. Answers, scores and owner are copied as stored, not
    checked again: the engine's rules may have grown stricter since they were submitted.
    """
    found = {r.pk: r for r in Response.objects.filter(pk__in=ids).prefetch_related("scores")}
    kept = [
        (
            found[pk].version_id,
            dict(found[pk].answers),
            {s.domain: s.score for s in found[pk].scores.all()},
            found[pk].owner_key_id,
        )
        for pk in ids
    ]
    responses_discard(ids=ids)
    return [_insert(*row) for row in kept]


@transaction.atomic
def responses_discard(*, ids: Sequence[uuid.UUID]) -> int:
    """Delete answer sets with their scores (the owning app unlinks them first); return how many."""
    ResponseScore.objects.filter(response_id__in=ids).delete()
    _total, by_model = Response.objects.filter(pk__in=ids).delete()
    return by_model.get(Response._meta.label, 0)


@transaction.atomic
def responses_erase_owner(*, actor: User | None, owner_key: SubjectKey | uuid.UUID) -> int:
    """Erase a person's answer sets: scores and rows deleted, their key destroyed (audited).

    Run it as part of erasing the person, after the owning app has unlinked the answer sets:
    destroying the key makes the answers unreadable in every copy, backups included, and erases
    anything else sealed with it. Idempotent; returns how many answer sets were deleted.
    """
    key_id = crypto.subject_key_id(owner_key)
    if key_id == crypto.PLATFORM_KEY_ID:
        raise Conflict(_("Answer sets without an owner cannot be erased by owner."))
    ids = list(Response.objects.filter(owner_key_id=key_id).values_list("pk", flat=True))
    scores, _by_model = ResponseScore.objects.filter(response_id__in=ids).delete()
    erased = responses_discard(ids=ids)
    crypto.subject_key_destroy(key=owner_key)
    # the key's id links to no one once the owning app has erased the person; counts only
    audit.record(
        actor=actor,
        action="instrument.responses.erased",
        object_type="core.subjectkey",
        object_id=str(key_id),
        changes={"answer_sets": erased, "scores": scores},
    )
    return erased
