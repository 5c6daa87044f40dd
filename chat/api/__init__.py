"""The chat's JSON API (/api/v1/): the same services and selectors as the pages, shaped as JSON."""
