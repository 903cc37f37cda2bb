"""How each field is fetched: plain functions returning rows, and DataLoaders declared once per relationship."""
