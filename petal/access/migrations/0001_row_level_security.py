"""Row-level security on PostgreSQL for the tables holding a person's own information (see
petal.access.rls). Nothing on SQLite, which has none.

``petal_person_visible(person_id)`` mirrors the access policy's "may read anything of this
person" (petal.access.people.person_visibility with any category), using what the request set:
``petal.user_id``, ``petal.today`` and ``petal.now``. With no reader set (commands, tasks,
migrations) or inside ``unrestricted()`` it lets everything through. FORCE makes the policies
apply to the tables' owner too; only a superuser (or a role with BYPASSRLS) is exempt, so
Petal's database user must be neither (scripts/test runs the PostgreSQL suite as such a user).
"""

from django.db import migrations

PEOPLE_ROLES = (
    "trusted_person",
    "service_staff",
    "champion",
    "partnership_coordinator",
    "safeguarding_lead",
)
TABLES = {
    "people_person": "id",
    "people_story": "person_id",
    "people_alias": "person_id",
    "people_needepisode": "person_id",
    "people_contactrecord": "person_id",
    "people_recordversion": "person_id",
}
# Who wrote each row, where the table says.
AUTHORS = {
    "people_needepisode": "recorded_by_id",
    "people_contactrecord": "recorded_by_id",
    "people_recordversion": "changed_by_id",
}
ROLES = ", ".join(f"'{role}'" for role in PEOPLE_ROLES)

# Written with the schema's name ({s}) on every function and table: pg_dump reads with an
# empty search_path, and the bodies of SQL functions are looked up by name when they run.
FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION {s}.petal_reader() RETURNS bigint LANGUAGE sql STABLE AS $$
         SELECT nullif(current_setting('petal.user_id', true), '')::bigint $$""",
    """CREATE OR REPLACE FUNCTION {s}.petal_today() RETURNS date LANGUAGE sql STABLE AS $$
         SELECT coalesce(nullif(current_setting('petal.today', true), '')::date,
                         (now() AT TIME ZONE 'Europe/London')::date) $$""",
    """CREATE OR REPLACE FUNCTION {s}.petal_now() RETURNS timestamptz LANGUAGE sql STABLE AS $$
         SELECT coalesce(nullif(current_setting('petal.now', true), '')::timestamptz, now()) $$""",
    # Built from constants above, never from input.
    f"""CREATE OR REPLACE FUNCTION {{s}}.petal_person_visible(pid bigint) RETURNS boolean
        LANGUAGE sql STABLE AS $$
        SELECT CASE
          WHEN {{s}}.petal_reader() IS NULL THEN true
          WHEN coalesce(current_setting('petal.scope', true), '') = 'all' THEN true
          ELSE
            EXISTS (
              SELECT 1 FROM {{s}}.people_trustedrelationship r
              WHERE r.person_id = pid AND r.trusted_person_id = {{s}}.petal_reader()
                AND r.starts_on <= {{s}}.petal_today()
                AND (r.ends_on IS NULL OR r.ends_on > {{s}}.petal_today()))
            OR EXISTS (
              SELECT 1 FROM {{s}}.consent_consent c
              WHERE c.person_id = pid AND c.starts_on <= {{s}}.petal_today()
                AND c.ends_on >= {{s}}.petal_today() AND c.withdrawn_at IS NULL
                AND (c.grantee_user_id = {{s}}.petal_reader()
                     OR c.grantee_organisation_id IN (
                       SELECT m.organisation_id FROM {{s}}.accounts_membership m
                       WHERE m.user_id = {{s}}.petal_reader() AND m.role IN ({ROLES})
                         AND (m.ended_at IS NULL OR m.ended_at > {{s}}.petal_now()))
                     OR c.grantee_partnership_id IN (
                       SELECT m.partnership_id FROM {{s}}.accounts_membership m
                       WHERE m.user_id = {{s}}.petal_reader() AND m.role IN ({ROLES})
                         AND (m.ended_at IS NULL OR m.ended_at > {{s}}.petal_now()))))
            OR EXISTS (
              SELECT 1 FROM {{s}}.consent_breakglass g
              WHERE g.person_id = pid AND g.opened_by_id = {{s}}.petal_reader()
                AND g.opened_at <= {{s}}.petal_now() AND g.expires_at > {{s}}.petal_now()
                AND g.closed_at IS NULL)
            OR EXISTS (
              SELECT 1 FROM {{s}}.consent_ownaccess o
              WHERE o.person_id = pid AND o.user_id = {{s}}.petal_reader())
        END $$""",  # noqa: S608
]


def _policies(table: str, column: str) -> list[str]:
    # Django inserts with RETURNING, which the read policy must pass: the reader who created
    # the person's record reads its rows too (the application decides what they may see).
    if table == "people_person":
        visible = "(created_by_id = petal_reader() OR petal_person_visible(id))"
    else:
        visible = (
            f"(petal_person_visible({column}) OR EXISTS (SELECT 1 FROM people_person p"  # noqa: S608
            f" WHERE p.id = {column} AND p.created_by_id = petal_reader())"
        )
        # And the rows the reader wrote (a trusted person stepping back writes the history of
        # it after their relationship has ended).
        if table in AUTHORS:
            visible += f" OR {AUTHORS[table]} = petal_reader()"
        visible += ")"
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY petal_read ON {table} FOR SELECT USING {visible}",
        f"CREATE POLICY petal_add ON {table} FOR INSERT WITH CHECK (true)",
        f"CREATE POLICY petal_change ON {table} FOR UPDATE USING {visible} WITH CHECK (true)",
        f"CREATE POLICY petal_remove ON {table} FOR DELETE USING {visible}",
    ]


def _undo(table: str) -> list[str]:
    return [
        *(
            f"DROP POLICY IF EXISTS {name} ON {table}"
            for name in ("petal_read", "petal_add", "petal_change", "petal_remove")
        ),
        f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY",
    ]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (schema,) = cursor.fetchone()
    for sql in FUNCTIONS:
        schema_editor.execute(sql.replace("{s}", schema))
    for table, column in TABLES.items():
        for sql in _policies(table, column):
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for sql in _undo(table):
            schema_editor.execute(sql)
    for name in ("petal_person_visible(bigint)", "petal_now()", "petal_today()", "petal_reader()"):
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("consent", "0001_initial"),
        ("accounts", "0007_email_pending"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
