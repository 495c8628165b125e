"""Public pages whose content the programme team keeps up to date."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Page(models.Model):
    slug = models.SlugField(unique=True, max_length=80)
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField(help_text="Markdown")
    order = models.PositiveSmallIntegerField(default=100)
    # Pages such as the privacy notice sit in the footer rather than the list on the home page.
    listed = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title


class PageVersion(models.Model):
    """What a page said before each edit, so nothing the programme team wrote is lost."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="versions")
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    saved_at = models.DateTimeField(auto_now_add=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-saved_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} (before {self.saved_at:%d %B %Y %H:%M})"
