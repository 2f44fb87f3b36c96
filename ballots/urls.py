from django.urls import path

from . import views

app_name = "ballots"
urlpatterns = [
    path("portail/je-vote/", views.scrutins, name="scrutins"),
    path("portail/je-vote/<int:scrutin_id>/", views.ballot, name="ballot"),
    path("portail/je-vote/<int:scrutin_id>/voter/", views.cast, name="cast"),
    path("portail/je-vote/<int:scrutin_id>/emargement.pdf", views.emargement, name="emargement"),
    path("portail/je-vote/preuve-de-depot/", views.deposit_proof, name="deposit_proof"),
    path("urne/<slug:slug>/", views.board_index, name="board_index"),
    path("urne/<slug:slug>/<str:code>/", views.board, name="board"),
    path("urne/<slug:slug>/<str:code>/references.txt", views.board_references, name="board_references"),
    path("verification/", views.verification, name="verification"),
]
