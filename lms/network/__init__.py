"""A national network on PostgreSQL logical replication.

Each facility keeps its own database and serves with no link to headquarters. It publishes the
rows it made (learners, their progress, answers, events, plans, certificates, the audit log,
kiosks); headquarters subscribes to every facility and publishes the courses, to which every
facility subscribes. Rows never collide because each facility numbers them in its own range of
ids (``ranges``), and each row is published by exactly one database: the one whose range holds
its id.
"""

from flask import Blueprint

bp = Blueprint("network", __name__, url_prefix="/admin/network", template_folder="templates")

from . import views  # noqa: E402,F401  (routes attach to bp)
