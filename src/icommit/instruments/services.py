"""Publishing instrument versions: from the shipped files, or imported by an administrator.

Invariant: a (key, version number) is stored once with its content hash; the same content again
is a no-op for shipped files and a conflict for imports, changed content under a published
number is refused.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from icommit.access import Action, require
from icommit.core import audit
from icommit.core.exceptions import Conflict, ValidationFailed
from icommit.instruments.engine import (
    DefinitionError,
    content_hash,
    definition_to_dict,
    export_xlsform,
    import_xlsform,
    load_yaml,
)
from icommit.instruments.models import Instrument, InstrumentVersion, Kind, Origin
from icommit.methodology.content import default_model, module_ids

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
    data = export_xlsform(version.parsed)
    try:
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
