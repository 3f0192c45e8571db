"""The published transparency site (FORMATS.md §9): tiles, pages, publish, reading a site."""
