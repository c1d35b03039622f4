"""The composition root: the ``tutor`` command, the Celery app and its tasks, the API's wiring and the
embedded services. Every service the API, the worker and the CLI use is built here, from settings; no
other package imports this one (see tests/unit/test_layering.py)."""
