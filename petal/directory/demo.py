"""Demo services: about thirty fictional services across the seed partners, with locations in
the six districts. Names of organisations are the seed's; every service detail is invented.

Safe to load twice: services are matched by organisation and name.
"""

from __future__ import annotations

from petal.access.categories import Category
from petal.accounts.models import Organisation
from petal.consent.models import bits_for
from petal.directory.models import Location, Service, ServiceAtLocation, ServiceStatus, TaxonomyTerm
from petal.reference.models import District
from petal.reference.selectors import programme_area

C = Category
HOUSING = "homelessness"
DRUGS = "substance-misuse"
MIND = "mental-health"
ABUSE = "domestic-abuse"
JUSTICE = "criminal-justice"
ALL_DISTRICTS = [
    "cambridge",
    "east-cambridgeshire",
    "fenland",
    "huntingdonshire",
    "south-cambridgeshire",
    "peterborough",
]
CAMBS = ["cambridge", "east-cambridgeshire", "fenland", "huntingdonshire", "south-cambridgeshire"]

# (organisation slug, location name, address, town, postcode, district)
LOCATIONS = [
    ("ferry-project-wisbech", "Ferry Project hub", "Chapel Road", "Wisbech", "PE13 1RF", "fenland"),
    (
        "peterborough-light-project",
        "Light Project day centre",
        "Bourges Boulevard",
        "Peterborough",
        "PE1 2AU",
        "peterborough",
    ),
    (
        "cgl-change-grow-live",
        "CGL Cambridge",
        "Newmarket Road",
        "Cambridge",
        "CB5 8AA",
        "cambridge",
    ),
    (
        "cgl-change-grow-live",
        "CGL Peterborough",
        "Lincoln Road",
        "Peterborough",
        "PE1 2RZ",
        "peterborough",
    ),
    (
        "cgl-change-grow-live",
        "CGL March outreach base",
        "Broad Street",
        "March",
        "PE15 8TP",
        "fenland",
    ),
    ("cpsl-mind", "Mind Huntingdon", "High Street", "Huntingdon", "PE29 3TE", "huntingdonshire"),
    ("cpsl-mind", "Mind Peterborough", "Cowgate", "Peterborough", "PE1 1LZ", "peterborough"),
    (
        "cambridge-womens-resource-centre",
        "Women's Resource Centre",
        "Hooper Street",
        "Cambridge",
        "CB1 2NZ",
        "cambridge",
    ),
    (
        "womens-aid",
        "Women's Aid Ely drop-in",
        "Market Street",
        "Ely",
        "CB7 4LS",
        "east-cambridgeshire",
    ),
    (
        "probation-service",
        "Probation office Peterborough",
        "Bridge Street",
        "Peterborough",
        "PE1 1EH",
        "peterborough",
    ),
    (
        "probation-service",
        "Probation office Cambridge",
        "Castle Street",
        "Cambridge",
        "CB3 0AQ",
        "cambridge",
    ),
    (
        "cambridge-city-council",
        "Mandela House",
        "Regent Street",
        "Cambridge",
        "CB2 1BY",
        "cambridge",
    ),
    ("fenland-district-council", "Fenland Hall", "County Road", "March", "PE15 8NQ", "fenland"),
    (
        "east-cambridgeshire-district-council",
        "The Grange",
        "Nutholt Lane",
        "Ely",
        "CB7 4EE",
        "east-cambridgeshire",
    ),
]

