"""Forms of Social Diagnostics, built from the instrument version so the page follows its content.

The perspective form has one field per answerable item (a paired item: concern, resource and
rationale; a repeating group: a few rows of its sub-items) and turns the posted values into the
engine's answer shape; the engine (``instruments.services.answers_check``) decides what is valid.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from icommit.cases.forms_sharing import secrecy_choices
from icommit.core.forms import Form
from icommit.core.text import SHORT, TITLE
from icommit.instruments.engine import Choice, Item, tr
from icommit.instruments.models import InstrumentVersion
from icommit.stakeholders.models import Organisation

#: blank rows a repeating group offers beyond its entries
BLANK_ROWS = 2
RATINGS = ("0", "1", "2", "3", "unknown")


def _value(raw: str) -> Any:
    return int(raw) if raw.isdigit() else raw


def _choices(version: InstrumentVersion, item: Item, lang: str) -> list[tuple[str, str]]:
    scale = version.parsed.scale_of(item)
    if scale is None:
        return []
    return [(str(c.value), tr(c.label, lang)) for c in scale.options]


@dataclass
class Block:
    """One item as the page shows it: its fields (bound), its text, its errors."""

    item: Item
    title: str
    hint: str
    fields: list[Any] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """Every problem of the item: the engine's and its fields' (for the page's summary)."""
        bound = [*self.fields, *(f for row in self.rows for f in row)]
        return [*self.errors, *(str(e) for f in bound for e in f.errors)]


@dataclass
class SectionBlock:
    key: str
    title: str
    intro: str
    blocks: list[Block]
    domain: str = ""


class PerspectiveForm(Form):
    """A perspective's answers, the author's secrecy and (when they belong to several
    organisations taking part) the organisation it comes from."""

    secrecy = forms.ChoiceField(
        label=_("Secrecy you were bound by when you learned this"),
        widget=forms.RadioSelect,
        help_text=_(
            "If you were bound by secrecy, this perspective leaves your organisation only with a "
            "release from confidentiality that covers it, or on a statutory provision."
        ),
    )

    def __init__(
        self,
        *args: Any,
        version: InstrumentVersion,
        answers: Mapping[str, Any] | None = None,
        organisations: Iterable[Organisation] = (),
        language: str = "en",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.language = language
        self.item_errors: dict[str, list[str]] = {}
        answers = dict(answers or {})
        choices = secrecy_choices()
        secrecy = self.fields["secrecy"]
        assert isinstance(secrecy, forms.ChoiceField)
        secrecy.choices = choices
        secrecy.initial = "none" if any(c[0] == "none" for c in choices) else None
        orgs = list(organisations)
        if len(orgs) > 1:
            self.fields["organisation"] = forms.ChoiceField(
                label=_("Organisation"), choices=[(str(o.pk), o.name) for o in orgs]
            )
        self._items: list[Item] = []
        self._group_rows: dict[str, int] = {}
        for section in version.parsed.sections:
            for item in section.items:
                self._items.append(item)
                self._add_fields(item, answers.get(item.key))

    # -- building fields

    def _text_field(self, item: Item, *, required: bool = False) -> forms.CharField:
        long = item.max_length > TITLE
        return forms.CharField(
            label=tr(item.text, self.language),
            required=False,
            max_length=min(item.max_length, SHORT * 4),
            widget=forms.Textarea(attrs={"rows": 3}) if long else forms.TextInput,
            help_text=tr(item.hint, self.language) if item.hint else "",
        )

    def _choice_field(self, item: Item, *, radio: bool) -> forms.ChoiceField:
        options = _choices(self.version, item, self.language)
        return forms.ChoiceField(
            label=tr(item.text, self.language),
            choices=options if radio else [("", str(_("None"))), *options],
            required=False,
            widget=forms.RadioSelect if radio else forms.Select,
            help_text=tr(item.hint, self.language) if item.hint else "",
        )

    def _add_fields(self, item: Item, value: Any) -> None:
        key = item.key
        if item.type == "text":
            self.fields[key] = self._text_field(item)
            self.fields[key].initial = value or ""
        elif item.type in ("choice", "likert"):
            self.fields[key] = self._choice_field(item, radio=True)
            self.fields[key].initial = "" if value is None else str(value)
        elif item.type == "paired":
            value = value if isinstance(value, Mapping) else {}
            for pair in item.pairs:
                scale = self.version.parsed.scales[pair.scale]
                name = f"{key}__{pair.key}"
                self.fields[name] = forms.ChoiceField(
                    label=tr(pair.label, self.language) or pair.key,
                    choices=[(str(c.value), tr(c.label, self.language)) for c in scale.options],
                    required=False,
                    widget=forms.RadioSelect,
                )
                rated = value.get(pair.key)
                self.fields[name].initial = "" if rated is None else str(rated)
            self.fields[f"{key}__rationale"] = forms.CharField(
                label=_("Rationale"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Why you rate it so, and where it comes from."),
            )
            self.fields[f"{key}__rationale"].initial = value.get("rationale") or ""
        elif item.type == "group":
            entries = value if isinstance(value, list) else []
            rows = len(entries) + BLANK_ROWS
            if item.max is not None:
                rows = min(rows, int(item.max))
            if self.is_bound:
                posted = {
                    int(k.split("__")[1])
                    for k in self.data
                    if k.startswith(f"{key}__") and k.split("__")[1].isdigit()
                }
                rows = max(rows, max(posted, default=-1) + 1)
            self._group_rows[key] = rows
            for n in range(rows):
                entry = entries[n] if n < len(entries) and isinstance(entries[n], Mapping) else {}
                for sub in item.items:
                    if sub.type == "note":
                        continue
                    name = f"{key}__{n}__{sub.key}"
                    if sub.type in ("choice", "likert"):
                        self.fields[name] = self._choice_field(sub, radio=False)
                    else:
                        self.fields[name] = self._text_field(sub)
                    got = entry.get(sub.key)
                    self.fields[name].initial = "" if got is None else str(got)

    # -- reading answers

    def answers(self) -> dict[str, Any]:
        """The posted values in the engine's answer shape (unanswered items left out)."""
        data = self.cleaned_data
        out: dict[str, Any] = {}
        for item in self._items:
            key = item.key
            if item.type == "text":
                if data.get(key):
                    out[key] = data[key]
            elif item.type in ("choice", "likert"):
                if data.get(key):
                    out[key] = _value(data[key])
            elif item.type == "paired":
                entry: dict[str, Any] = {}
                for pair in item.pairs:
                    raw = data.get(f"{key}__{pair.key}")
                    if raw:
                        entry[pair.key] = _value(raw)
                if data.get(f"{key}__rationale"):
                    entry["rationale"] = data[f"{key}__rationale"]
                if entry:
                    out[key] = entry
            elif item.type == "group":
                rows = []
                for n in range(self._group_rows.get(key, 0)):
                    row: dict[str, Any] = {}
                    for sub in item.items:
                        raw = data.get(f"{key}__{n}__{sub.key}")
                        if raw:
                            row[sub.key] = _value(raw) if sub.type in ("choice", "likert") else raw
                    if row:
                        rows.append(row)
                if rows:
                    out[key] = rows
        return out

    def place(self, details: Mapping[str, Any]) -> None:
        """Put the engine's problems (item key → messages) next to their items."""
        for key, messages in details.items():
            listed = messages if isinstance(messages, list) else [messages]
            if key in ("secrecy", "organisation") and key in self.fields:
                for m in listed:
                    self.add_error(key, str(m))
                continue
            self.item_errors.setdefault(key, []).extend(str(m) for m in listed)

    # -- drawing

    def sections(self) -> list[SectionBlock]:
        out = []
        for section in self.version.parsed.sections:
            blocks = []
            domain = ""
            for item in section.items:
                block = Block(
                    item,
                    tr(item.text, self.language),
                    tr(item.hint, self.language) if item.hint else "",
                    errors=self.item_errors.get(item.key, []),
                )
                if item.type == "paired":
                    domain = item.key
                    block.fields = [self[f"{item.key}__{p.key}"] for p in item.pairs] + [
                        self[f"{item.key}__rationale"]
                    ]
                elif item.type == "group":
                    block.rows = [
                        [
                            self[f"{item.key}__{n}__{sub.key}"]
                            for sub in item.items
                            if sub.type != "note"
                        ]
                        for n in range(self._group_rows.get(item.key, 0))
                    ]
                elif item.type != "note":
                    block.fields = [self[item.key]]
                blocks.append(block)
            out.append(
                SectionBlock(
                    section.key,
                    tr(section.title, self.language),
                    tr(section.intro, self.language) if section.intro else "",
                    blocks,
                    domain,
                )
            )
        return out


class AnalysisOpenForm(Form):
    reason = forms.CharField(
        label=_("Why a new analysis starts"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=SHORT,
        required=False,
        help_text=_(
            "For example the review it follows. Earlier analyses stay readable and the grid "
            "shows the change since the last one."
        ),
    )


#: the short labels of the formulation's agreed levels (the instrument's anchors are per domain)
LEVELS = {
    "concern": (_("0 none"), _("1 minor"), _("2 moderate"), _("3 severe")),
    "resource": (_("0 none"), _("1 some"), _("2 good"), _("3 strong")),
}


def _rating_choices(scale: str, options: Sequence[Choice], language: str) -> list[tuple[str, str]]:
    """0–3 with their short labels, unknown, and any other value the instrument offers on the
    scale (the religion resource: not applicable) with the instrument's label."""
    values = [c.value for c in options] or [0, 1, 2, 3, "unknown"]
    labels = {str(c.value): tr(c.label, language) for c in options}
    out = []
    for value in values:
        if isinstance(value, int) and 0 <= value <= 3 and scale in LEVELS:
            out.append((str(value), str(LEVELS[scale][value])))
        elif value == "unknown":
            out.append(("unknown", str(_("Unknown"))))
        else:
            out.append((str(value), labels.get(str(value)) or str(value)))
    return out


class FormulationForm(Form):
    """What the participants agreed: per domain a concern and a resource (0–3, unknown, not
    applicable where the instrument offers it, or left empty: not agreed) and a note, a summary,
    hypotheses, needs and tasks per service."""

    summary = forms.CharField(
        label=_("Summary"), widget=forms.Textarea(attrs={"rows": 5}), max_length=SHORT * 4
    )
    hypotheses = forms.CharField(
        label=_("Hypotheses (and competing hypotheses)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=SHORT * 4,
        required=False,
    )
    needs = forms.CharField(
        label=_("Needs"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=SHORT * 4,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        domains: Mapping[str, str],
        options: Mapping[str, Mapping[str, Sequence[Choice]]] | None = None,
        language: str = "en",
        initial_content: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.domains = dict(domains)
        content = dict(initial_content or {})
        agreed = content.get("domains") or {}
        for key in ("summary", "hypotheses", "needs"):
            self.fields[key].initial = content.get(key, "")
        options = options or {}
        for key in self.domains:
            entry = agreed.get(key) or {}
            for scale, label in (("concern", _("Concern")), ("resource", _("Resource"))):
                name = f"{key}_{scale}"
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    choices=_rating_choices(scale, options.get(key, {}).get(scale, ()), language),
                    widget=forms.RadioSelect,
                    required=False,
                )
                # nothing chosen until the participants agree on a value (an earlier
                # version's agreed value carries over)
                agreed_value = entry.get(scale)
                self.fields[name].initial = None if agreed_value is None else str(agreed_value)
            self.fields[f"{key}_note"] = forms.CharField(
                label=_("Note"), required=False, max_length=SHORT
            )
            self.fields[f"{key}_note"].initial = entry.get("note", "")
        tasks = list(content.get("tasks") or [])
        self.task_rows = len(tasks) + 3
        for n in range(self.task_rows):
            task = tasks[n] if n < len(tasks) else {}
            self.fields[f"task_{n}_service"] = forms.CharField(
                label=_("Service"), required=False, max_length=200
            )
            self.fields[f"task_{n}_service"].initial = task.get("service", "")
            self.fields[f"task_{n}_task"] = forms.CharField(
                label=_("Task"), required=False, max_length=SHORT
            )
            self.fields[f"task_{n}_task"].initial = task.get("task", "")

    def domain_rows(self) -> list[tuple[str, str, list[Any]]]:
        return [
            (key, title, [self[f"{key}_concern"], self[f"{key}_resource"], self[f"{key}_note"]])
            for key, title in self.domains.items()
        ]

    def task_fields(self) -> list[list[Any]]:
        return [[self[f"task_{n}_service"], self[f"task_{n}_task"]] for n in range(self.task_rows)]

    def data_for_service(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "domains": {
                key: {
                    "concern": data.get(f"{key}_concern") or None,
                    "resource": data.get(f"{key}_resource") or None,
                    "note": data.get(f"{key}_note", ""),
                }
                for key in self.domains
            },
            "summary": data["summary"],
            "hypotheses": data.get("hypotheses", ""),
            "needs": data.get("needs", ""),
            "tasks": [
                {
                    "service": data.get(f"task_{n}_service", ""),
                    "task": data.get(f"task_{n}_task", ""),
                }
                for n in range(self.task_rows)
            ],
        }
