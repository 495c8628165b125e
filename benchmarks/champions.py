"""The champions directory, the Champion Network (list, full-text search, a question) and the
events list at scale (default 2,000 champions, 20,000 questions with about 56,000 answers,
200 events; ``manage.py synth --champions --questions --network-events``).

Run: .venv/bin/python benchmarks/champions.py [--questions 20000] [--requests 50] [--keep]
Serves Petal and times, against the signed-in floor, as trusted.person@example.org: the
directory (first page, a search, a skill filter), the network's question list, a search for
"housing benefit" (words in about half the questions, so ranking has work to do), the same
search within one topic, the page of the question with the most answers, and the events list.
"""

from __future__ import annotations

import argparse
import sys

from common import database, manage, measure, report, served, sign_in

TRUSTED = "trusted.person@example.org"

# Targets set from the first measurement on this machine (issue 8), with headroom. The
# directory is one page of 25 approved champions with their areas and skills (6-10x); the
# network list sorts every visible question by latest activity, as the visibility filter's OR
# keeps SQLite off the (status, last_activity_at) index (10-19x); a question's page and the
# events list are small (2-6x). The two searches met their targets only with the ranking done
# as a join on the FTS5 table (14x and 11x): with bm25 in a correlated subquery, as first
# written, FTS5 re-runs the whole match for every matching row (977x and 82x; see
# benchmarks/README.md).
TARGETS = {
    "/champions/": ("signed-in floor", 15.0),
    "/champions/?q=housing": ("signed-in floor", 15.0),
    "/champions/?skill=working-with-probation": ("signed-in floor", 15.0),
    "/network/": ("signed-in floor", 25.0),
    "/network/?q=housing+benefit": ("signed-in floor", 25.0),
    "/network/?q=housing+benefit&topic=benefits": ("signed-in floor", 20.0),
    "/network/<id>": ("signed-in floor", 8.0),
    "/events/": ("signed-in floor", 10.0),
}

# The visible question with the most visible answers (its page, as a trusted person sees it).
QUESTION_ID = (
    "from petal.champions.models import Question\n"
    "print(Question.objects.filter(status='visible')"
    ".order_by('-answer_count', '-id').values_list('id', flat=True).first())"
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--champions", type=int, default=2_000)
    parser.add_argument("--questions", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    with database(args.keep) as env:
        manage(
            env,
            *("synth", "--users", "200", "--organisations", "20", "--events", "1000"),
            *("--champions", str(args.champions), "--questions", str(args.questions)),
            *("--network-events", str(args.events)),
        )
        question_id = manage(env, "shell", "-c", QUESTION_ID).strip().splitlines()[-1]
        with served(env) as port:
            trusted = sign_in(port, TRUSTED)
            results = {"signed-in floor": measure(port, "/_floor", trusted, args.requests)}
            for name in TARGETS:
                path = name.replace("<id>", question_id)
                results[name] = measure(port, path, trusted, args.requests)
    print(
        f"\n{args.champions} synthetic champions, {args.questions} questions, "
        f"{args.events} events; {args.requests} sequential requests each; "
        f"/network/<id> is question {question_id}\n"
    )
    return 0 if report(results, TARGETS) else 1


if __name__ == "__main__":
    sys.exit(main())
