"""The Champion Network: questions and answers, tags, moderation, and stories."""

from django.urls import path

from petal.access.decorators import requires
from petal.champions.views import network as views
from petal.champions.views import stories

app_name = "network"

use = requires("network.use")
moderate = requires("network.moderate")

urlpatterns = [
    path("", use(views.questions), name="questions"),
    path("ask", use(views.ask), name="ask"),
    path("tags", use(views.tags), name="tags"),
    path("moderation", moderate(views.moderation), name="moderation"),
    path(
        "moderation/questions/<int:question_id>",
        moderate(views.moderate_question),
        name="moderate-question",
    ),
    path(
        "moderation/answers/<int:answer_id>",
        moderate(views.moderate_answer),
        name="moderate-answer",
    ),
    path("<int:question_id>", use(views.question), name="question"),
    path("<int:question_id>/answer", use(views.answer), name="answer"),
    path("<int:question_id>/helped", use(views.question_helped), name="question-helped"),
    path("<int:question_id>/report", use(views.report_question), name="report-question"),
    path("answers/<int:answer_id>/accept", use(views.accept_answer), name="accept"),
    path("answers/<int:answer_id>/helped", use(views.answer_helped), name="answer-helped"),
    path("answers/<int:answer_id>/report", use(views.report_answer), name="report-answer"),
    path("stories/", use(stories.stories), name="stories"),
    path("stories/new", requires("stories.share")(stories.story_new), name="story-new"),
    path("stories/<int:story_id>", use(stories.story), name="story"),
    path(
        "stories/<int:story_id>/feature",
        requires("stories.feature")(stories.story_feature),
        name="story-feature",
    ),
    path(
        "stories/<int:story_id>/moderate",
        moderate(stories.story_moderate),
        name="story-moderate",
    ),
]
