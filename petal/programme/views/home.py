"""The programme team's home page: /programme/."""

from django.shortcuts import render

from petal.programme.selectors.home import programme_home


def home(request):
    return render(request, "programme/home.html", {"home": programme_home(request.user)})
