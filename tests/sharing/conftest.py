"""The sharing tests use the team of six organisations that the stakeholders tests build."""

from tests.stakeholders.conftest import circle, english  # noqa: F401 (fixtures)
from tests.stakeholders.v2content import v1_content, v2_content  # noqa: F401 (fixtures)
