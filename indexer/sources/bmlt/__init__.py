"""BMLT meeting lists: the semantic API JSON and the NAWS spreadsheet export."""
