"""Gait analysis built for backward walking: one module per question (see DESIGN.md)."""
