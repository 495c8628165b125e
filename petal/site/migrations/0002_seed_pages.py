"""Public pages, written from the seeds (000: Trusted Person roles; 003: the programme page).

The seeds' placeholder links ("here", "this page", "[web page](#)", the pledge, the Making
Every Adult Matter video) point at nothing we hold, so each one either links to a Petal page
that says the same thing or is left out. Facts come from the seeds only: where a seed has no
date or document, the page says so rather than guessing.
"""

from django.db import migrations

CONTACT_EMAIL = "changing.futures@cambridgeshire.gov.uk"
EMAIL_LINK = f"[{CONTACT_EMAIL}](mailto:{CONTACT_EMAIL})"

HOME = f"""\
Petal is the Trusted Person approach in software. It is built for Changing Futures \
Cambridgeshire & Peterborough.

Some people face [multiple disadvantage](/multiple-disadvantage). They may be dealing with \
homelessness, substance misuse, mental health issues, domestic abuse and the criminal justice \
system, several at once. They often have to tell their story again and again, to every service \
they meet.

With Petal, a person tells their story once, to someone they trust. That trusted person can act \
on it. They share it only as far as the person has agreed. They can refer the person on to other \
services, bring professionals together, and raise any barrier that gets in the way.

Petal also helps partners learn from each person's experience, so the same barriers do not have \
to be solved over and over again.

Read more about [the Trusted Person approach and its roles](/trusted-person-approach) and \
[what Changing Futures Cambridgeshire & Peterborough is](/about). To ask a question, email \
{EMAIL_LINK}.
"""

ABOUT = """\
Changing Futures Cambridgeshire & Peterborough is about improving outcomes for people with \
[multiple disadvantage](/multiple-disadvantage).

It does this by involving people with lived experience at every stage of how our system and \
services are designed. It also looks at how our partnerships affect people.

## How it started

During 2020 and 2021, local partners worked together on an Expression of Interest and a bid to \
the government's national Changing Futures programme. The bid was not successful.

Since then, local partners have kept working together on a programme that is funded and \
supported locally. They do this with the support of the Cambridgeshire & Peterborough Public \
Service Board (CPSB). This programme is Changing Futures Cambridgeshire & Peterborough.

Our local work is supported by the national Making Every Adult Matter (MEAM) team.

There are already two Counting Every Adult teams: one covering Cambridgeshire and one covering \
Peterborough. Read more about [the Counting Every Adult teams and our operational \
partnerships](/partnerships).

We have [four vision areas](/vision). The rest of this page explains three of them. The first, \
the Trusted Person model, has [its own page](/trusted-person-approach).

## A trauma-informed approach

In the events, conversations and meetings held so far, one thing has come up again and again: \
the importance of building a trauma-informed culture.

Many organisations are making sure their staff are trained to take a trauma-informed approach. \
But being trauma-informed is about more than single conversations.

Each organisation needs to think about how people respond to its buildings and facilities. It \
needs to ask whether more can be done to help people share and overcome past trauma, and not \
add to it.

This is also something to think about across the whole system:

- How do we avoid people having to re-tell their stories?
- How do we help people share the information they are willing to share with other agencies?
- How do we reduce the time it takes to reach all the services a person needs?

A workshop about trauma-informed systems was planned for late 2022. It was for anyone \
interested to share learning and experience, and to create a plan to take the work forward \
across all the agencies.

## Shared learning and overcoming barriers

A big part of the approach is learning lessons and overcoming and removing barriers. We share \
what we learn from each person's experience, so others do not have to solve the same problems \
over and over again.

To help with this, there is a simple governance structure. At each level:

- people with lived experience are involved
- lessons are shared with partners
- partners work together to remove barriers

## Co-production and co-design

This programme must be centred on the experience of people who have lived through multiple \
disadvantage. So far we have:

- based our plans on feedback from people with lived experience, including plans for the \
Trusted Person approach
- built our bid for government funding on what people with lived experience and partner \
organisations told us
- gained insight and support from people with lived experience at Tactical Group meetings
- invited people with lived experience to Cambridgeshire & Peterborough Public Service Board \
(CPSB) meetings to explain the difference this work makes
- worked with people with lived experience to write case studies, to help partners understand \
the Trusted Person model
"""

