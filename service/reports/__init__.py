"""Physiotherapist reports (HTML and PDF) and the plots they share with the pages."""
