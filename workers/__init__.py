"""Celery worker entry points: the app (`workers.app`) and its thin tasks (`workers.tasks`)."""
