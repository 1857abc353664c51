"""Training pages, one module per area: runs and dashboards, the learner's work and reviews,
certificates and verification, people (external learners, team coverage and the gate)."""

from __future__ import annotations

from icommit.training import urls_certificates, urls_people, urls_runs, urls_work

app_name = "training"

urlpatterns = [
    *urls_runs.urlpatterns,
    *urls_work.urlpatterns,
    *urls_certificates.urlpatterns,
    *urls_people.urlpatterns,
]
