"""Start-up of a mail worker process (spawned, so it begins empty): Django first, then the sync modules it runs.

Kept free of Django imports itself, because the worker unpickles this function before Django is set up.
"""

import gc

# A parse worker allocates a few hundred thousand short-lived objects per batch. With Python's default threshold
# (700) the collector ran thousands of times per batch and took 10-15% of the worker's CPU (measured with perf over
# the bench) while finding almost nothing: parsed messages are freed by reference counting.
WORKER_GC_THRESHOLD = 50_000


def django_setup() -> None:
    import django

    django.setup()
    # What start-up made lives as long as the process: never scanned again by a collection.
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(WORKER_GC_THRESHOLD, middle, oldest)
