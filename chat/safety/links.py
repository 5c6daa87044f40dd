"""Links in message text: any host other than the site's own, and look-alikes of names scammers borrow."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings

# A URL with a scheme, or a bare host name ending in a TLD that scammers' links use, optionally with a
# path. The two-letter country codes are listed one by one: "condition.It" or "great.so" is a missing
# space, not a link.
_TLDS = (
    r"com|net|org|info|biz|xyz|top|site|online|shop|store|app|link|click|pro|club|live|space|website|"
    r"icu|buzz|fun|gle|ru|su|ly|gd|gl|cc|io|co|kz|by|ua|uk|de|рф"
)
URL = re.compile(
    r"(?:https?://[^\s<>\"']+)"
    rf"|(?<![@\w.\-])(?:[a-z0-9][a-z0-9\-]*\.)*[a-z0-9][a-z0-9\-]*[a-z0-9]\.(?:{_TLDS})\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
# Names a look-alike host borrows: the marketplace's, couriers', banks' and payment services'.
BRANDS = (
    "avito", "ozon", "yula", "wildberries", "sber", "tinkoff", "vtb", "alfabank", "gosuslugi", "cdek",
    "boxberry", "pochta", "dostavista", "dhl", "fedex", "ups", "usps", "paypal", "chase", "wellsfargo",
    "craigslist", "facebook", "marketplace", "safedeal", "sdelka", "escrow",
)  # fmt: skip
# Known short-link services: the real destination is hidden.
SHORTENERS = {
    "bit.ly", "tinyurl.com", "cutt.ly", "is.gd", "goo.gl", "goo.su", "clck.ru", "vk.cc", "rebrand.ly",
    "t.co", "ow.ly", "forms.gle", "tiny.cc", "u.to",
}  # fmt: skip
# Hosts that are messengers (reported as contact, not as a link) or too common in ordinary text to be
# a link ("e.g"): never reported as a link.
NOT_LINKS = {"t.me", "wa.me"}
_LOOKALIKE = str.maketrans({"0": "o", "1": "l", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a"})


def _host(found: str) -> str:
    if "://" not in found:
        found = "http://" + found
    return (urlsplit(found).hostname or "").lower().removeprefix("www.")


def own_hosts() -> set[str]:
    """Return the site's own host names (MARKETPLACE_SITE_URL and ALLOWED_HOSTS), read at call time."""
    hosts = {_host(settings.MARKETPLACE_SITE_URL)}
    hosts.update(host.lstrip(".").lower() for host in settings.ALLOWED_HOSTS if host != "*")
    return hosts


def foreign_hosts(text: str) -> list[str]:
    """Return the hosts of the links in *text* that are not the site's own (nor messenger links)."""
    own = own_hosts()
    hosts = []
    for match in URL.finditer(text):
        host = _host(match.group().rstrip(".,;:!?)"))
        if not host or host in NOT_LINKS or host in own or any(host.endswith("." + name) for name in own):
            continue
        hosts.append(host)
    return hosts


def lookalike(host: str) -> bool:
    """Return True if *host* is a short link or borrows a brand's name (digits for letters, "rn" for "m",
    dashes) without being that brand's plain domain."""
    if host in SHORTENERS:
        return True
    normal = host.translate(_LOOKALIKE).replace("rn", "m").replace("-", "")
    labels = host.split(".")
    plain = len(labels) == 2 and labels[0] in BRANDS
    return not plain and any(brand in normal for brand in BRANDS)
