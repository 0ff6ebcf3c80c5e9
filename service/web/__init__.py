"""The web pages' files: static assets served under ``/static`` and the report template.

Found beside this module so that an installed package (package data) serves the same files.
"""

from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
