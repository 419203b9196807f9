from flask import Blueprint, render_template
from flask_login import current_user, login_required

from blueprints.clinic.profile import my_expert_profile
from blueprints.tasks.inbox import LIMIT, tasks_for

bp = Blueprint("tasks", __name__)


@bp.route("/tasks")
@login_required
def index():
    return render_template("tasks/index.html",
                           lists=tasks_for(current_user, my_expert_profile()), limit=LIMIT)
