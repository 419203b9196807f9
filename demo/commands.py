import click
from flask.cli import AppGroup
from flask_migrate import upgrade

from blueprints.catalogue.method_links import link_all
from blueprints.certificates.issuing import signing_folder
from blueprints.labs.models import Lab
from demo.loader import load_demo
from demo.standards_generator import load as load_generated
from extensions import db

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("load")
def demo_load():
    """Load the demo catalogue and accounts (skips what already exists)."""

    click.echo(f"Demo data: {load_demo()}")


@click.command("setup")
@click.option("--demo", is_flag=True,
              help="Load the demo catalogue and accounts into an empty database.")
def setup_command(demo: bool):
    """Create or upgrade the database (and, with --demo, load demo data on first start).
    Deployments run it without --demo: the demo accounts' password is public."""

    upgrade()
    signing_folder()  # the demo signing pair, unless the deployment supplied one
    # Services' method standards as links to the catalogue (migration 0021 keeps the
    # free text; the parser reads it here, and the worker again after each import).
    if link_all():
        db.session.commit()
    if demo and db.session.scalar(db.select(Lab.id).limit(1)) is None:
        click.echo(f"First start, demo data loaded: {load_demo()}")


@demo_cli.command("standards")
@click.option("--count", default=76_000, show_default=True,
              help="How many generated standards (editions) to add.")
@click.option("--seed", default=2026, show_default=True,
              help="The same seed gives the same catalogue.")
def demo_standards(count: int, seed: int):
    """Add a generated catalogue of standards (titles marked 【生成】), for benches and a
    big demo; numbers already in the catalogue are skipped."""

    made, seconds = load_generated(count, seed)
    click.echo(f"Standards: +{made} generated in {seconds:.1f} s")
