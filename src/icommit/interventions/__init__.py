"""The intervention plan of a case (goals per life domain, measures, reviews) and its outcomes
at closure and at follow-ups after closure."""
