from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("connexion/<slug:slug>/", views.login_view, name="login"),
    path("connexion/<slug:slug>/mot-de-passe-perdu/", views.password_reassort_view, name="password_reassort"),
    path("connexion/<slug:slug>/premiere-connexion/", views.first_login_view, name="first_login"),
    path(
        "connexion/<slug:slug>/mot-de-passe-oublie/",
        views.password_link_request_view,
        name="password_link_request",
    ),
    path(
        "connexion/<slug:slug>/mot-de-passe-oublie/<str:uidb64>/<str:token>/",
        views.password_link_view,
        name="password_link",
    ),
    path("deconnexion/", views.logout_view, name="logout"),
    path("aide/cle-de-securite-perdue/", views.lost_key_view, name="lost_key"),
    path("aide/mot-de-passe-perdu/", views.lost_password_view, name="lost_password"),
    path("aide/<slug:slug>/cle-de-securite-perdue/", views.lost_key_view, name="lost_key"),
    path("aide/<slug:slug>/mot-de-passe-perdu/", views.lost_password_view, name="lost_password"),
    path("portail/premiere-connexion/", views.credentials_setup_view, name="credentials_setup"),
    path("portail/compte/", views.account_view, name="account"),
    path("portail/code-de-vote/", views.vote_code_view, name="vote_code"),
    path("portail/code-de-vote/nouveau/", views.vote_code_request_view, name="vote_code_request"),
    path("portail/compte/confirmer/<str:token>/", views.confirm_email_view, name="confirm_email"),
]
