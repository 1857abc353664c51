"""The client's D&R phase, with behaviour (disengagement) and attitudes (deradicalisation) as two
tracks with their own history, and references to risk assessments made by designated assessors."""
