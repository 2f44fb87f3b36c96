"""``/gestion/bureau/`` (included before the admin's ``gestion/``): every page behind the admin's login."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "bureau"


def staff(view):
    return admin.site.admin_view(view)


urlpatterns = [
    path("", staff(views.index), name="index"),
    path("<slug:slug>/", staff(views.dashboard), name="dashboard"),
    path("<slug:slug>/sceller/", staff(views.seal), name="seal"),
    path("<slug:slug>/suspendre/", staff(views.suspend), name="suspend"),
    path("<slug:slug>/reprendre/", staff(views.resume), name="resume"),
    path("<slug:slug>/integrite/", staff(views.integrity), name="integrity"),
    path("<slug:slug>/emargements/", staff(views.emargements), name="emargements"),
]
