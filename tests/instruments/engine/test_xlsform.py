"""XLSForm import of the documented subset, its refusals, and export that pyxform compiles."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import openpyxl
import pytest
from pyxform.xls2xform import convert

from icommit.instruments.engine import (
    Definition,
    DefinitionError,
    content_hash,
    definition_from_dict,
    definition_to_dict,
    export_xlsform,
    import_xlsform,
    load_yaml,
    score,
)

from .factories import minimal, to_yaml

SURVEY_HEADER = [
    "type",
    "name",
    "label::English (en)",
    "label::Deutsch (de)",
    "required",
    "relevant",
    "icommit_domain",
    "icommit_weight",
    "icommit_reverse",
    "icommit_scale",
]
CHOICES_HEADER = [
    "list_name",
    "name",
    "label::English (en)",
    "label::Deutsch (de)",
    "icommit_score",
    "icommit_missing",
]
SETTINGS: list[list[Any]] = [
    [
        "form_id",
        "version",
        "default_language",
        "icommit_kind",
        "icommit_title::English (en)",
        "icommit_title::Deutsch (de)",
    ],
    ["team-check", 3, "English (en)", "diagnostics", "Team check", "Team-Check"],
]
AGREE: list[list[Any]] = [
    ["agree", 1, "Disagree", "Dagegen", None, None],
    ["agree", 2, "Neutral", "Neutral", None, None],
    ["agree", 3, "Agree", "Dafür", None, None],
    ["agree", "dont_know", "Don't know", "Weiß nicht", None, "yes"],
]
SCORING: dict[str, list[list[Any]]] = {
    "icommit_domains": [["key", "title::en", "title::de"], ["trust", "Trust", "Vertrauen"]],
    "icommit_scoring": [["method", "min_answered", "pass_mark"], ["mean", 0.5, None]],
    "icommit_bands": [
        ["key", "below", "label::en", "label::de"],
        ["low", 50, "Low", "Niedrig"],
        ["high", None, "High", "Hoch"],
    ],
}


def workbook(
    survey: list[list[Any]],
    choices: list[list[Any]] | None = None,
    settings: list[list[Any]] | None = None,
    **extra: list[list[Any]],
) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "survey"
    for row in [SURVEY_HEADER, *survey]:
        ws.append(row)
    sheets: dict[str, list[list[Any]]] = {
        "choices": [CHOICES_HEADER, *(AGREE if choices is None else choices)],
        "settings": SETTINGS if settings is None else settings,
        **extra,
    }
    for name, rows in sheets.items():
        sheet = wb.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def problems(data: bytes) -> list[tuple[int | None, str, str]]:
    with pytest.raises(DefinitionError) as info:
        import_xlsform(data, source="form.xlsx")
    assert all(p.source == "form.xlsx" for p in info.value.problems)
    return [(p.line, p.field, p.message) for p in info.value.problems]


GOOD_SURVEY: list[list[Any]] = [
    ["begin_group", "main", "Main", "Haupt", None, None, None, None, None, None],
    [
        "select_one agree",
        "t1",
        "I trust them",
        "Ich vertraue",
        "yes",
        None,
        "trust",
        None,
        None,
        "yes",
    ],
    [
        "select_one agree",
        "t2",
        "I doubt them",
        "Ich zweifle",
        None,
        "${t1} = 3",
        "trust",
        2,
        "yes",
        "agree",
    ],
    ["text", "why", "Why?", "Warum?", "${t1} = 1", "${t1} != ''", None, None, None, None],
    ["end_group", None, None, None, None, None, None, None, None, None],
]


def test_a_workbook_in_the_subset_becomes_a_definition() -> None:
    defn = import_xlsform(workbook(GOOD_SURVEY, **SCORING), source="form.xlsx")
    assert (defn.key, defn.version, defn.kind, defn.languages) == (
        "team-check",
        3,
        "diagnostics",
        ("en", "de"),
    )
    t2 = defn.item("t2")
    assert (t2.type, t2.scale, t2.domain, t2.weight, t2.reverse) == (
        "likert",
        "agree",
        "trust",
        2.0,
        True,
    )
    assert t2.relevant is not None
    assert (t2.relevant.item, t2.relevant.op, t2.relevant.values) == ("t1", "equals", (3,))
    why = defn.item("why")
    assert why.required_if is not None and why.required_if.values == (1,)
    assert why.relevant is not None and why.relevant.op == "answered"
    assert defn.scales["agree"].is_missing("dont_know")
    assert defn.domain("trust").title == {"en": "Trust", "de": "Vertrauen"}
    result = score(defn, {"t1": 3, "t2": 1}, audience="security")
    # t2 = 1 reversed is 3: both items at the top of 1..3.
    assert result.domains["trust"].score == 100.0


def test_a_select_without_icommit_scale_has_its_own_choices() -> None:
    survey = [["select_one agree", "t1", "T", "T", None, None, None, None, None, None]]
    defn = import_xlsform(workbook(survey), source="form.xlsx")
    item = defn.item("t1")
    assert (item.type, item.scale, len(item.choices), len(item.missing)) == ("choice", None, 3, 1)
    assert defn.sections[0].key == "main"
    assert defn.sections[0].title == {"en": "Team check", "de": "Team-Check"}


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (["calculate", "c", "C", "C"], "survey.type", "type 'calculate' is outside"),
        (["geopoint", "g", "G", "G"], "survey.type", "type 'geopoint' is outside"),
        (["select_one_from_file x.csv", "f", "F", "F"], "survey.type", "outside"),
        (["select_one agree or_other", "o", "O", "O"], "survey.type", "use `select_one <list>`"),
        (["select_one nolist", "n", "N", "N"], "survey.type", "list 'nolist' is not"),
        (["text", "r", "R", "R", None, "${t1} > 2"], "survey.relevant", "outside the supported"),
        (["text", "r", "R", "R", None, "${t1} != 'a'"], "survey.relevant", "outside"),
        (["text", "r", "R", "R", "maybe"], "survey.required", "outside the supported"),
        (["text", "x", "X"], "survey.label", "needs a non-empty de text"),
        (
            ["integer", "i", "I", "I", None, None, "nowhere"],
            "survey.icommit_domain",
            "unknown domain",
        ),
    ],
)
def test_rows_outside_the_subset_are_refused_with_sheet_and_row(
    row: list[Any], field: str, message: str
) -> None:
    survey = [GOOD_SURVEY[0], GOOD_SURVEY[1], row, GOOD_SURVEY[-1]]
    found = problems(workbook(survey, **SCORING))
    assert any(line == 4 and f == field and message in m for line, f, m in found), found


def test_refused_columns_and_unknown_extras_are_named() -> None:
    survey = [["integer", "i", "I", "I"]]
    data = workbook(survey)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["survey"]
    ws.cell(row=1, column=11, value="constraint")
    ws.cell(row=2, column=11, value=". > 3")
    ws.cell(row=1, column=12, value="icommit_colour")
    out = io.BytesIO()
    wb.save(out)
    found = problems(out.getvalue())
    assert (2, "survey.constraint", "is outside the supported subset") in found
    assert any(f == "survey.icommit_colour" and line == 1 for line, f, _ in found)


def test_nested_groups_and_unbalanced_ends_are_refused() -> None:
    survey = [
        ["begin_group", "a", "A", "A"],
        ["begin_group", "b", "B", "B"],
        ["text", "x", "X", "X"],
        ["end_group"],
        ["end_group"],
        ["begin_repeat", "r", "R", "R"],
        ["text", "y", "Y", "Y"],
    ]
    found = {(line, message) for line, _, message in problems(workbook(survey))}
    assert (3, "nested groups are not supported") in found
    assert (6, "end_group without a matching begin_group") in found
    assert (7, "begin_repeat without an end_repeat") in found


def test_choice_and_settings_problems_name_their_sheet() -> None:
    choices = [["agree", 1, "One", "Eins", "lots", None], ["agree", 1, "One", "Eins", None, None]]
    settings = [["form_id", "version"], ["Bad Id", "one"]]
    survey = [["select_one agree", "q", "Q", "Q", None, None, None, None, None, "yes"]]
    found = {(line, field) for line, field, _ in problems(workbook(survey, choices, settings))}
    assert {
        (2, "choices.icommit_score"),
        (3, "choices.name"),
        (2, "settings.form_id"),
        (2, "settings.version"),
    } <= found


def test_extra_sheets_are_checked_too() -> None:
    bands: list[list[Any]] = [
        ["key", "below", "label::en", "label::de"],
        ["low", 80, "L", "N"],
        ["mid", 40, "M", "M"],
        ["high", None, "H", "H"],
    ]
    recs: list[list[Any]] = [
        ["domain", "band", "text::en", "text::de", "phase_tasks", "modules"],
        ["trust", "none", "Do", "Tu", "setup.charter", "a.b, c.d"],
    ]
    found = problems(
        workbook(
            GOOD_SURVEY, **(SCORING | {"icommit_bands": bands, "icommit_recommendations": recs})
        )
    )
    fields = {(line, field) for line, field, _ in found}
    assert (3, "icommit_bands.below") in fields
    assert (2, "icommit_recommendations.band") in fields


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name,label\nq1,Question\n", "not a zip file"),
        (b"PK\x03\x04" + b"\x00" * 100, "not a zip file"),
        (b"x" * 2_000_001, "larger than"),
    ],
)
def test_garbage_is_refused_with_a_clear_problem(data: bytes, message: str) -> None:
    [(_, field, found)] = problems(data)
    assert field == "file"
    assert message in found


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    [(_, _, message)] = problems(out.getvalue())
    assert "not an .xlsx workbook" in message


def test_a_zip_bomb_is_refused_before_parsing() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * 30_000_000)
    assert len(out.getvalue()) < 2_000_000
    [(_, _, message)] = problems(out.getvalue())
    assert "unpacks to more" in message


def test_sheets_with_too_many_rows_are_refused() -> None:
    survey = [["text", f"q{i}", "Q", "Q"] for i in range(2001)]
    found = problems(workbook(survey))
    assert (2001, "survey", "has more than 2000 rows") in found


def test_a_single_language_form_uses_plain_label_columns() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "survey"
    ws.append(["type", "name", "label"])
    ws.append(["integer", "age", "Age"])
    wb.create_sheet("settings").append(["form_id", "version", "form_title"])
    wb["settings"].append(["ages", 1, "Ages"])
    out = io.BytesIO()
    wb.save(out)
    defn = import_xlsform(out.getvalue(), source="single.xlsx")
    assert defn.languages == ("en",)
    assert defn.item("age").integer
    assert defn.title == {"en": "Ages"}


FIXTURES = ["collaboration", "knowledge_check", "social_diagnostics"]


@pytest.mark.parametrize("fixture", FIXTURES)
def test_export_compiles_with_pyxform(fixture: str, request: pytest.FixtureRequest) -> None:
    defn: Definition = request.getfixturevalue(fixture)
    warnings: list[str] = []
    result = convert(xlsform=export_xlsform(defn), warnings=warnings, file_type=".xlsx")
    assert f'id="{defn.key}"' in result.xform
    assert '<translation lang="Deutsch (de)">' in result.xform
    assert warnings == []


@pytest.mark.parametrize("fixture", FIXTURES)
def test_import_of_the_export_is_the_same_definition(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    defn: Definition = request.getfixturevalue(fixture)
    again = import_xlsform(export_xlsform(defn), source="export.xlsx")
    assert again == defn
    assert content_hash(again) == content_hash(defn)


def test_a_raised_minimum_of_respondents_survives_export_and_import(
    collaboration: Definition,
) -> None:
    raised = definition_from_dict(
        {
            **definition_to_dict(collaboration),
            "scoring": {**definition_to_dict(collaboration)["scoring"], "min_respondents": 7},
        }
    )
    again = import_xlsform(export_xlsform(raised), source="export.xlsx")
    assert again.scoring is not None and again.scoring.min_respondents == 7
    assert content_hash(again) == content_hash(raised)


def test_a_minimum_of_respondents_below_five_is_refused_on_import(
    collaboration: Definition,
) -> None:
    book = openpyxl.load_workbook(io.BytesIO(export_xlsform(collaboration)))
    sheet = book["icommit_scoring"]
    column = [c.value for c in sheet[1]].index("min_respondents") + 1
    sheet.cell(row=2, column=column, value=3)
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(DefinitionError) as info:
        import_xlsform(out.getvalue(), source="form.xlsx")
    assert any(
        p.field == "icommit_scoring.min_respondents" and "at least 5" in p.message
        for p in info.value.problems
    )


def test_a_zip_with_a_broken_workbook_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<not-a-workbook")
    [(_, field, message)] = problems(out.getvalue())
    assert field == "file"
    assert "cannot be read as .xlsx" in message


def test_selected_or_and_count_conditions_are_read() -> None:
    choices: list[list[Any]] = [
        *AGREE,
        ["topics", "law", "Law", "Recht", None, None],
        ["topics", "roles", "Roles", "Rollen", None, None],
    ]
    survey: list[list[Any]] = [
        ["begin_group", "main", "Main", "Haupt"],
        ["select_multiple topics", "m", "M", "M"],
        ["text", "why_law", "W", "W", None, "selected(${m}, 'law')"],
        ["select_one agree", "a", "A", "A"],
        ["text", "why_a", "W", "W", "${a} = 1 or ${a} = '2'"],
        ["begin_repeat", "facts", "F", "F"],
        ["text", "fact", "F", "F"],
        ["end_repeat"],
        ["note", "thanks", "T", "T", None, "count(${facts}) > 0"],
        ["end_group"],
    ]
    defn = import_xlsform(workbook(survey, choices), source="form.xlsx")
    conditions = {
        key: (c.item, c.op, c.values, c.answered)
        for key in ("why_law", "thanks")
        if (c := defn.item(key).relevant) is not None
    }
    assert conditions == {
        "why_law": ("m", "equals", ("law",), True),
        "thanks": ("facts", "answered", (), True),
    }
    required_if = defn.item("why_a").required_if
    assert required_if is not None
    assert (required_if.op, required_if.values) == ("in", (1, 2))
    assert defn.item("facts").type == "group"
    assert import_xlsform(export_xlsform(defn), source="again.xlsx") == defn


# ---------------------------------------------------------------- formula injection

HOSTILE_TEXTS = {
    "equals": '=HYPERLINK("http://x","y")',
    "plus": "+49 30 1234 (the hotline)",
    "at": "@SUM(A1:A9)",
    "minus": "-1 * ${n}",
    "error": "#N/A",
}


def hostile_definition() -> Definition:
    """An instrument whose texts a spreadsheet would evaluate if they were written as typed."""
    data = minimal(
        title={"en": HOSTILE_TEXTS["equals"], "de": HOSTILE_TEXTS["plus"]},
        description={"en": HOSTILE_TEXTS["at"], "de": HOSTILE_TEXTS["error"]},
        sources=["=cmd|' /C calc'!A0", "-2+3"],
    )
    data["domains"][0]["title"] = {"en": HOSTILE_TEXTS["minus"], "de": "=1+1"}
    data["scales"]["agree5"]["choices"][0]["label"] = {"en": "-1", "de": "=-1"}
    section = data["sections"][0]
    section["title"] = {"en": "@here", "de": "+plus"}
    section["items"][0]["text"] = {"en": HOSTILE_TEXTS["equals"], "de": HOSTILE_TEXTS["minus"]}
    section["items"][0]["hint"] = {"en": HOSTILE_TEXTS["at"], "de": HOSTILE_TEXTS["plus"]}
    section["items"].append(
        {"key": "n", "type": "number", "min": -5, "max": 5, "text": {"en": "-n", "de": "=n"}}
    )
    section["items"].append(
        {
            "key": "why",
            "type": "text",
            "text": {"en": "Why?", "de": "Warum?"},
            "relevant": {"item": "n", "equals": -1},
        }
    )
    return load_yaml(to_yaml(data), source="hostile.yaml")


def worksheet_xml(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and name.endswith(".xml")
        }


def test_exported_texts_are_text_cells_never_formulas() -> None:
    data = export_xlsform(hostile_definition())
    sheets = worksheet_xml(data)
    assert sheets
    for name, xml in sheets.items():
        assert "<f>" not in xml and "<f " not in xml, name
        assert 't="e"' not in xml, name
    survey = openpyxl.load_workbook(io.BytesIO(data))["survey"]
    cells = {c.value: c for row in survey.iter_rows() for c in row if c.value is not None}
    hyperlink = cells[HOSTILE_TEXTS["equals"]]
    assert hyperlink.data_type == "s"
    # Excel and LibreOffice keep a quote-prefixed cell as text when someone edits it.
    assert hyperlink.quotePrefix


def test_hostile_texts_survive_export_and_import_unchanged() -> None:
    defn = hostile_definition()
    data = export_xlsform(defn)
    again = import_xlsform(data, source="export.xlsx")
    assert again == defn
    assert again.title["en"] == HOSTILE_TEXTS["equals"]
    assert again.item("a").text["de"] == HOSTILE_TEXTS["minus"]
    warnings: list[str] = []
    result = convert(xlsform=data, warnings=warnings, file_type=".xlsx")
    assert "HYPERLINK" in result.xform
    assert warnings == []


# ---------------------------------------------------------------- row counting


def formatted_to_the_last_row(survey: list[list[Any]]) -> bytes:
    """A workbook whose survey sheet carries blank formatting down to row 1,048,576."""
    wb = openpyxl.load_workbook(io.BytesIO(workbook(survey)))
    ws = wb["survey"]
    ws.cell(row=1_048_576, column=3).font = openpyxl.styles.Font(bold=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_blank_formatting_down_to_the_last_row_is_not_counted() -> None:
    survey: list[list[Any]] = [["begin_group", "main", "Main", "Haupt"]]
    survey += [["integer", f"q{i}", f"Q{i}", f"F{i}"] for i in range(80)]
    survey.append(["end_group"])
    data = formatted_to_the_last_row(survey)
    ws = openpyxl.load_workbook(io.BytesIO(data), read_only=True)["survey"]
    assert ws.max_row == 1_048_576
    defn = import_xlsform(data, source="biomass.xlsx")
    assert len(defn.sections[0].items) == 80


def test_a_short_run_of_blank_rows_does_not_end_the_sheet() -> None:
    survey: list[list[Any]] = [["begin_group", "main", "Main", "Haupt"]]
    survey += [["integer", "before", "B", "B"], *([[None]] * 30), ["integer", "after", "A", "A"]]
    survey.append(["end_group"])
    defn = import_xlsform(workbook(survey), source="gaps.xlsx")
    assert [i.key for i in defn.sections[0].items] == ["before", "after"]


def test_more_than_2000_filled_rows_are_refused_even_with_blank_rows_between() -> None:
    survey: list[list[Any]] = []
    for i in range(2001):
        survey.append(["text", f"q{i}", "Q", "Q"])
        if i % 50 == 0:
            survey += [[None]] * 5
    found = problems(formatted_to_the_last_row(survey))
    assert [m for _, f, m in found if f == "survey"] == ["has more than 2000 rows"]
