"""manage.py import_openreferral FILE_OR_URL: services from Open Referral UK data."""

from __future__ import annotations

import http.client
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from petal.directory.importer import import_openreferral

# A directory's page of services is a few megabytes at most; refuse anything far larger.
MAX_BYTES = 50 * 1024 * 1024


def _is_url(where: str) -> bool:
    return urllib.parse.urlsplit(where).scheme in {"http", "https"}


def _decode(raw: bytes | str, where: str):
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise CommandError(f"{where} is not readable JSON: {error}") from error


def _fetch(url: str, timeout: float):
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked: http or https)
        url, headers={"Accept": "application/json", "User-Agent": "Petal directory import"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  # nosec B310
            raw = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise CommandError(f"Could not fetch {url}: HTTP {error.code} {error.reason}") from error
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise CommandError(f"Could not reach {url}: {reason}") from error
    if len(raw) > MAX_BYTES:
        raise CommandError(f"{url} sent more than {MAX_BYTES // (1024 * 1024)} MB; stopped")
    return _decode(raw, url)


def _with_page(url: str, page: int) -> str:
    parts = urllib.parse.urlsplit(url)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True)]
    query = [(k, v) for k, v in query if k != "page"] + [("page", str(page))]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


def _whole_number(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class Command(BaseCommand):
    help = (
        "Import services from Open Referral UK (version 3) data: a file, - for standard "
        "input, or an http(s) URL. A paged URL's following pages are fetched too. Safe to run "
        "again: services are matched by id."
    )

    def add_arguments(self, parser):
        parser.add_argument("where", metavar="FILE_OR_URL")
        parser.add_argument(
            "--max-pages", type=int, default=100, help="Fetch at most this many pages"
        )
        parser.add_argument(
            "--timeout", type=float, default=30.0, help="Seconds to wait for each page"
        )
        parser.add_argument(
            "--source", default="", help="Where the services came from (default FILE_OR_URL)"
        )

    def handle(self, *args, where, max_pages, timeout, source, **options):
        if max_pages < 1:
            raise CommandError("--max-pages must be 1 or more")
        if _is_url(where):
            data = self._fetch_pages(where, max_pages=max_pages, timeout=timeout)
        elif where == "-":
            data = _decode(sys.stdin.read(), "Standard input")
        else:
            path = Path(where)
            try:
                raw = path.read_bytes()
            except OSError as error:
                raise CommandError(f"Could not read {where}: {error.strerror}") from error
            data = _decode(raw, where)
        if not isinstance(data, (dict, list)):
            raise CommandError(f"{where} is not an Open Referral service, list or page")
        label = source or ("standard input" if where == "-" else where)
        result = import_openreferral(data, actor=None, source=label)
        self.stdout.write(
            f"Imported from {label}: {result.created} created, {result.updated} updated, "
            f"{result.skipped} skipped ({result.organisations_created} new organisations, "
            f"{result.locations_created} new locations, {result.terms_created} new terms)."
        )
        for problem in result.problems:
            self.stderr.write(f"  {problem}")

    def _fetch_pages(self, url: str, *, max_pages: int, timeout: float):
        first = _fetch(url, timeout)
        if not (isinstance(first, dict) and isinstance(first.get("contents"), list)):
            return first
        items = list(first["contents"])
        total_pages = _whole_number(first.get("total_pages")) or 1
        page = _whole_number(first.get("page_number")) or 1
        fetched = 1
        while page < total_pages:
            if fetched >= max_pages:
                self.stderr.write(
                    f"Stopped after {fetched} pages (--max-pages); {total_pages} were offered."
                )
                break
            page += 1
            data = _fetch(_with_page(url, page), timeout)
            fetched += 1
            contents = data.get("contents") if isinstance(data, dict) else None
            if not isinstance(contents, list) or not contents:
                break
            items.extend(contents)
        return items