# (organisation slug, name, summary, areas, districts, reach, response days, needs, locations)
SERVICES = [
    (
        "ferry-project-wisbech",
        "Night shelter and move-on support",
        "Emergency beds and help to move on to a home of your own.",
        [HOUSING],
        ["fenland", "east-cambridgeshire"],
        ["outreach"],
        2,
        [C.STORY, C.NEEDS, C.RISK],
        ["Ferry Project hub"],
    ),
    (
        "ferry-project-wisbech",
        "Rural outreach team",
        "Workers who come to you in the villages around Wisbech, March and Chatteris.",
        [HOUSING, MIND, DRUGS],
        ["fenland", "east-cambridgeshire"],
        ["outreach", "home-visits", "phone"],
        3,
        [C.STORY, C.NEEDS, C.CONTACT],
        [],
    ),
    (
        "ferry-project-wisbech",
        "Tenancy sustainment",
        "Help to keep a tenancy going: bills, neighbours, repairs.",
        [HOUSING],
        ["fenland"],
        ["home-visits"],
        5,
        [C.NEEDS, C.CONTACT],
        ["Ferry Project hub"],
    ),
    (
        "peterborough-light-project",
        "Day centre",
        "Breakfast, showers, laundry and a friendly face, seven days a week.",
        [HOUSING],
        ["peterborough"],
        [],
        1,
        [C.NEEDS],
        ["Light Project day centre"],
    ),
    (
        "peterborough-light-project",
        "Night shelter",
        "A safe bed for the night for people sleeping rough in Peterborough.",
        [HOUSING],
        ["peterborough"],
        ["outreach"],
        1,
        [C.STORY, C.NEEDS, C.RISK],
        ["Light Project day centre"],
    ),
    (
        "peterborough-light-project",
        "Housing first",
        "A home first, with as much support as it takes for as long as it takes.",
        [HOUSING, MIND, DRUGS],
        ["peterborough"],
        ["home-visits"],
        7,
        [C.STORY, C.NEEDS, C.RISK, C.HEALTH],
        [],
    ),
    (
        "cgl-change-grow-live",
        "Drug and alcohol treatment",
        "Treatment, prescribing and recovery support for drugs and alcohol.",
        [DRUGS],
        CAMBS,
        ["phone"],
        5,
        [C.STORY, C.NEEDS, C.HEALTH],
        ["CGL Cambridge", "CGL March outreach base"],
    ),
    (
        "cgl-change-grow-live",
        "Peterborough drug and alcohol service",
        "Treatment and recovery support for people in Peterborough.",
        [DRUGS],
        ["peterborough"],
        ["phone"],
        5,
        [C.STORY, C.NEEDS, C.HEALTH],
        ["CGL Peterborough"],
    ),
    (
        "cgl-change-grow-live",
        "Criminal justice drug team",
        "Support for people leaving prison or on probation who use drugs or alcohol.",
        [DRUGS, JUSTICE],
        ALL_DISTRICTS,
        ["outreach"],
        3,
        [C.STORY, C.NEEDS, C.JUSTICE],
        ["CGL Peterborough", "CGL Cambridge"],
    ),
    (
        "cgl-change-grow-live",
        "Needle exchange and harm reduction",
        "Clean equipment, naloxone and advice, no questions asked.",
        [DRUGS],
        ALL_DISTRICTS,
        ["outreach"],
        2,
        [],
        ["CGL Cambridge", "CGL Peterborough", "CGL March outreach base"],
    ),
    (
        "cpsl-mind",
        "Recovery coaching",
        "One-to-one support to find what helps you stay well.",
        [MIND],
        CAMBS + ["peterborough"],
        ["phone", "online"],
        10,
        [C.STORY, C.NEEDS, C.HEALTH],
        ["Mind Huntingdon", "Mind Peterborough"],
    ),
    (
        "cpsl-mind",
        "Crisis safe space",
        "An evening safe space as an alternative to A&E when things are hard.",
        [MIND],
        ["cambridge", "peterborough", "huntingdonshire"],
        [],
        1,
        [C.NEEDS, C.RISK],
        ["Mind Peterborough"],
    ),
    (
        "cpsl-mind",
        "Peer support groups",
        "Groups run by people who have been there.",
        [MIND],
        ALL_DISTRICTS,
        ["online"],
        14,
        [],
        ["Mind Huntingdon"],
    ),
    (
        "cambridge-womens-resource-centre",
        "Women's wellbeing service",
        "A women-only space with counselling, courses and advice.",
        [MIND, ABUSE],
        ["cambridge", "south-cambridgeshire"],
        [],
        7,
        [C.STORY, C.NEEDS],
        ["Women's Resource Centre"],
    ),
    (
        "cambridge-womens-resource-centre",
        "Money and benefits advice for women",
        "Help with debt, benefits and Universal Credit.",
        [HOUSING],
        ["cambridge", "south-cambridgeshire", "east-cambridgeshire"],
        ["phone"],
        10,
        [C.NEEDS, C.CONTACT],
        ["Women's Resource Centre"],
    ),
    (
        "womens-aid",
        "Domestic abuse outreach",
        "Confidential support for anyone experiencing domestic abuse.",
        [ABUSE],
        ALL_DISTRICTS,
        ["outreach", "phone"],
        2,
        [C.STORY, C.RISK, C.CONTACT],
        ["Women's Aid Ely drop-in"],
    ),
    (
        "womens-aid",
        "Refuge",
        "Safe, confidential accommodation for women and children.",
        [ABUSE, HOUSING],
        ALL_DISTRICTS,
        ["phone"],
        1,
        [C.STORY, C.RISK, C.NEEDS],
        [],
    ),
    (
        "domestic-abuse-and-sexual-violence-partnership",
        "Independent domestic violence advisers",
        "IDVAs for people at high risk of harm.",
        [ABUSE],
        ALL_DISTRICTS,
        ["phone", "home-visits"],
        2,
        [C.STORY, C.RISK, C.CONTACT, C.JUSTICE],
        [],
    ),
    (
        "probation-service",
        "Accommodation for prison leavers",
        "Help to find somewhere to live on release.",
        [JUSTICE, HOUSING],
        ALL_DISTRICTS,
        [],
        5,
        [C.STORY, C.NEEDS, C.JUSTICE],
        ["Probation office Peterborough", "Probation office Cambridge"],
    ),
    (
        "probation-service",
        "Women's probation hub",
        "Probation appointments in a women-only, trauma-informed setting.",
        [JUSTICE, ABUSE],
        ["peterborough", "cambridge"],
        [],
        5,
        [C.NEEDS, C.JUSTICE],
        ["Probation office Peterborough"],
    ),
    (
        "cambridge-city-council",
        "Housing advice and homelessness prevention",
        "Help if you are homeless or might lose your home in Cambridge.",
        [HOUSING],
        ["cambridge"],
        ["phone", "online"],
        3,
        [C.STORY, C.NEEDS, C.CONTACT],
        ["Mandela House"],
    ),
    (
        "cambridge-city-council",
        "Street outreach",
        "The rough sleeping outreach team for Cambridge.",
        [HOUSING],
        ["cambridge"],
        ["outreach"],
        1,
        [C.NEEDS],
        [],
    ),
    (
        "fenland-district-council",
        "Fenland housing options",
        "Homelessness help and housing applications in Fenland.",
        [HOUSING],
        ["fenland"],
        ["phone", "home-visits"],
        5,
        [C.STORY, C.NEEDS, C.CONTACT],
        ["Fenland Hall"],
    ),
    (
        "east-cambridgeshire-district-council",
        "Housing options, East Cambridgeshire",
        "Help with homelessness and housing in East Cambridgeshire.",
        [HOUSING],
        ["east-cambridgeshire"],
        ["phone"],
        5,
        [C.STORY, C.NEEDS, C.CONTACT],
        ["The Grange"],
    ),
    (
        "huntingdonshire-district-council",
        "Housing needs team",
        "Homelessness help and the housing register in Huntingdonshire.",
        [HOUSING],
        ["huntingdonshire"],
        ["phone", "online"],
        5,
        [C.NEEDS, C.CONTACT],
        [],
    ),
    (
        "south-cambridgeshire-district-council",
        "Homelessness and housing advice",
        "Help if you are homeless in South Cambridgeshire.",
        [HOUSING],
        ["south-cambridgeshire"],
        ["phone"],
        5,
        [C.NEEDS, C.CONTACT],
        [],
    ),
    (
        "peterborough-city-council",
        "Rough sleeper team",
        "Outreach and emergency accommodation in Peterborough.",
        [HOUSING],
        ["peterborough"],
        ["outreach"],
        1,
        [C.STORY, C.NEEDS],
        [],
    ),
    (
        "peterborough-city-council",
        "Adult social care front door",
        "Care and support assessments for adults.",
        [MIND],
        ["peterborough"],
        ["phone", "home-visits"],
        10,
        [C.STORY, C.NEEDS, C.HEALTH],
        [],
    ),
    (
        "dwp-and-jobcentre-plus-safeguarding-team",
        "Benefit safeguarding support",
        "Help for people who find it hard to claim or keep benefits.",
        [HOUSING, MIND],
        ALL_DISTRICTS,
        ["phone"],
        7,
        [C.NEEDS, C.CONTACT],
        [],
    ),
    (
        "think-communities",
        "Community connectors",
        "Finding groups, activities and local help near you.",
        [MIND],
        CAMBS,
        ["outreach", "phone"],
        10,
        [C.NEEDS],
        [],
    ),
    (
        "sun-network",
        "Lived experience voice",
        "Have your say on services, with people who have been there.",
        [MIND, DRUGS],
        ALL_DISTRICTS,
        ["online"],
        14,
        [],
        [],
    ),
]

