"""My support plan: a person's answers -> several searches -> a plan in sections.

Pure parts (answers, sections, choosing, reasons) apart from the one part that searches
(`assemble.py`), which calls `run_search` like every other surface.
"""
