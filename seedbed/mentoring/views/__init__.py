"""Mentoring pages, one module per area (programmes, pairs)."""
