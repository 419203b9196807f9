from flask import render_template
from flask_login import current_user, login_required

from blueprints.tasks import bp
from blueprints.tasks.inbox import LIMIT, tasks_for


@bp.route("/tasks")
@login_required
def index():
    return render_template("tasks/index.html", lists=tasks_for(current_user), limit=LIMIT)
