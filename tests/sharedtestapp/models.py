"""A note as the smallest shared item: an origin organisation, a category, a text."""

from __future__ import annotations

from django.db import models

from icommit.sharing.models import AudienceRow, SharedItem


class Note(SharedItem):
    text = models.CharField(max_length=200)


class NoteAudience(AudienceRow):
    item = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="audience")
