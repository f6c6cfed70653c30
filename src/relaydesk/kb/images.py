"""Images in articles (KB1): an upload is kept only when Pillow reads it as a PNG, JPEG, GIF
or WebP within the size limits; anything else (SVG, HTML, a renamed script, a truncated or
oversized picture) is refused with the reason and nothing is stored. The stored name and type
come from what Pillow found, never from the uploader."""

from __future__ import annotations

import warnings

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from relaydesk.accounts.models import User
from relaydesk.kb.access import can_edit
from relaydesk.kb.models import Article, ArticleImage

FORMATS = {
    "PNG": ("png", "image/png"),
    "JPEG": ("jpg", "image/jpeg"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}
MAX_ALT = 200


def _inspect(upload: UploadedFile) -> tuple[str, int, int]:
    """(format, width, height) of a real image, or `ValidationError`."""
    if (upload.size or 0) > settings.KB_IMAGE_MAX_BYTES:
        raise ValidationError(
            {
                "image": _("The image is larger than %(max)s.")
                % {"max": filesizeformat(settings.KB_IMAGE_MAX_BYTES)}
            }
        )
    not_image = ValidationError({"image": _("Upload a PNG, JPEG, GIF or WebP image.")})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as image:
                kind, (width, height) = image.format or "", image.size
                if kind not in FORMATS:
                    raise not_image
                if width * height > settings.KB_IMAGE_MAX_PIXELS:
                    raise ValidationError({"image": _("The image has too many pixels.")})
                image.verify()
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()  # verify() skips the pixel data; a truncated file fails here
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise not_image from None
    finally:
        upload.seek(0)
    return kind, width, height


@transaction.atomic
def add_image(*, actor: User, article: Article, upload: UploadedFile) -> ArticleImage:
    if not can_edit(actor):
        raise PermissionDenied(_("You may not edit the knowledge base."))
    kind, width, height = _inspect(upload)
    extension, content_type = FORMATS[kind]
    stem = slugify((upload.name or "").rsplit(".", 1)[0])[:60] or "image"
    image = ArticleImage(
        article=article,
        content_type=content_type,
        width=width,
        height=height,
        size=upload.size or 0,
        uploaded_by=actor,
    )
    image.file.save(f"{stem}.{extension}", upload, save=False)
    image.save()
    return image


def markdown_for(image: ArticleImage, alt: str) -> str:
    """What the editor inserts: Markdown image syntax pointing at the serving view."""
    alt = " ".join(alt.replace("[", "(").replace("]", ")").split())[:MAX_ALT]
    return f"![{alt}]({reverse('kb:image', args=[image.pk])})"
