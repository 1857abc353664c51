"""The sharing tests use the team of six organisations that the stakeholders tests build."""

from tests.stakeholders.conftest import circle, english  # noqa: F401 (fixtures)
