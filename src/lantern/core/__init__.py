"""Vocabularies and validators shared by every app (no models, no Django app)."""
