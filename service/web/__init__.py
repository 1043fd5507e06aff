"""The public search page, the shortlist and the partner embed: views, strings and assets.

templates/ and static/ are shipped as package data; nothing here loads anything from a
third-party host.
"""
