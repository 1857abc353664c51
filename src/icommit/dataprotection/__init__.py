"""Privacy operations: retention periods and the daily retention run, erasure of a client,
data-subject exports released by each origin organisation, and the record of processing
activities (GDPR Art. 30)."""
