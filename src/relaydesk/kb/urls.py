from django.urls import path

from relaydesk.kb.views import public

app_name = "kb"

urlpatterns = [
    path("", public.index, name="index"),
    path("search/", public.search_page, name="search"),
    path("suggest/", public.suggest, name="suggest"),
    path("images/<int:pk>/", public.image, name="image"),
    path("<slug:slug>/", public.article, name="article"),
    path("<slug:slug>/vote/", public.vote, name="vote"),
]
