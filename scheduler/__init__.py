"""rj-scheduler: scheduling and facilitator allocation for restorative-justice services."""

__version__ = "0.1.0"
