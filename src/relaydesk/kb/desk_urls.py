from django.urls import path

from relaydesk.kb.views import desk

app_name = "kb_desk"

urlpatterns = [
    path("", desk.article_list, name="list"),
    path("new/", desk.edit, name="new"),
    path("<int:pk>/", desk.edit, name="edit"),
    path("<int:pk>/images/", desk.upload_image, name="upload_image"),
    path("lookup/", desk.lookup, name="lookup"),
]
