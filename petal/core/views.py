"""Error pages in the GOV.UK style: never a stack trace."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from petal.core.errors import Forbidden, NotFound, ValidationFailed
from petal.core.forms import apply_errors


def csrf_failure(request, reason=""):
    return render(request, "errors/csrf.html", status=403)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that touch the database: the database may be why we are here.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render({"request": None}))


def attempt(form, call, **kwargs):
    """Call a service for a submitted form: its result, or None with the service's refusal
    shown on the form (what was typed is kept). Anything the reader may not see is 404; what
    they may see but their role does not allow them to do is 403."""
    try:
        return call(**kwargs)
    except NotFound as exc:
        raise Http404 from exc
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except ValidationFailed as error:
        apply_errors(form, error)
        return None


def or_404(call, *args, **kwargs):
    """Call a selector or service: what the reader may not see (or what is missing) is 404;
    what they may see but their role does not allow is 403."""
    try:
        return call(*args, **kwargs)
    except NotFound as exc:
        raise Http404 from exc
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
