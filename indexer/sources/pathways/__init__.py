"""Pathways' own seed files."""
