"""The dashboard: a werkplaats's or the network's figures, as SVG charts and tables."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..db import get_session
from ..journey.charts import bar_chart
from ..loading import current_bank, current_catalogue
from ..models import utcnow
from ..werkplaatsen import all_werkplaatsen
from .dashboard import Period, rescan_statistics, statistics
from .impact import FORWARD_POINTS
from .inbox import NATIONAL, parse_filters
from .offer_figures import offer_figures
from .spreads import spread_context
from .web import init_blueprint, login_required, signed_in_user

bp = Blueprint("reports", __name__, url_prefix="/medewerkers")
init_blueprint(bp)

#: The inbox's filters that the re-scan figures take: a period and a partner.
RESCAN_FILTERS = ("van", "tot", "partner")


@bp.get("/cijfers")
@login_required
def dashboard():
    """Show the figures of the user's werkplaats; admins choose a werkplaats or the network."""
    user = signed_in_user()
    werkplaatsen = list(get_session().scalars(all_werkplaatsen()))
    error = None
    if user.is_admin:
        scope = request.args.get("werkplaats") or None
        if scope and scope != NATIONAL and scope not in {w.id for w in werkplaatsen}:
            error, scope = "Deze werkplaats bestaat niet; je ziet het hele netwerk.", None
    else:
        scope = user.werkplaats_id
    stats = statistics(get_session(), current_bank(), scope, utcnow())
    # The same checks and messages as the inbox's filters of these names.
    filters = parse_filters(request.args, user, {w.id for w in werkplaatsen})
    rescan_errors = {k: m for k, m in filters.errors.items() if k in RESCAN_FILTERS}
    period = Period(filters.date_from, filters.date_to)
    rescans = rescan_statistics(
        get_session(), current_bank(), scope, filters.partner or None, period
    )
    names = {w.id: w.name for w in werkplaatsen} | {NATIONAL: "Landelijke wachtrij"}
    return render_template(
        "staff/dashboard.html",
        stats=stats,
        scope=scope,
        scope_name=names.get(scope, "het hele netwerk") if scope else "het hele netwerk",
        werkplaatsen=werkplaatsen,
        national=NATIONAL,
        error=error,
        theme_chart=bar_chart(stats.theme_averages),
        status_chart=bar_chart(stats.per_status, max([c for _, c in stats.per_status] + [1])),
        week_chart=bar_chart(
            [(label, scans) for label, scans, _ in stats.weeks],
            max([s for _, s, _ in stats.weeks] + [1]),
        ),
        rescans=rescans,
        **spread_context(get_session(), current_bank(), scope),  # bedrijven zoals jij (issue 18)
        offer=offer_figures(get_session(), scope, current_catalogue(), utcnow()),  # issue 20
        rescan_filters=filters,
        rescan_errors=rescan_errors,
        forward_points=FORWARD_POINTS,
        theme_titles={theme.id: theme.title for theme in current_bank().themes},
        advice_titles={item.id: item.title for item in current_catalogue().items},
    ), (400 if error or rescan_errors else 200)
