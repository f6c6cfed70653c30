"""The knowledge base (KB1–KB4): categories, articles, one translation per language, votes.

Rows are written by `relaydesk.kb.services`; read them for a person through
`relaydesk.kb.access`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relaydesk.accounts.models import User


class KbCategory(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    names = models.JSONField(
        _("translated names"),
        default=dict,
        blank=True,
        help_text=_('The name in other languages, e.g. {"ru": "Счета"}.'),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("knowledge base category")
        verbose_name_plural = _("knowledge base categories")

    def __str__(self) -> str:
        return self.name

    def name_in(self, language: str) -> str:
        names = self.names if isinstance(self.names, dict) else {}
        return str(names.get(language) or self.name)


class Visibility(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    INTERNAL = "internal", _("Internal (agents only)")


class Article(models.Model):
    category = models.ForeignKey(
        KbCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="articles"
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility, default=Visibility.DRAFT
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    views = models.PositiveIntegerField(_("views"), default=0)
    helpful_yes = models.PositiveIntegerField(_("helpful"), default=0)
    helpful_no = models.PositiveIntegerField(_("not helpful"), default=0)
    author = models.ForeignKey(
        User, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["category__position", "position", "slug"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=["visibility", "category"], name="kb_article_visible")]

    def __str__(self) -> str:
        return self.slug


class Translation(models.Model):
    """The article in one language: Markdown as written, safe HTML and plain text derived."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"))
    body_html = models.TextField(editable=False)
    search_text = models.TextField(editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["language"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(fields=["article", "language"], name="kb_translation_unique")
        ]
        indexes = [models.Index(fields=["language", "article"], name="kb_translation_language")]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


class Vote(models.Model):
    """One "was this helpful" answer per reader (a user, or a browser session) and article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    voter = models.CharField(max_length=64)
    helpful = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["article", "voter"], name="kb_vote_once")]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.helpful}"


def _image_path(image: ArticleImage, filename: str) -> str:
    return f"kb/{image.article_id}/{filename}"


class ArticleImage(models.Model):
    """An image shown in an article (KB1). Uploaded in the desk editor, checked to be a real
    PNG, JPEG, GIF or WebP (`kb.images`), served by `kb:image` to those who may read the
    article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(_("file"), upload_to=_image_path, max_length=300)
    content_type = models.CharField(_("content type"), max_length=20)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        User, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("article image")
        verbose_name_plural = _("article images")

    def __str__(self) -> str:
        return self.file.name or ""
