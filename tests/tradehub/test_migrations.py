"""Migrations stay reviewable: one head, and they describe exactly the models."""

import importlib
import pkgutil

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from tradehub.config import BASE_DIR

PACKAGES = ("tradehub", "search_index", "supplier_profiles", "marketplaces")


def _script() -> ScriptDirectory:
    config = Config(str(BASE_DIR / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(BASE_DIR / "migrations"))
    return ScriptDirectory.from_config(config)


def test_migrations_have_a_single_head():
    heads = _script().get_heads()
    assert len(heads) == 1, f"several migration heads, merge them: {heads}"


def test_every_migration_has_a_descriptive_message():
    for revision in _script().walk_revisions():
        assert revision.doc and len(revision.doc) >= 8, revision.revision


def _import_every_models_module() -> None:
    # Only imported models are in the metadata: load them all so none is missed.
    for package_name in PACKAGES:
        package = importlib.import_module(package_name)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            if module.name.rsplit(".", 1)[-1] == "models":
                importlib.import_module(module.name)


def test_migrated_schema_matches_the_models(db):
    _import_every_models_module()
    # The test database was built by `flask db upgrade`; the models must need no new migration.
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations differ; run `flask db migrate`: {diff}"