MULTIPLE_DISADVANTAGE = """\
A person is in multiple disadvantage when they experience at least 3 of these 5 situations at \
any one time:

- homelessness
- substance misuse
- mental health issues
- domestic abuse
- criminal justice (offending behaviour)

## The five-petal flower

These five areas of disadvantage led us to create a temporary logo for the work: a flower with \
five petals. It helps everyone recognise the project and the communications about it.

Read about [how the Trusted Person approach supports people](/trusted-person-approach).
"""

TRUSTED_PERSON_APPROACH = f"""\
The Trusted Person approach supports people experiencing \
[multiple disadvantage](/multiple-disadvantage), such as homelessness, substance use, mental \
ill health or trauma. It does this by building consistent, caring relationships.

Trusted persons help people feel safe, heard and supported as they find their way through \
complex services.

These relationships already exist informally in many organisations. The team has written a \
briefing note and case studies to show how the approach works.

Trusted Person Champions and the Trusted Person Champion Network aim to put kindness, \
continuity and collaboration at the heart of services across Cambridgeshire & Peterborough. \
The aim is for the approach to be the first response, not the last resort.

These are the roles involved in making the approach part of everyday work.

## Individual

The person who has told someone they trust what they need.

## Trusted Person

A trusted person is someone who has built a relationship of trust with a person facing \
multiple disadvantage (or other needs). The relationship may be professional, social or \
voluntary.

A trusted person should be able to act on what the person tells them, and to pass it on to \
other services that can help.

## Trusted Person Champion

Trusted Person Champions believe in the value of working in a relational way. They help drive \
the approach forward in their own organisation or area of work.

Champions:

- support others to learn and find their way through the system
- help to find and raise the barriers people meet when they try to work in this way
- are generous with their experience and knowledge
- act as connectors, helping trusted persons raise concerns, share successes and overcome \
barriers in the system

There is a Trusted Person Champions pledge. To ask about it, email {EMAIL_LINK}.

## Trusted Person Champion Network

A network of champions who can lean on each other and learn from each other. They talk through \
the tricky questions and stumbling blocks that may be holding progress back.

## Find out more

Email the team at {EMAIL_LINK}, or read about \
[Changing Futures Cambridgeshire & Peterborough](/about).
"""

VISION = """\
Our four vision areas are to:

1. embed the Trusted Person model
2. embed a trauma-informed approach to support
3. set up ways to support shared learning and deal with the barriers we find
4. embed co-production and co-design across the system

## Embed the Trusted Person model

The model links up the many people across our system who already work with people in this \
way. Over time, we want to extend the approach to even more people and organisations.

It also helps trusted persons get the support they need. It raises awareness of the teams and \
support that can get involved, through a professionals meeting where needed.

The team has written a briefing note and case studies to show how the model works. Read about \
[the Trusted Person approach and its roles](/trusted-person-approach).

## Embed a trauma-informed approach to support

Building a trauma-informed culture has come up again and again in our events, conversations \
and meetings. It means organisations help people share and overcome past trauma, not add to \
it. Across the whole system, it means people should not have to re-tell their stories.

## Support shared learning and deal with barriers

We learn lessons from each person's experience and share them, so others do not have to solve \
the same problems over and over again. Partners work together to remove the barriers we find.

## Embed co-production and co-design

This programme is centred on the experience of people who have lived through multiple \
disadvantage. People with lived experience are involved at every level.

Read more about [our trauma-informed approach, shared learning and co-production](/about).
"""

PARTNERSHIPS = """\
There are already two operational partnerships. They support the existing Counting Every Adult \
approach:

- Cambridgeshire
- Peterborough

An operational partnership is where people get together for problem-solving sessions, to help \
people who are in [multiple disadvantage](/multiple-disadvantage).

## Fenland & East Cambridgeshire

A third operational partnership covers the north east of the area: Fenland and East \
Cambridgeshire.

This is a more rural area. It can be remote and cut off from the services found in larger \
market towns and cities. It is vital that people living there who may be disadvantaged can \
reach the same kind of support and services as people elsewhere in the area.

## The Cambridgeshire partnership

With the Fenland & East Cambridgeshire partnership running, the Cambridgeshire partnership \
focuses on people in:

- Cambridge
- Huntingdonshire
- South Cambridgeshire
"""

