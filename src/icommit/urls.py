from django.urls import include, path

from icommit.api.main import api
from icommit.training.views_certificates import did_document  # training certificates
from icommit.web.views import healthz

handler400 = "icommit.web.errors.bad_request"
handler403 = "icommit.web.errors.permission_denied"
handler404 = "icommit.web.errors.page_not_found"
handler500 = "icommit.web.errors.server_error"

urlpatterns = [
    path("", include("icommit.web.urls")),
    path("accounts/", include("icommit.accounts.urls")),
    path("organisations/", include("icommit.stakeholders.urls")),
    path("teams/", include("icommit.teams.urls")),
    path("teams/<int:team_pk>/phases/", include("icommit.phases.urls")),
    path("teams/<int:team_pk>/charter/", include("icommit.charters.urls")),
    path("teams/<int:team_pk>/plan/", include("icommit.plans.urls")),
    path("teams/<int:team_pk>/transparency/", include("icommit.sharing.urls")),
    path("teams/<int:team_pk>/diagnostics/", include("icommit.diagnostics.urls")),
    path("teams/<int:team_pk>/cases/", include("icommit.cases.urls")),
    path("teams/<int:team_pk>/cases/", include("icommit.analysis.urls")),
    path("teams/<int:team_pk>/cases/", include("icommit.assessments.urls")),
    path("teams/<int:team_pk>/cases/", include("icommit.interventions.urls")),
    path("teams/<int:team_pk>/conferences/", include("icommit.conferences.urls")),
    path("privacy/", include("icommit.cases.urls_privacy")),
    path("privacy/", include("icommit.dataprotection.urls")),
    path("instruments/", include("icommit.instruments.urls")),
    path("training/", include("icommit.training.urls")),
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
    # --- training certificates: the issuer's did:web document (decision 0018) ---
    path(".well-known/did.json", did_document, name="did_document"),
    path("did.json", did_document, name="did_document_below_path"),
    # --- end training certificates ---
]
