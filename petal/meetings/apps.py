from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "petal.meetings"
    label = "meetings"
    verbose_name = "Meetings, problem-solving sessions and actions"
