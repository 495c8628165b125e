"""Error pages in the GOV.UK style: never a stack trace."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from petal.core.errors import Forbidden, NotFound, ValidationFailed
from petal.core.forms import apply_errors


def csrf_failure(request, reason=""):
    return render(request, "errors/csrf.html", status=403)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


security_log = logging.getLogger("petal.security")


def _refusal_logged(request, status: int) -> None:
    """Refused access by someone signed in goes to the process log with who and where (the
    path only: ids, never a query string, which can hold a typed name)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        security_log.warning(
            "access refused: status=%s user=%s method=%s path=%s",
            status,
            user.pk,
            request.method,
            request.path,
        )


def permission_denied(request, exception=None):
    _refusal_logged(request, 403)
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    _refusal_logged(request, 404)
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


def search_moved_out_of_the_address(request, key: str, *, keep=(), limit: int = 100):
    """A search box whose words (often a name) must never be in an address: the form posts,
    an old link's ``?q=`` is moved out of the address, ``?clear=1`` empties it. Returns the
    redirect to the same page (with only the ``keep`` filters in its address), or None when
    the request is an ordinary GET; the search itself is then ``session_search(request, key)``."""
    from django.http import QueryDict
    from django.shortcuts import redirect

    if request.method != "POST" and "q" not in request.GET and "clear" not in request.GET:
        return None
    source = request.POST if request.method == "POST" else request.GET
    address = QueryDict(mutable=True)
    if "clear" in request.GET:
        request.session.pop(key, None)
    else:
        request.session[key] = source.get("q", "").replace("\x00", "").strip()[:limit]
        for name in keep:
            if source.get(name):
                address[name] = source.get(name)
    return redirect(f"{request.path}?{address.urlencode()}" if address else request.path)


def session_search(request, key: str) -> str:
    return request.session.get(key, "")
