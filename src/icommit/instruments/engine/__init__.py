"""The instrument engine: frozen definitions from YAML or XLSForm, answer checks and scoring.

Pure Python (no Django): a Definition is only ever built after every rule of the format holds,
and is immutable from then on, so a version's ``content_hash`` identifies its content for good.
"""

from __future__ import annotations

from .answers import (
    answer_problems,
    applicable_items,
    check_answers,
    condition_holds,
    is_answered,
    prune_answers,
)
from .definition import (
    AnswerError,
    Band,
    Choice,
    Condition,
    Definition,
    DefinitionError,
    Domain,
    InstrumentError,
    Item,
    Pair,
    Problem,
    Recommendation,
    Scale,
    Scoring,
    Section,
    Text,
    content_hash,
    definition_to_dict,
    tr,
    without_answer_key,
)
from .scoring import (
    DomainScore,
    ScoreResult,
    band_for,
    divergences,
    item_score,
    recommendations_for,
    score,
)
from .xlsform import MAX_XLSFORM_BYTES, export_xlsform, import_xlsform
from .yaml_format import definition_from_dict, load_yaml

__all__ = [
    "MAX_XLSFORM_BYTES",
    "AnswerError",
    "Band",
    "Choice",
    "Condition",
    "Definition",
    "DefinitionError",
    "Domain",
    "DomainScore",
    "InstrumentError",
    "Item",
    "Pair",
    "Problem",
    "Recommendation",
    "Scale",
    "ScoreResult",
    "Scoring",
    "Section",
    "Text",
    "answer_problems",
    "applicable_items",
    "band_for",
    "check_answers",
    "condition_holds",
    "content_hash",
    "definition_from_dict",
    "definition_to_dict",
    "divergences",
    "export_xlsform",
    "import_xlsform",
    "is_answered",
    "item_score",
    "load_yaml",
    "prune_answers",
    "recommendations_for",
    "score",
    "tr",
    "without_answer_key",
]