# Services whose organisation does not take referrals through Petal yet.
NOT_VIA_PETAL = {
    "Peer support groups",
    "Lived experience voice",
    "Needle exchange and harm reduction",
}


def load_services() -> int:
    area = programme_area()
    organisations = {o.slug: o for o in Organisation.objects.all()}
    districts = {d.code: d for d in District.objects.all()}
    terms = {(t.taxonomy.slug, t.code): t for t in TaxonomyTerm.objects.select_related("taxonomy")}
    locations = {}
    for slug, name, address, town, postcode, district in LOCATIONS:
        location, _ = Location.objects.get_or_create(
            organisation=organisations[slug],
            name=name,
            defaults={
                "address_1": address,
                "city": town,
                "postcode": postcode,
                "district": districts[district],
            },
        )
        locations[name] = location
    for row in SERVICES:
        slug, name, summary, areas, served, reach, days, needs, where = row
        organisation = organisations[slug]
        service, created = Service.objects.get_or_create(
            organisation=organisation,
            name=name,
            defaults={
                "programme_area": area,
                "summary": summary,
                "description": summary
                + " This is a fictional service in Petal's demo: ask the organisation what it"
                " really offers.",
                "who_for": "Adults (18 and over) facing one or more of the areas it helps with.",
                "eligibility": "Living in the districts it serves.",
                "how_to_refer": "Through Petal, or by phone.",
                "opening_times": "Monday to Friday, 9am to 5pm",
                "phone": "01234 567890",
                "email": f"referrals@{slug[:20]}.example.org",
                "needs_category_bits": bits_for([C.IDENTITY, *needs]),
                "response_days": days,
                "accepts_referrals": name not in NOT_VIA_PETAL,
                "status": ServiceStatus.ACTIVE,
            },
        )
        if not created:
            continue
        service.districts.set([districts[d] for d in served])
        service.taxonomy_terms.set(
            [terms[("petal-areas-of-disadvantage", a)] for a in areas]
            + [terms[("petal-reach", r)] for r in reach]
        )
        for place in where:
            ServiceAtLocation.objects.get_or_create(service=service, location=locations[place])
    return Service.objects.count()
