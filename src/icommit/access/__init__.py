"""All access rules of icommit. Nothing outside this package decides what a user may do."""

from icommit.access.actions import Action
from icommit.access.registry import can, get_visible, require, visible

__all__ = ["Action", "can", "get_visible", "require", "visible"]
