"""Demo data for development and demonstrations: ``manage.py load_demo``."""
