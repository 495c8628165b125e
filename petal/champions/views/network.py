"""The Champion Network's pages. Thin: parse, call a selector or service, render. A post the
reader may not see answers 404, exactly as one that does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from petal.access.policy import can
from petal.barriers.selectors import learning as learning_selectors
from petal.barriers.services import learning as learning_services
from petal.champions.forms import network as forms
from petal.champions.selectors import network as selectors
from petal.champions.services import network as services
from petal.core.errors import Forbidden, NotFound, ValidationFailed
from petal.core.views import attempt, or_404


def _attempt(form, call, **kwargs):
    """``attempt``, with a caseload-name warning returned as the form's ``name_warning`` (the
    author may change the text or publish anyway) rather than as an error."""

    def warned(**given):
        try:
            return call(**given)
        except services.NameWarning as warning:
            form.name_warning = warning
            return None

    return attempt(form, warned, **kwargs)


def _back_to(question_id, anchor: str = ""):
    url = reverse("network:question", kwargs={"question_id": question_id})
    return redirect(f"{url}#{anchor}" if anchor else url)


def questions(request):
    search = forms.SearchForm(request.GET)
    filters = search.filters()
    page = selectors.question_page(request.user, page=request.GET.get("page", 1), **filters)
    return render(
        request,
        "champions/network/questions.html",
        {
            "search": search,
            "filters": filters,
            "page": page,
            "searching": bool((filters.get("q") or "").strip()),
            "moderator": can(request.user, "network.moderate"),
            "can_share": can(request.user, "stories.share"),
        },
    )


def _learning_asked_about(request):
    """The learning entry a question is asked about (``?learning=`` on the way in, the hidden
    field on the way back), if the asker may link it; otherwise None."""
    given = request.POST.get("learning") if request.method == "POST" else None
    given = given or request.GET.get("learning")
    if not given:
        return None
    return learning_selectors.learning_to_ask_about(request.user, given)


def ask(request):
    learning = _learning_asked_about(request)
    initial = {}
    if learning is not None:
        initial = {"learning": learning.pk, "areas": [a.code for a in learning.areas.all()]}
    form = forms.QuestionForm(request.POST or None, initial=initial)
    form.name_warning = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        question = _attempt(
            form,
            services.question_ask,
            actor=request.user,
            title=data["title"],
            body=data["body"],
            areas=data["areas"],
            topics=data["topics"],
            publish_anyway=data["publish_anyway"],
        )
        if question is not None:
            if learning is not None:
                try:
                    learning_services.learning_link(
                        actor=request.user, entry_id=learning.pk, question_id=question.pk
                    )
                except ValidationFailed:
                    # Already linked: the same question sent twice.
                    pass
            messages.success(request, "Your question is in the network.")
            return redirect("network:question", question_id=question.pk)
    return render(request, "champions/network/ask.html", {"form": form, "learning": learning})


def _question_page(request, question_id: int, answer_form=None, link_form=None):
    view = or_404(selectors.question_get_for, request.user, question_id)
    if answer_form is None:
        answer_form = forms.AnswerForm()
        answer_form.name_warning = None
    choices = learning_selectors.learning_link_choices(request.user, view.question)
    if link_form is None and choices:
        link_form = forms.LearningLinkForm(choices=choices)
    return render(
        request,
        "champions/network/question.html",
        {
            "view": view,
            "question": view.question,
            "answer_form": answer_form,
            "link_form": link_form,
            "learning": learning_selectors.learning_for_question(view.question.pk),
            "errors": answer_form.errors or (link_form.errors if link_form else None),
            "moderate_form": forms.ModerateForm(),
        },
    )


def question(request, question_id: int):
    if request.method == "POST":
        return _link_learning(request, question_id)
    return _question_page(request, question_id)


def _link_learning(request, question_id: int):
    """Link published learning to the question (its author and the programme team)."""
    view = or_404(selectors.question_get_for, request.user, question_id)
    choices = learning_selectors.learning_link_choices(request.user, view.question)
    if not choices and not learning_selectors.may_link(request.user, view.question):
        raise PermissionDenied("Only the question's author or the programme team links learning")
    form = forms.LearningLinkForm(request.POST, choices=choices)
    if form.is_valid():
        link = attempt(
            form,
            learning_services.learning_link,
            actor=request.user,
            entry_id=form.cleaned_data["entry"],
            question_id=view.question.pk,
        )
        if link is not None:
            messages.success(request, "The learning is linked to this question.")
            return _back_to(view.question.pk, "learning")
    return _question_page(request, question_id, link_form=form)


@require_POST
def answer(request, question_id: int):
    form = forms.AnswerForm(request.POST)
    form.name_warning = None
    if form.is_valid():
        done = _attempt(
            form,
            services.answer_add,
            actor=request.user,
            question_id=question_id,
            body=form.cleaned_data["body"],
            publish_anyway=form.cleaned_data["publish_anyway"],
        )
        if done is not None:
            messages.success(request, "Your answer is published.")
            return _back_to(question_id, f"answer-{done.pk}")
    return _question_page(request, question_id, answer_form=form)


def _refused(request, call, **kwargs):
    """For a button press: a refusal becomes a message on the page, not an error page."""
    try:
        return call(**kwargs)
    except NotFound as exc:
        raise Http404 from exc
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except ValidationFailed as error:
        messages.error(request, error.message)
        return None


@require_POST
def accept_answer(request, answer_id: int):
    answer = or_404(selectors.answer_get_for, request.user, answer_id)
    done = _refused(request, services.answer_accept, actor=request.user, answer_id=answer_id)
    if done is not None:
        messages.success(request, "You accepted this answer.")
    return _back_to(answer.question_id, f"answer-{answer.pk}")


@require_POST
def question_helped(request, question_id: int):
    counted = _refused(
        request, services.question_helped, actor=request.user, question_id=question_id
    )
    if counted:
        messages.success(request, "Thank you: you said this question helped you.")
    return _back_to(question_id)


@require_POST
def answer_helped(request, answer_id: int):
    answer = or_404(selectors.answer_get_for, request.user, answer_id)
    counted = _refused(request, services.answer_helped, actor=request.user, answer_id=answer_id)
    if counted:
        messages.success(request, "Thank you: you said this answer helped you.")
    return _back_to(answer.question_id, f"answer-{answer.pk}")


def _report(request, *, question, answer=None):
    form = forms.ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form,
            services.post_report,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            question_id=None if answer else question.pk,
            answer_id=answer.pk if answer else None,
        )
        if done is not None:
            messages.success(request, "Thank you. The programme team will look at it.")
            return _back_to(question.pk)
    return render(
        request,
        "champions/network/report.html",
        {"form": form, "question": question, "answer": answer},
    )


def report_question(request, question_id: int):
    view = or_404(selectors.question_get_for, request.user, question_id)
    return _report(request, question=view.question)


def report_answer(request, answer_id: int):
    answer = or_404(selectors.answer_get_for, request.user, answer_id)
    return _report(request, question=answer.question, answer=answer)


def tags(request):
    followed_areas, followed_topics = selectors.followed_tags(request.user)
    form = forms.TagsForm(
        request.POST or None,
        initial={"areas": sorted(followed_areas), "topics": sorted(followed_topics)},
    )
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form,
            services.tags_follow,
            actor=request.user,
            areas=form.cleaned_data["areas"],
            topics=form.cleaned_data["topics"],
        )
        if done is not None:
            messages.success(
                request, "Saved. New questions with these tags will be in your weekly email."
            )
            return redirect("network:tags")
    return render(request, "champions/network/tags.html", {"form": form})


def moderation(request):
    queue = or_404(selectors.moderation_queue, request.user)
    return render(
        request,
        "champions/network/moderation.html",
        {"queue": queue, "moderate_form": forms.ModerateForm()},
    )


def _moderate(request, *, question_id=None, answer_id=None):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if question_id is not None:
        post = or_404(selectors.question_for_moderation, request.user, question_id)
        back = post.pk
    else:
        post = or_404(selectors.answer_for_moderation, request.user, answer_id)
        back = post.question_id
    form = forms.ModerateForm(request.POST)
    if form.is_valid():
        done = _attempt(
            form,
            services.post_moderate,
            actor=request.user,
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
            question_id=question_id,
            answer_id=answer_id,
        )
        if done is not None:
            messages.success(
                request,
                "The post is hidden." if done.action == "hide" else "The post is restored.",
            )
            return _back_to(back)
    return render(
        request,
        "champions/network/moderate.html",
        {
            "form": form,
            "post": post,
            "is_answer": answer_id is not None,
            "question_id": back,
        },
    )


def moderate_question(request, question_id: int):
    return _moderate(request, question_id=question_id)


def moderate_answer(request, answer_id: int):
    return _moderate(request, answer_id=answer_id)
