"""Gunicorn settings read from the project root (gunicorn loads ./gunicorn.conf.py itself).

Command-line options still win; README "Production profile" has the command.
"""

import gc


def post_worker_init(worker) -> None:
    """Freeze what the worker built at start-up (content, templates, SQLAlchemy metadata).

    Python's full garbage collection otherwise walks those 130,000 objects every time it
    runs: a 60 ms pause in some request (bench/throughput.py's p99). Frozen objects are left
    out of every collection; what requests create is collected as before.
    """
    gc.collect()
    gc.freeze()
