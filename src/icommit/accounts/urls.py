from django.urls import path

from icommit.accounts import views
from icommit.core.http import require_GET_POST

app_name = "accounts"
urlpatterns = [
    path("login/", require_GET_POST(views.LoginView.as_view()), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("password/", require_GET_POST(views.PasswordChangeView.as_view()), name="password_change"),
    path(
        "set-password/<uidb64>/<token>/",
        require_GET_POST(views.PasswordSetView.as_view()),
        name="password_set",
    ),
    path("mfa/", views.mfa, name="mfa"),
    path("mfa/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("reauth/", views.reauth, name="reauth"),
    path("sessions/end-all/", views.end_all_sessions, name="end_all_sessions"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("users/", views.user_list, name="users"),
    path("users/<int:pk>/deactivate/", views.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/reactivate/", views.user_reactivate, name="user_reactivate"),
    path("users/<int:pk>/mfa-reset/", views.user_mfa_reset, name="user_mfa_reset"),
    path("users/<int:pk>/team-founder/", views.user_team_founder, name="user_team_founder"),
]
