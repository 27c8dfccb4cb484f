"""Lantern: an open-source platform for running an anti-trafficking hotline."""

__version__ = "0.1.0"
