import click
from flask.cli import AppGroup
from flask_migrate import upgrade

from blueprints.certificates.issuing import signing_folder
from blueprints.labs.models import Lab
from demo.loader import load_demo
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
    if demo and db.session.scalar(db.select(Lab.id).limit(1)) is None:
        click.echo(f"First start, demo data loaded: {load_demo()}")
