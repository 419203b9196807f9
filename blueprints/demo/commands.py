import click
from flask.cli import AppGroup
from flask_migrate import upgrade

from blueprints.labs.models import Lab
from extensions import db

demo_cli = AppGroup("demo", help="Demo data.")


@demo_cli.command("load")
def demo_load():
    """Load the demo catalogue and accounts (skips what already exists)."""
    from blueprints.demo.loader import load_demo

    click.echo(f"Demo data: {load_demo()}")


@click.command("setup")
def setup_command():
    """Create or upgrade the database, and load demo data into an empty one."""
    from blueprints.demo.loader import load_demo

    upgrade()
    if db.session.scalar(db.select(Lab.id).limit(1)) is None:
        click.echo(f"First start, demo data loaded: {load_demo()}")
