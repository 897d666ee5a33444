"""Start-up of a mail worker process (spawned, so it begins empty): Django first, then the sync modules it runs.

Kept free of Django imports itself, because the worker unpickles this function before Django is set up.
"""


def django_setup() -> None:
    import django

    django.setup()
