"""Caseload scoring: a folder or manifest of recordings analysed, resumable, with its outputs."""
