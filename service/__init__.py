"""The Pathways search API and web pages."""
