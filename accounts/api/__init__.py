"""The accounts app's JSON API (/api/v1/): device tokens (log in, log out, devices), the confirmation link,
blocks. Mounted by ``accounts.api.urls``."""
