"""Report pages: the facility dashboard and the headquarters view."""

from __future__ import annotations

from flask import Response, current_app, render_template, request, stream_with_context
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..accounts.access import admin_required, officer_required
from ..accounts.models import Facility
from ..audit.services import record as audit
from ..extensions import db
from ..i18n import current_language
from ..staff.filters import choices, from_args
from ..staff.lookup import learner_or_404
from ..staff.record import build as build_record
from . import bp, charts, dashboard, exports, headquarters, xapi


def _dashboard_charts(data: dashboard.Dashboard) -> dict:
    lang = current_language()
    activity = [
        charts.Column(
            format_date(day, "d MMM") if i % 7 == 0 else "", learners,
            " · ".join((format_date(day, "EEE d MMM"),
                        ngettext("%(num)d learner", "%(num)d learners", learners),
                        ngettext("%(num)d action", "%(num)d actions", events))))
        for i, (day, learners, events) in enumerate(data.activity)]
    courses = [charts.Bar(row.course.title(lang),
                          row.completed / row.planned if row.planned else 0.0,
                          _("%(done)d of %(total)d", done=row.completed, total=row.planned))
               for row in data.courses]
    units = [charts.Bar(row.name or _("No unit"), row.share,
                        ngettext("%(num)d learner", "%(num)d learners", row.learners))
             for row in data.units]
    return {
        "activity": charts.columns(activity, _("Learners who studied, per day")),
        "courses": charts.bars(courses, _("Completion per course")),
        "units": charts.bars(units, _("Progress per unit")),
    }


@bp.get("/")
@officer_required
def dashboard_page():
    filters = from_args(current_user, request.args)
    stalled = min(max(request.args.get("stalled", dashboard.STALLED_DAYS, type=int) or 1, 1), 365)
    options = choices(current_user, filters)
    data = dashboard.build(current_user, filters, options["courses"], options["units"], stalled)
    facility = db.session.get(Facility, filters.facility_id) if filters.facility_id else None
    return render_template("reports/dashboard.html", data=data, filters=filters,
                           options=options, charts=_dashboard_charts(data), facility=facility)


@bp.get("/headquarters")
@admin_required
def headquarters_page():
    rows = headquarters.overview(current_user)
    return render_template("reports/headquarters.html", rows=rows,
                           chart=charts.bars([charts.Bar(r.facility.name, r.share, _(
                               "%(done)d of %(total)d", done=r.planned_done,
                               total=r.planned_lessons)) for r in rows],
                               _("Progress of plans per facility")))


@bp.get("/exports")
@officer_required
def exports_page():
    filters = from_args(current_user, request.args)
    return render_template("reports/exports.html", filters=filters,
                           options=choices(current_user, filters))


def _export_audit(action: str, filters, **details) -> None:
    audit(current_user, action, facility_id=filters.facility_id, ip=request.remote_addr,
          unit=filters.unit_id, course=filters.course_id,
          start=filters.start.isoformat() if filters.start else None,
          end=filters.end.isoformat() if filters.end else None, **details)


@bp.get("/exports/progress.csv")
@officer_required
def progress_csv():
    filters = from_args(current_user, request.args)
    text, count = exports.progress_csv(current_user, filters, current_language())
    _export_audit("export.progress_csv", filters, rows=count)
    db.session.commit()
    name = f"progress-{clock.now().date().isoformat()}.csv"
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/exports/xapi.json")
@officer_required
def xapi_json():
    filters = from_args(current_user, request.args)
    learner_id = request.args.get("learner", type=int)
    if learner_id is not None:
        learner_or_404(learner_id)
    _export_audit("export.xapi", filters, learner=learner_id)
    db.session.commit()
    items = xapi.statements(current_user, filters, current_app.config["XAPI_BASE_URL"],
                            learner_id)
    name = f"xapi-{clock.now().date().isoformat()}.json"
    return Response(stream_with_context(xapi.json_lines(items)), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/learners/<int:learner_id>/summary")
@officer_required
def learner_summary(learner_id: int):
    """A printable summary of a learner's learning, for case reviews (no answers)."""
    learner = learner_or_404(learner_id)
    audit(current_user, "learner.summary", subject=learner, ip=request.remote_addr)
    db.session.commit()
    lang = current_language()
    return render_template("reports/summary.html", learner=learner, lang=lang,
                           record=build_record(learner, lang), printed_at=clock.now())
