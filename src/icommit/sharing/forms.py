"""Forms of a team's sharing protocol and the transparency matrix filter."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from icommit.core.forms import Form
from icommit.sharing.decision import SharingRule
from icommit.stakeholders.content import content
from icommit.stakeholders.models import Organisation
from icommit.stakeholders.sectors import Sector

# --- the sharing protocol ---------------------------------------------------------------------


def _party_choices(organisations: Iterable[Organisation]) -> list[Any]:
    return [
        ("", _("— choose —")),
        (_("Organisations in the team"), [(f"org:{o.pk}", o.name) for o in organisations]),
        (
            _("Sectors"),
            [
                (f"sector:{value}", _("%(sector)s (sector)") % {"sector": label})
                for value, label in Sector.choices
            ],
        ),
    ]


def _rule_choices() -> list[tuple[str, str]]:
    return [(rule.value, rule.label) for rule in SharingRule]


def _category_choices() -> list[tuple[str, str]]:
    language = get_language()
    return [(c.code, c.label_in(language)) for c in content().data_categories.values()]


class ProtocolRowForm(Form):
    """One protocol row; "from" and "to" hold ``org:<id>`` or ``sector:<code>``."""

    category = forms.ChoiceField(label=_("Data category"))
    rule = forms.ChoiceField(label=_("Rule"))
    legal_source = forms.CharField(
        label=_("Legal source"),
        max_length=300,
        required=False,
        help_text=_("Needed for “always” and “with a recorded legal basis”."),
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(
        self, *args: Any, organisations: Iterable[Organisation] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        parties = _party_choices(organisations)
        self.fields["from"] = forms.ChoiceField(label=_("From"), choices=parties)
        self.fields["to"] = forms.ChoiceField(label=_("To"), choices=parties)
        cast(forms.ChoiceField, self.fields["category"]).choices = _category_choices()
        cast(forms.ChoiceField, self.fields["rule"]).choices = _rule_choices()
        self.order_fields(["from", "to", "category", "rule", "legal_source", "note"])

    @staticmethod
    def initial_for(row: Any) -> dict[str, Any]:
        def side(org_id: int | None, sector: str) -> str:
            return f"org:{org_id}" if org_id is not None else f"sector:{sector}"

        return {
            "from": side(row.from_organisation_id, row.from_sector),
            "to": side(row.to_organisation_id, row.to_sector),
            "category": row.category,
            "rule": row.rule,
            "legal_source": row.legal_source,
            "note": row.note,
        }

    def values(self) -> dict[str, Any]:
        """The cleaned data in the shape the protocol services take."""
        data = self.cleaned_data
        values: dict[str, Any] = {
            "category": data["category"],
            "rule": data["rule"],
            "legal_source": data["legal_source"],
            "note": data["note"],
        }
        for side in ("from", "to"):
            kind, _sep, value = data[side].partition(":")
            values[f"{side}_organisation_id"] = int(value) if kind == "org" else None
            values[f"{side}_sector"] = value if kind == "sector" else ""
        return values


class MatrixFilterForm(Form):
    """The matrix filter: one data category, one organisation to look at, which flows to show.

    The organisations are set once the matrix is known (``set_organisations``), before the form
    is validated; ``category_asked`` reads the category before that, to compute the matrix.
    """

    category = forms.ChoiceField(label=_("Data category"), required=False)
    organisation = forms.TypedChoiceField(
        label=_("Look at one organisation"), required=False, coerce=int, empty_value=None
    )
    show = forms.ChoiceField(
        label=_("Flows shown"),
        required=False,
        choices=[
            ("", _("All flows")),
            ("agreed", _("Agreed flows only")),
            ("conditional", _("Only flows with consent or a legal basis")),
            ("unmet", _("Unmet needs only")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = [
            ("", _("All categories")),
            *_category_choices(),
        ]
        self.set_organisations(())

    def set_organisations(self, organisations: Iterable[Organisation]) -> None:
        cast(forms.ChoiceField, self.fields["organisation"]).choices = [
            ("", _("— all organisations —")),
            *((o.pk, o.name) for o in organisations),
        ]

    def category_asked(self) -> str:
        """The category in the data if it is a known one, else "" (all)."""
        value = self.data.get("category", "") if self.is_bound else ""
        field = cast(forms.ChoiceField, self.fields["category"])
        return value if value and field.valid_value(value) else ""
