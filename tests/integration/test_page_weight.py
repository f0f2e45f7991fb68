"""Every page of the journey, with its CSS and JavaScript, stays within 56 KB uncompressed."""

from __future__ import annotations

import importlib.util

from scan.config import PROJECT_ROOT


def _page_weight_module():
    spec = importlib.util.spec_from_file_location(
        "page_weight", PROJECT_ROOT / "bench" / "page_weight.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_journey_page_is_within_the_budget(app, client):
    page_weight = _page_weight_module()
    rows = page_weight.journey_weights(client, app)
    assert len(rows) >= 10
    for name, html, assets in rows:
        assert html > 1000 and assets > 5000, name  # really measured
        assert html + assets <= page_weight.BUDGET, (name, html + assets)
