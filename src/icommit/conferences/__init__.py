"""Case conferences: the agenda, attendees by organisation, minutes per case as shared items that
the attendees who may see them confirm and freeze, dissent, and actions that go into the plan."""
