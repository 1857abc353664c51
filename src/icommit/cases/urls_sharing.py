"""Notes, sharing decisions, consents, ledger and restriction of a case.

No ``app_name``: ``cases.urls`` includes these so that their names join the ``cases``
namespace (``teams/<team_pk>/cases/``).
"""

from django.urls import path

from icommit.cases import views_sharing as views

urlpatterns = [
    path("<uuid:case_pk>/notes/add/", views.note_add, name="note_add"),
    path("<uuid:case_pk>/notes/<uuid:note_pk>/", views.note, name="note"),
    path(
        "<uuid:case_pk>/notes/<uuid:note_pk>/document/",
        views.note_document,
        name="note_document",
    ),
    path("<uuid:case_pk>/notes/<uuid:note_pk>/request/", views.share_request, name="share_request"),
    path("<uuid:case_pk>/share/<str:kind>/<uuid:item_pk>/", views.share, name="share"),
    path("<uuid:case_pk>/decisions/<uuid:decision_pk>/end/", views.share_end, name="share_end"),
    path(
        "<uuid:case_pk>/decisions/<uuid:decision_pk>/confirm/",
        views.danger_confirm,
        name="danger_confirm",
    ),
    path("<uuid:case_pk>/consents/", views.consents, name="consents"),
    path(
        "<uuid:case_pk>/consents/<uuid:consent_pk>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path(
        "<uuid:case_pk>/consents/template/<str:audience>/",
        views.consent_template,
        name="consent_template",
    ),
    path("<uuid:case_pk>/ledger/", views.ledger, name="ledger"),
    path("<uuid:case_pk>/restriction/", views.restriction, name="restriction"),
]
