"""Helpers for tests that other apps' tests share (not imported by application code)."""

from __future__ import annotations

from django.apps import apps as global_apps
from django.db import connection
from django.db.migrations import RunPython
from django.db.migrations.loader import MigrationLoader


def reference_data_loaders():
    """The `load` functions of Petal's data migrations, in migration order.

    Convention: a data migration that loads reference data names its forward function `load`
    and writes with update_or_create/get_or_create, so it can run again safely.
    """
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    plan = loader.graph.leaf_nodes()
    ordered = []
    seen = set()
    for leaf in plan:
        for key in loader.graph.forwards_plan(leaf):
            if key in seen:
                continue
            seen.add(key)
            migration = loader.graph.nodes[key]
            if not migration.__module__.startswith("petal."):
                continue
            for operation in migration.operations:
                if isinstance(operation, RunPython) and operation.code.__name__ == "load":
                    ordered.append(operation.code)
    return ordered


def reload_reference_data() -> None:
    """Put back what the data migrations load, after a transactional test flushed it."""
    for load in reference_data_loaders():
        load(global_apps, None)
