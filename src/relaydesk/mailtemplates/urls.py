from django.urls import path

from relaydesk.mailtemplates import views

app_name = "mailtemplates"

urlpatterns = [
    path("", views.template_list, name="list"),
    path("<slug:purpose>/<str:language>/", views.edit, name="edit"),
    path("<slug:purpose>/<str:language>/preview/", views.preview, name="preview"),
    path("<slug:purpose>/<str:language>/reset/", views.reset, name="reset"),
]
