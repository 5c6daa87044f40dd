"""The ads app's JSON API (/api/v1/): browsing ads and one ad. Mounted by ``ads.api.urls``."""
