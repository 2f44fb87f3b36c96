from django.urls import path

from . import views

app_name = "elections"
urlpatterns = [
    path("", views.index, name="index"),
    path("portail/", views.home, name="home"),
    path("portail/scrutins/", views.my_scrutins, name="scrutins"),
    path("portail/scrutins/<int:scrutin_id>/liste-electorale/", views.scrutin_roll, name="roll"),
    path("portail/listes/<int:list_id>/<slug:kind>/", views.list_document, name="list_document"),
    path("portail/assistance/", views.assistance, name="assistance"),
    path("portail/reclamation/", views.reclamation, name="reclamation"),
    path("pages/<slug:slug>/", views.page, name="page"),
    path("media/<path:path>", views.staff_media, name="staff_media"),
]
