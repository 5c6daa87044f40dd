"""URL path converters."""


class PublicIdConverter:
    """A public id (``marketplace.ids``): 10 characters of the nanoid alphabet. Anything else (a NUL byte,
    a typo, a longer string) is a 404 from the resolver, before any view or query runs."""

    regex = "[0-9A-Za-z_-]{10}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
