"""Images in articles: editors upload them in the desk, only real raster images are kept,
and each is served to exactly those who may read its article."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from relaydesk.conftest import signed_in
from relaydesk.kb.models import ArticleImage, Visibility
from relaydesk.kb.render import render

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def picture(kind: str = "PNG", size: tuple[int, int] = (40, 30), name: str = "shot.png"):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, kind)
    data = io.BytesIO(buffer.getvalue())
    data.name = name
    return data


def upload(client: Client, article, file, alt="Settings page", **extra):
    url = reverse("kb_desk:upload_image", args=[article.pk])
    return client.post(url, {"image": file, "alt": alt}, **extra)


@pytest.fixture
def editor(supervisor) -> Client:
    return signed_in(supervisor)


def test_editor_uploads_an_image_and_gets_markdown(editor, write):
    article = write("reset-password", Visibility.DRAFT)
    answer = upload(editor, article, picture(name="../../Screen Shot.php.png"), **JSON)
    assert answer.status_code == 201
    image = ArticleImage.objects.get()
    assert answer.json() == {"markdown": f"![Settings page](/kb/images/{image.pk}/)"}
    assert (image.content_type, image.width, image.height) == ("image/png", 40, 30)
    assert image.file.name.startswith(f"kb/{article.pk}/")
    assert image.file.name.endswith(".png")
    assert ".." not in image.file.name
    assert (
        f"/kb/images/{image.pk}/"
        in editor.get(reverse("kb_desk:edit", args=[article.pk])).content.decode()
    )


def test_the_type_comes_from_the_content_not_the_name(editor, write):
    article = write("types")
    assert upload(editor, article, picture("JPEG", name="photo.gif"), **JSON).status_code == 201
    image = ArticleImage.objects.get()
    assert image.content_type == "image/jpeg"
    assert image.file.name.endswith(".jpg")


def test_without_the_script_the_page_comes_back_with_the_markdown(editor, write):
    article = write("plain")
    answer = upload(editor, article, picture(), alt="A [tricky] alt")
    assert answer.status_code == 302
    image = ArticleImage.objects.get()
    page = editor.get(answer["Location"]).content.decode()
    assert f"![A (tricky) alt](/kb/images/{image.pk}/)" in page


def test_markdown_of_an_image_renders_to_a_safe_img():
    html = render("![Shot](/kb/images/7/)")
    assert '<img alt="Shot" src="/kb/images/7/">' in html


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<html><body><script>alert(1)</script></body></html>"


def _named(data: bytes, name: str) -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file


@pytest.mark.parametrize(
    "file",
    [
        _named(SVG, "logo.svg"),
        _named(SVG, "logo.png"),
        _named(HTML, "page.png"),
        _named(b"", "empty.png"),
        _named(b"GIF89a" + b"\x00" * 20, "broken.gif"),
        _named(picture().getvalue()[:60], "truncated.png"),
        _named(b"%PDF-1.4 not an image", "doc.png"),
    ],
    ids=["svg", "svg-as-png", "html-as-png", "empty", "broken-gif", "truncated-png", "pdf"],
)
def test_anything_but_a_real_raster_image_is_refused(editor, write, file):
    answer = upload(editor, write("refusals"), file, **JSON)
    assert answer.status_code == 422
    assert answer.json()["errors"]
    assert not ArticleImage.objects.exists()


def test_too_large_and_too_many_pixels_are_refused(editor, write, settings):
    article = write("limits")
    settings.KB_IMAGE_MAX_BYTES = 100
    assert upload(editor, article, picture(), **JSON).status_code == 422
    settings.KB_IMAGE_MAX_BYTES = 5 * 1024 * 1024
    settings.KB_IMAGE_MAX_PIXELS = 1000
    answer = upload(editor, article, picture(size=(100, 100)), **JSON)
    assert answer.status_code == 422
    assert "too many pixels" in answer.json()["errors"][0]
    assert not ArticleImage.objects.exists()


def test_oversized_alt_and_missing_file_are_refused(editor, write):
    article = write("bad-form")
    assert upload(editor, article, picture(), alt="x" * 201, **JSON).status_code == 422
    url = reverse("kb_desk:upload_image", args=[article.pk])
    assert editor.post(url, {"alt": "no file"}, **JSON).status_code == 422
    assert editor.post(url, {"alt": "no file"}).status_code == 422
    assert not ArticleImage.objects.exists()


def test_only_editors_upload(people, write, supervisor):
    article = write("guarded")
    for name in ("customer", "agent", "other_agent"):
        assert upload(people[name], article, picture()).status_code == 403
    assert upload(people["anonymous"], article, picture()).status_code == 302
    client = Client(enforce_csrf_checks=True)
    client.force_login(supervisor)
    assert upload(client, article, picture()).status_code == 403
    assert not ArticleImage.objects.exists()


@pytest.mark.parametrize(
    ("visibility", "allowed"),
    [
        (Visibility.PUBLISHED, {"anonymous", "customer", "agent", "other_agent", "supervisor"}),
        (Visibility.INTERNAL, {"agent", "other_agent", "supervisor"}),
        (Visibility.DRAFT, {"supervisor"}),
    ],
)
def test_image_is_served_to_those_who_may_read_the_article(
    people, write, editor, visibility, allowed
):
    article = write(f"served-{visibility}", visibility)
    assert upload(editor, article, picture(), **JSON).status_code == 201
    url = reverse("kb:image", args=[ArticleImage.objects.get().pk])
    for name, client in people.items():
        answer = client.get(url)
        if name in allowed:
            assert answer.status_code == 200, name
            assert answer["Content-Type"] == "image/png"
            assert answer["X-Content-Type-Options"] == "nosniff"
            assert b"".join(answer.streaming_content).startswith(b"\x89PNG")
        else:
            assert answer.status_code == 404, name
    assert people["anonymous"].get(reverse("kb:image", args=[999])).status_code == 404