PARTNERS = """\
Taking a lead from the Cambridgeshire & Peterborough Public Service Board (CPSB), a range of \
partners have pledged to support Changing Futures Cambridgeshire & Peterborough. They support \
it financially, with staff, or in other ways.

Contributions total £377K. There is a potential further £180K, subject to formal agreement.

## Partners who have pledged support

- Cambridge City Council
- Cambridgeshire County Council
- Cambridgeshire & Peterborough Combined Authority
- Cambridgeshire & Peterborough Public Health
- East Cambridgeshire District Council
- Fenland District Council
- Huntingdonshire District Council
- Office of the Police and Crime Commissioner (Cambridgeshire & Peterborough)
- Peterborough City Council
- Probation Service
- South Cambridgeshire District Council

## Other partners

The list of other partners keeps growing. It includes:

- Cambridge Women's Resource Centre
- CGL (Change-Grow-Live)
- CPSL Mind
- Domestic Abuse and Sexual Violence Partnership
- DWP and Jobcentre Plus Safeguarding team
- Ferry Project (Wisbech)
- Housing Board for Cambridgeshire, Peterborough & West Suffolk
- It Takes a City
- Peterborough Light Project
- SUN network
- Think Communities
- Women's Aid
"""

MILESTONES = f"""\
## Milestones

- 2022: CPSB agrees to explore funding and supporting Changing Futures Cambridgeshire & \
Peterborough.
- 7 July 2022: the first project newsletter is produced.
- 14 July 2022: the first Changing Futures Cambridgeshire & Peterborough strategic group \
meeting.

## Materials

There are no documents on this page yet.

- The summary report for CPSB's agreement will be added here when it is published.
- A copy of the first project newsletter will be added here when it is available.
- The outcomes of the first strategic group meeting will be added here when they are published.

To ask for any of these, email {EMAIL_LINK}.
"""

CONTACT = f"""\
Email the Changing Futures Cambridgeshire & Peterborough team at {EMAIL_LINK}.

You can email us if you:

- have a question
- have feedback
- want to get involved

If you work with people facing [multiple disadvantage](/multiple-disadvantage) and want to \
know more about being a trusted person or a champion, read about \
[the Trusted Person approach and its roles](/trusted-person-approach).
"""

ACCESSIBILITY = f"""\
This accessibility statement applies to Petal. Petal is run for Changing Futures Cambridgeshire \
& Peterborough.

We want as many people as possible to be able to use Petal. For example, you should be able to:

- change colours, contrast levels and fonts using your browser or device settings
- zoom in up to 400% without the text spilling off the screen
- get around Petal using just a keyboard
- get around Petal using speech recognition software
- listen to Petal using a screen reader

We have also tried to make the text as simple as possible to understand.

## How accessible Petal is

We aim for Petal to meet the Web Content Accessibility Guidelines (WCAG) version 2.2 to AA \
standard.

We check Petal's pages with axe-core, an automated accessibility testing tool. Automated \
testing cannot find every kind of problem. If you find any part of Petal hard to use, please \
tell us.

## Feedback and contact information

If you need information on Petal in a different format, email {EMAIL_LINK}.

Tell us:

- the web address or name of the page
- what you need, for example large print or easy read
- how you would like us to reply

## Reporting accessibility problems with Petal

We are always looking to improve the accessibility of Petal. If you find any problems not \
listed on this page, or think we are not meeting accessibility requirements, email \
{EMAIL_LINK}.

## Enforcement procedure

The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector \
Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the \
"accessibility regulations").

If you are not happy with how we respond to your complaint, contact the Equality Advisory and \
Support Service (EASS).

## Technical information about Petal's accessibility

Changing Futures Cambridgeshire & Peterborough is committed to making Petal accessible, in line \
with the accessibility regulations.

Petal is built with the GOV.UK Frontend design system.

## Preparation of this accessibility statement

This statement was prepared in November 2026.
"""

