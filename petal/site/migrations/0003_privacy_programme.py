"""The privacy notice gains what the programme app (issue 10) holds about people who are not
supported by Petal: visitors who use the contact form, newsletter subscribers, and people with
lived experience in the co-production register.

The new section goes before "How long we keep it" (or at the end, if the programme team has
rewritten the page), and only once. The page's words before the change are kept as a version,
as an edit through the page would keep them.
"""

from django.db import migrations

MARKER = "## If you contact us or subscribe to the newsletter"

SECTION = f"""{MARKER}

If you use the contact form, we keep your name, your email address and your message, so the \
programme team can answer you. Only the programme team can read them. We email you once to say \
we have your message.

If you subscribe to the newsletter, we keep your email address and whether you have confirmed \
it. We send newsletters only after you confirm, and every newsletter has a link to unsubscribe \
at once. If you do not confirm within a week, we delete your address. The programme team sees \
how many people subscribe, never who.

## If you take part in shaping the programme

If you have lived experience and take part in design sessions, meetings or writing case \
studies, the programme team keeps a record of where you took part, any vouchers, payments or \
expenses you were given, and what you told us. You choose how you are named. We keep your \
contact details only while you agree to be contacted, and delete them when you say no. \
A case study is published only while everyone in it agrees, and taken down at once if \
anyone withdraws.

"""

HEADING = "## How long we keep it"


def load(apps, schema_editor):
    Page = apps.get_model("site", "Page")
    PageVersion = apps.get_model("site", "PageVersion")
    page = Page.objects.filter(slug="privacy").first()
    if page is None or MARKER in page.body:
        return
    PageVersion.objects.create(page=page, title=page.title, summary=page.summary, body=page.body)
    if HEADING in page.body:
        page.body = page.body.replace(HEADING, SECTION + HEADING, 1)
    else:
        page.body = page.body.rstrip() + "\n\n" + SECTION
    page.save(update_fields=["body", "updated_at"])


class Migration(migrations.Migration):
    dependencies = [("site", "0002_seed_pages")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
