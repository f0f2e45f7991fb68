"""gunicorn.conf.py: each worker freezes its start-up objects out of the garbage collector."""

from __future__ import annotations

import gc
import runpy

from scan.config import PROJECT_ROOT


def test_a_worker_freezes_what_it_built_at_start_up():
    settings = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    made_at_start_up = [{"n": n} for n in range(1000)]
    assert gc.get_freeze_count() == 0
    try:
        settings["post_worker_init"](worker=None)
        assert gc.get_freeze_count() >= len(made_at_start_up)
    finally:
        gc.unfreeze()
