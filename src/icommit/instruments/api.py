"""API: published instruments (list, one version with its definition) and importing a file."""

from __future__ import annotations

import base64
import binascii
import datetime
from typing import Any, Literal

from ninja import Router, Schema, Status

from icommit.access import Action, require
from icommit.api.schemas import READ_ERRORS, WRITE_ERRORS, Line
from icommit.core.exceptions import ValidationFailed
from icommit.core.http import AuthedRequest
from icommit.instruments import selectors, services
from icommit.instruments.engine import definition_to_dict

router = Router(tags=["instruments"])


class InstrumentVersionOut(Schema):
    key: str
    kind: str
    number: int
    content_hash: str
    origin: str
    title: dict[str, str]
    languages: list[str]
    published_at: datetime.datetime


class InstrumentVersionDetailOut(InstrumentVersionOut):
    definition: dict[str, Any]
    #: true when the version is a test (a knowledge check) and its answer key, the scores of its
    #: choices, is left out: only platform administrators and trainers read it
    answer_key_withheld: bool


class ImportIn(Schema):
    #: "yaml" (the text of the file) or "xlsform" (the .xlsx file, base64-encoded)
    format: Literal["yaml", "xlsform"]
    #: at most 2 MB once decoded; the import service refuses anything larger, naming the limit
    content: str
    filename: Line = ""


def _version(v: Any) -> dict[str, Any]:
    return {
        "key": v.instrument.key,
        "kind": v.instrument.kind,
        "number": v.number,
        "content_hash": v.content_hash,
        "origin": v.origin,
        "title": dict(v.definition.get("title") or {}),
        "languages": list(v.definition.get("languages") or []),
        "published_at": v.published_at,
    }


@router.get("", response={200: list[InstrumentVersionOut], **READ_ERRORS})
def list_instruments(request: AuthedRequest, kind: str = ""):
    """Every published instrument version, newest first within each instrument."""
    return [_version(v) for v in selectors.version_list(user=request.user, kind=kind)]


@router.get("/{key}/versions/{number}", response={200: InstrumentVersionDetailOut, **READ_ERRORS})
def get_instrument_version(request: AuthedRequest, key: str, number: int):
    """One published version with its whole definition (every language); a knowledge check's
    answer key only for platform administrators and trainers."""
    version = selectors.version_get(user=request.user, key=key, number=number)
    withheld = selectors.answer_key_withheld(user=request.user, version=version)
    definition = (
        definition_to_dict(selectors.version_definition(user=request.user, version=version))
        if withheld
        else version.definition
    )
    return {**_version(version), "definition": definition, "answer_key_withheld": withheld}


@router.post("/import", response={201: InstrumentVersionOut, **WRITE_ERRORS})
def import_instrument(request: AuthedRequest, payload: ImportIn):
    """Publish a new version from a YAML or XLSForm file (administrators); every problem listed."""
    require(request.user, Action.INSTRUMENT_IMPORT)
    if payload.format == "yaml":
        try:
            data = payload.content.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationFailed.field(
                "content", "The YAML text holds characters that are not valid Unicode."
            ) from None
        name = payload.filename or "upload.yaml"
    else:
        try:
            data = base64.b64decode(payload.content, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed.field(
                "content", "The XLSForm content must be base64-encoded."
            ) from None
        name = payload.filename or "upload.xlsx"
    suffix = "yaml" if payload.format == "yaml" else "xlsx"
    if not name.lower().endswith(("." + suffix, ".yml" if suffix == "yaml" else ".xlsx")):
        name = f"{name}.{suffix}"
    version = services.instrument_import(actor=request.user, filename=name, data=data)
    return Status(201, _version(version))
