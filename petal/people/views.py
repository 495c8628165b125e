"""Pages for the people a trusted person supports. Thin: parse, call a selector or service,
render. A person the reader may not see answers 404, exactly as one that does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from petal.access.categories import Category
from petal.access.policy import can
from petal.consent.selectors import story_reuse_count
from petal.core.errors import Forbidden, NotFound, ValidationFailed
from petal.core.forms import apply_errors
from petal.core.views import search_moved_out_of_the_address, session_search
from petal.meetings.selectors import meetings_of_person, retelling_counts
from petal.people import forms, selectors, services
from petal.people.categories import PERSON_FIELDS, STORY_FIELDS
from petal.people.disadvantage import THRESHOLD
from petal.people.petals import petals_for_mask, summary
from petal.reference.selectors import areas_of_disadvantage, partnership_for_district
from petal.referrals.selectors import referrals_of_person

DRAFT = "petal_person_draft"


def _view_or_404(request, person_id, *, categories=None, purpose="viewed"):
    try:
        return selectors.person_get_for(
            request.user, person_id, categories=categories, purpose=purpose
        )
    except NotFound as exc:
        raise Http404 from exc


def _changeable_or_404(request, person_id, categories, purpose):
    """For pages that change a record. Their headings show the person's name, so identity is
    read as well as the category being changed."""
    try:
        return selectors.person_get_for(
            request.user,
            person_id,
            categories=(Category.IDENTITY, *categories),
            purpose=purpose,
            require_change=True,
        )
    except NotFound as exc:
        raise Http404 from exc


# --- caseload -------------------------------------------------------------------------


# A name typed into the caseload search is kept in the session, never in an address: the
# form posts, and every link the page makes (sorting, pages, the CSV) carries no search.
SEARCH_KEY = "_petal_caseload_search"


def _list_filters(request, areas):
    search = session_search(request, SEARCH_KEY)
    sort = request.GET.get("sort", "name")
    if sort not in selectors.SORTS:
        sort = "name"
    area = request.GET.get("area", "")
    if area not in {a.code for a in areas}:
        area = ""
    return search, sort, area, request.GET.get("three") == "1"


def caseload(request):
    moved = search_moved_out_of_the_address(request, SEARCH_KEY, keep=("sort", "area", "three"))
    if moved is not None:
        return moved
    areas = list(areas_of_disadvantage())
    search, sort, area, three = _list_filters(request, areas)
    page = selectors.caseload_page(
        request.user,
        search=search,
        sort=sort,
        page=request.GET.get("page", 1),
        area=area,
        three_or_more=three,
    )
    rows = []
    for person in page.object_list:
        petals = petals_for_mask(person.areas_mask, areas)
        rows.append((person, petals, summary(petals)))
    return render(
        request,
        "people/caseload.html",
        {
            "page": page,
            "rows": rows,
            "q": search,
            "sort": sort,
            "areas": areas,
            "area": area,
            "three": three,
            "filtered": bool(search or area or three),
            "can_add": can(request.user, "people.add"),
            "can_import": can(request.user, "people.import"),
            "query": request.GET.urlencode(),
        },
    )


def caseload_csv(request):
    """The list as a spreadsheet: the same people, filters and rules as the page."""
    import csv

    from django.http import HttpResponse

    areas = list(areas_of_disadvantage())
    search, sort, area, three = _list_filters(request, areas)
    people = selectors.caseload_export(
        request.user, search=search, sort=sort, area=area, three_or_more=three
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="people-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        [
            "Record",
            "Full name",
            "Likes to be called",
            "Date of birth",
            "District",
            "Phone",
            "Areas now",
            "Last contact",
            "Next contact",
        ]
    )
    for person in people:
        row = person.row_access
        writer.writerow(
            [
                _cell(f"P-{person.pk:06d}"),
                _cell(person.full_name),
                _cell(person.preferred_name),
                person.date_of_birth.isoformat() if person.date_of_birth else "",
                _cell(person.district.name if row.contact and person.district else ""),
                _cell(person.phone if row.contact else ""),
                "; ".join(p.name for p in petals_for_mask(person.areas_mask, areas) if p.filled)
                if row.needs
                else "",
                person.last_contact_on.isoformat() if person.last_contact_on else "",
                person.next_contact_on.isoformat() if person.next_contact_on else "",
            ]
        )
    return response


def _cell(value: str) -> str:
    """Spreadsheet cells that start with = + - @ are formulas to Excel: neutralise them."""
    value = value or ""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# --- creating a person: one question at a time, then check your answers -----------------

STEPS = ("identity", "contact", "relationship")
STEP_FORMS = {
    "identity": forms.IdentityForm,
    "contact": forms.ContactForm,
    "relationship": forms.RelationshipForm,
}
STEP_TITLES = {
    "identity": "Who are they?",
    "contact": "Where do they live, and how can you reach them safely?",
    "relationship": "How do you know them?",
}


def _draft(request) -> dict:
    return request.session.get(DRAFT, {})


def _save_step(request, step, form):
    draft = _draft(request)
    # Keep the raw form data: it re-fills the form as typed, and the check page re-validates.
    draft[step] = {key: form.data.getlist(key) for key in form.data if key != "csrfmiddlewaretoken"}
    request.session[DRAFT] = draft


def _form_from_draft(step, draft):
    from django.http import QueryDict

    data = draft.get(step)
    if data is None:
        return STEP_FORMS[step]()
    query = QueryDict(mutable=True)
    for key, values in data.items():
        query.setlist(key, values)
    return STEP_FORMS[step](query)


@require_http_methods(["GET", "POST"])
def person_new(request, step="identity"):
    if step not in STEPS:
        raise Http404
    if request.method == "GET" and step == "identity" and request.GET.get("start"):
        request.session.pop(DRAFT, None)
    if request.method == "POST":
        form = STEP_FORMS[step](request.POST)
        if form.is_valid():
            _save_step(request, step, form)
            if request.GET.get("change"):
                return redirect("people:new-check")
            following = STEPS.index(step) + 1
            if following < len(STEPS):
                return redirect("people:new-step", step=STEPS[following])
            return redirect("people:new-check")
    else:
        form = _form_from_draft(step, _draft(request))
    number = STEPS.index(step) + 1
    back = (
        reverse("people:caseload")
        if number == 1
        else reverse("people:new-step", kwargs={"step": STEPS[number - 2]})
    )
    return render(
        request,
        f"people/new_{step}.html",
        {
            "form": form,
            "title": STEP_TITLES[step],
            "number": number,
            "of": len(STEPS),
            "back": back,
        },
    )


def _valid_draft(request):
    draft = _draft(request)
    cleaned = {}
    for step in STEPS:
        form = _form_from_draft(step, draft)
        if draft.get(step) is None or not form.is_valid():
            return None, step
        cleaned[step] = form.cleaned_data
    return cleaned, None


@require_http_methods(["GET", "POST"])
def person_new_check(request):
    cleaned, missing = _valid_draft(request)
    if cleaned is None:
        return redirect("people:new-step", step=missing)
    identity, contact, relationship = (cleaned[s] for s in STEPS)
    if request.method == "POST":
        person = services.person_create(
            actor=request.user,
            full_name=identity["full_name"],
            preferred_name=identity["preferred_name"],
            pronouns=identity["pronouns"],
            date_of_birth=identity["date_of_birth"],
            aliases=identity["aliases"],
            communication_needs=identity["communication_needs"],
            languages=identity["languages"],
            district=contact["district"],
            address=contact["address"],
            no_fixed_abode=contact["no_fixed_abode"],
            phone=contact["phone"],
            safe_contact=contact["safe_contact"],
            relationship_kind=relationship["relationship_kind"],
            organisation=relationship["organisation"],
        )
        request.session.pop(DRAFT, None)
        messages.success(request, f"{person.full_name} has been added to your people.")
        return redirect("people:person", person_id=person.pk)
    duplicates = selectors.possible_duplicates(
        request.user,
        full_name=identity["full_name"],
        date_of_birth=identity["date_of_birth"],
        aliases=identity["aliases"],
    )
    return render(
        request,
        "people/new_check.html",
        {
            "identity": identity,
            "contact": contact,
            "relationship": relationship,
            "duplicates": duplicates,
            "kind_label": dict(forms.RelationshipForm.base_fields["relationship_kind"].choices)[
                relationship["relationship_kind"]
            ],
        },
    )


# --- one person ---------------------------------------------------------------------------


def person_detail(request, person_id: int):
    view = _view_or_404(request, person_id)
    person = view.person
    areas = list(areas_of_disadvantage())
    today = timezone.localdate()
    on_form = forms.OnDateForm(request.GET if "on_0" in request.GET else None)
    day = on_form.cleaned_data["on"] if on_form.is_bound and on_form.is_valid() else today
    day = day or today
    # The rule answered by the database, for this person on the day (one query).
    row = selectors.areas_on(person, day)
    petals = petals_for_mask(row["areas_mask"], areas)
    current = [p for p in petals if p.filled]
    return render(
        request,
        "people/person.html",
        {
            "view": view,
            "person": person,
            "petals": petals,
            "summary": summary(petals),
            "current_count": len(current),
            "meets_rule": row["areas_on"] >= THRESHOLD,
            "day": day,
            "is_today": day == today,
            "on_form": on_form,
            "partnership": partnership_for_district(person.district, on=today)
            if person.district
            else None,
            "story": _story_of(person),
            "story_written": any(getattr(_story_of(person), name, "") for name in STORY_FIELDS),
            "versions": selectors.person_versions(view)[:20],
            "ask": next((c.recorded_by for c in view.access.consents if c.recorded_by), None)
            if view.access and not view.can_change
            else None,
            "story_reuse": story_reuse_count(person),
            "referrals": referrals_of_person(request.user, person) if view.can_change else [],
            "meetings": meetings_of_person(request.user, person) if view.can_change else [],
            "retelling": retelling_counts(person=person) if view.can_change else None,
        },
    )


def _story_of(person):
    from petal.people.models import Story

    try:
        return person.story
    except Story.DoesNotExist:
        return None


EDITABLE = {
    "identity": (Category.IDENTITY, forms.IdentityForm, "Who they are"),
    "contact": (Category.CONTACT, forms.ContactForm, "Where they live and how to reach them"),
    "story": (Category.STORY, forms.StoryForm, "Their story, in their own words"),
    "risk": (
        Category.RISK,
        forms.notes_form("Safety and risk notes", "risk_notes"),
        "Safety and risk",
    ),
    "health": (Category.HEALTH, forms.notes_form("Health notes", "health_notes"), "Health"),
    "justice": (Category.JUSTICE, forms.notes_form("Justice notes", "justice_notes"), "Justice"),
}


def _initial(person, category):
    if category == Category.STORY:
        story = _story_of(person)
        return {name: getattr(story, name, "") for name in STORY_FIELDS}
    initial = {name: getattr(person, name) for name in PERSON_FIELDS[category]}
    if category == Category.IDENTITY:
        initial["aliases"] = "\n".join(a.name for a in person.aliases.all())
    return initial


@require_http_methods(["GET", "POST"])
def person_edit(request, person_id: int, section: str):
    if section not in EDITABLE:
        raise Http404
    category, form_class, title = EDITABLE[section]
    view = _changeable_or_404(request, person_id, [category], purpose=f"edit {section}")
    person = view.person
    conflict = False
    if request.method == "POST":
        form = form_class(request.POST)
        try:
            expected = int(request.POST.get("version", ""))
        except ValueError:
            expected = -1
        if form.is_valid():
            values = dict(form.cleaned_data)
            try:
                services.person_update(
                    actor=request.user,
                    person=person,
                    category=category,
                    values=values,
                    expected_version=expected,
                )
            except services.EditConflict as error:
                form.add_error(None, error.message)
                conflict = True
            except ValidationFailed as error:
                apply_errors(form, error)
            else:
                messages.success(request, f"{title} saved.")
                return redirect("people:person", person_id=person.pk)
        version = expected
    else:
        form = form_class(initial=_initial(person, category))
        version = person.version
    return render(
        request,
        "people/edit.html",
        {
            "person": person,
            "form": form,
            "title": title,
            "section": section,
            "version": version,
            "conflict": conflict,
            "current": _initial(_fresh(person), category) if conflict else None,
        },
    )


def _fresh(person):
    """The record as saved now, to show beside what the second editor typed."""
    return selectors.person_base_queryset().get(pk=person.pk)


@require_http_methods(["GET", "POST"])
def episode_new(request, person_id: int):
    view = _changeable_or_404(request, person_id, [Category.NEEDS], purpose="add episode")
    form = forms.EpisodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.episode_add(
                actor=request.user,
                person=view.person,
                area=data["area"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                note=data["note"],
            )
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{data['area'].name} added to the timeline.")
            return redirect("people:person", person_id=view.person.pk)
    return render(request, "people/episode_new.html", {"person": view.person, "form": form})


@require_http_methods(["GET", "POST"])
def episode_end(request, person_id: int, episode_id: int):
    view = _changeable_or_404(request, person_id, [Category.NEEDS], purpose="end episode")
    episode = next((e for e in view.person.episodes.all() if e.pk == episode_id), None)
    if episode is None or episode.ends_on is not None:
        raise Http404
    form = forms.EpisodeEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.episode_end(
                actor=request.user,
                person=view.person,
                episode_id=episode.pk,
                ends_on=form.cleaned_data["ends_on"],
            )
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{episode.area.name} has an end date.")
            return redirect("people:person", person_id=view.person.pk)
    return render(
        request,
        "people/episode_end.html",
        {"person": view.person, "episode": episode, "form": form},
    )


@require_http_methods(["GET", "POST"])
def contact_new(request, person_id: int):
    view = _changeable_or_404(request, person_id, [Category.INVOLVEMENT], purpose="record contact")
    form = forms.ContactRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.contact_record(
                actor=request.user,
                person=view.person,
                happened_on=data["happened_on"],
                method=data["method"],
                note=data["note"],
                next_contact_on=data["next_contact_on"],
            )
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Contact recorded.")
            return redirect("people:person", person_id=view.person.pk)
    return render(request, "people/contact_new.html", {"person": view.person, "form": form})


@require_http_methods(["GET", "POST"])
def relationship_new(request, person_id: int):
    view = _changeable_or_404(
        request, person_id, [Category.INVOLVEMENT], purpose="add trusted person"
    )
    form = forms.RelationshipAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            relationship = services.relationship_add(
                actor=request.user,
                person=view.person,
                email=data["email"],
                kind=data["kind"],
                organisation=data["organisation"],
            )
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"{relationship.trusted_person.display_name} is now one of "
                f"{view.person.full_name}'s trusted persons.",
            )
            return redirect("people:person", person_id=view.person.pk)
    return render(request, "people/relationship_new.html", {"person": view.person, "form": form})


@require_http_methods(["GET", "POST"])
def handover_new(request, person_id: int):
    view = _changeable_or_404(request, person_id, [Category.INVOLVEMENT], purpose="plan handover")
    form = forms.HandoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            handover = services.handover_plan(
                actor=request.user,
                person=view.person,
                email=data["email"],
                kind=data["kind"],
                organisation=data["organisation"],
                planned_for=data["planned_for"],
                agreed_how=data["agreed_how"],
                agreement_note=data["agreement_note"],
                previous_stays=data["previous_stays"] == "yes",
            )
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"Handover to {handover.to_user.display_name} planned for "
                f"{handover.planned_for:%-d %B %Y}.",
            )
            return redirect("people:person", person_id=view.person.pk)
    return render(request, "people/handover_new.html", {"person": view.person, "form": form})


@require_http_methods(["POST"])
def handover_complete(request, person_id: int, handover_id: int):
    view = _changeable_or_404(
        request, person_id, [Category.INVOLVEMENT], purpose="complete handover"
    )
    try:
        handover = services.handover_complete(
            actor=request.user, person=view.person, handover_id=handover_id
        )
    except NotFound as exc:
        raise Http404 from exc
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except ValidationFailed:
        messages.error(
            request,
            "The handover cannot be completed: the new trusted person no longer has a trusted "
            "person sign-in. Plan the handover again with someone else.",
        )
        return redirect("people:person", person_id=view.person.pk)
    messages.success(request, f"{handover.to_user.display_name} is now the lead trusted person.")
    return redirect("people:person", person_id=view.person.pk)


@require_http_methods(["POST"])
def person_new_connect(request):
    """From the check page: ask the trusted persons of records this user cannot see."""
    cleaned, missing = _valid_draft(request)
    if cleaned is None:
        return redirect("people:new-step", step=missing)
    identity = cleaned["identity"]
    services.connection_request(
        actor=request.user,
        full_name=identity["full_name"],
        date_of_birth=identity["date_of_birth"],
        aliases=identity["aliases"],
    )
    messages.success(
        request,
        "We have asked their trusted person to get in touch with you. Nothing about you or "
        "the person you are adding has been shared beyond your name and email address.",
    )
    return redirect("people:new-check")


def connections(request):
    return render(
        request,
        "people/connections.html",
        {"requests": selectors.connection_requests_for(request.user)},
    )


@require_http_methods(["POST"])
def connection_close(request, request_id: int):
    try:
        services.connection_close(actor=request.user, request_id=request_id)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, "Marked as dealt with.")
    return redirect("people:connections")
