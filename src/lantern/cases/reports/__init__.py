"""Tip reports: from a case to an agency, through review, approval and a secure delivery.

``actions`` holds every change, ``queries`` every read, ``content`` what the agency is shown,
``pdf`` the printable copy and ``config`` the hotline's override reasons and link lifetime.
"""