PRIVACY = f"""\
This notice explains what information Petal holds, why, who can see it and what your rights \
are.

## Who runs Petal

Petal is run for Changing Futures Cambridgeshire & Peterborough. The programme decides how the \
information in Petal is used.

## What information Petal holds

Petal holds the information that people choose to share with their trusted person. This may \
include their story, what they need, and which services are helping them.

If you use Petal as part of your work, Petal also holds your name, your work email address, \
your organisation, and a record of what you do in Petal.

## Why we hold it

We hold your information so that:

- you only have to tell your story once, to someone you trust
- your trusted person can act on what you tell them
- your trusted person can refer you to other services and bring professionals together to \
help you
- partners can find and remove the barriers that get in the way

To ask about the legal basis we rely on, contact the data protection lead.

## Who can see it

Your trusted person can see the information you share with them.

Other people see it only if:

- you have agreed, and only as far as you agreed
- the law allows it, for example to keep you or someone else safe from harm (safeguarding)

You can change what you have agreed to at any time. Tell your trusted person.

## How long we keep it

We keep information only for as long as we need it. The retention periods are set by the \
partnership's information sharing agreement.

## Your rights

Under UK data protection law (the UK GDPR), you have the right to:

- ask for a copy of the information we hold about you
- ask us to correct information that is wrong
- ask us to delete your information
- ask us to limit how we use your information
- object to how we use your information

If you are unhappy with how we have used your information, you can complain to the \
Information Commissioner's Office (ICO).

## Contact the data protection lead

To use any of your rights, or to ask a question about this notice, email the data protection \
lead at {EMAIL_LINK}.

You can also ask your trusted person to help you.
"""

COOKIES = """\
Cookies are small files saved on your phone, tablet or computer when you visit a website.

Petal uses only essential cookies. These make Petal work and keep it secure. We do not need to \
ask you to accept them.

We do not use analytics cookies. We do not use any cookies to track you.

## Essential cookies

| Name | Purpose | Expires |
| --- | --- | --- |
| petal_session | Keeps you signed in | When you close your browser, or after 30 minutes without activity |
| petal_csrftoken | Protects forms, so only you can send them | 1 year |

On the live service, the names of these cookies start with `__Host-`. This tells your browser \
to send them only to Petal, over a secure connection.
"""

# (slug, title, summary, body, listed), in the order the pages are listed.
PAGES = [
    (
        "home",
        "Petal",
        "Tell your story once, to someone you trust.",
        HOME,
        True,
    ),
    (
        "about",
        "What Changing Futures Cambridgeshire & Peterborough is",
        "How local partners came together to improve outcomes for people with multiple "
        "disadvantage.",
        ABOUT,
        True,
    ),
    (
        "multiple-disadvantage",
        "What multiple disadvantage means",
        "A person is in multiple disadvantage when they face at least 3 of 5 situations at once.",
        MULTIPLE_DISADVANTAGE,
        True,
    ),
    (
        "trusted-person-approach",
        "The Trusted Person approach and its roles",
        "How a trusted person, champions and the Champion Network support each person.",
        TRUSTED_PERSON_APPROACH,
        True,
    ),
    (
        "vision",
        "Our four vision areas",
        "The four things Changing Futures Cambridgeshire & Peterborough wants to embed across "
        "the system.",
        VISION,
        True,
    ),
    (
        "partnerships",
        "Operational partnerships",
        "Where people meet for problem-solving sessions to help people in multiple disadvantage.",
        PARTNERSHIPS,
        True,
    ),
    (
        "partners",
        "Partners",
        "The organisations that support Changing Futures Cambridgeshire & Peterborough.",
        PARTNERS,
        True,
    ),
    (
        "milestones",
        "Materials and milestones",
        "What has happened so far, and where the documents will be published.",
        MILESTONES,
        True,
    ),
    (
        "contact",
        "Contact",
        "Email the team with a question, feedback or to get involved.",
        CONTACT,
        True,
    ),
    (
        "accessibility",
        "Accessibility statement",
        "How accessible Petal is and how to tell us about a problem.",
        ACCESSIBILITY,
        False,
    ),
    (
        "privacy",
        "Privacy notice",
        "What information Petal holds, who can see it and what your rights are.",
        PRIVACY,
        False,
    ),
    (
        "cookies",
        "Cookies",
        "Petal uses only the cookies it needs to work.",
        COOKIES,
        False,
    ),
]


def load(apps, schema_editor):
    Page = apps.get_model("site", "Page")
    for position, (slug, title, summary, body, listed) in enumerate(PAGES, start=1):
        Page.objects.update_or_create(
            slug=slug,
            defaults={
                "title": title,
                "summary": summary,
                "body": body,
                "order": position * 10,
                "listed": listed,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("site", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
