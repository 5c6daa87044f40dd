#!/usr/bin/env python
"""Drive a running site as a user would under a fault: log in, open the list and a conversation, post the same
composer form twice, poll; print each status, the count of 5xx, and how many messages the two posts stored.

    CACHE_URL=redis://127.0.0.1:1/0 .venv/bin/python manage.py runserver 127.0.0.1:8931 --noreload &
    .venv/bin/python bench/fault_check.py http://127.0.0.1:8931

Needs the demo data (``manage.py load_demo``: buyer@example.com / marketplace-demo). Uses only the standard
library, so it also runs against an older checkout. Redirects are not followed (a 302 is reported as such).
"""

import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def main(base: str) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

    def request(method, path, data=None, headers=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"Referer": base + "/", **(headers or {})}
        try:
            response = opener.open(
                urllib.request.Request(base + path, data=body, method=method, headers=headers)
            )
            return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def csrf():
        return next(cookie.value for cookie in jar if cookie.name == "csrftoken")

    statuses = []
    status, page = request("GET", "/accounts/login/")
    statuses.append(("login page", status))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    credentials = {
        "username": "buyer@example.com",
        "password": "marketplace-demo",
        "csrfmiddlewaretoken": token,
    }
    statuses.append(("login", request("POST", "/accounts/login/", credentials)[0]))
    status, page = request("GET", "/chat/")
    statuses.append(("chat list", status))
    found = re.search(r'href="/chat/([0-9A-Za-z]{10})/"', page)
    if found:
        conversation = found.group(1)
        status, page = request("GET", f"/chat/{conversation}/")
        statuses.append(("conversation", status))
        keys = re.findall(r'name="idempotency_key" value="([^"]+)"', page)
        text = f"fault check {uuid.uuid4().hex[:8]}"
        form = {
            "body": text,
            "after": "0",
            "csrfmiddlewaretoken": csrf(),
            **({"idempotency_key": keys[-1]} if keys else {}),
        }
        for n in (1, 2):
            statuses.append(
                (f"send {n}", request("POST", f"/chat/{conversation}/send/", form, {"HX-Request": "true"})[0])
            )
        htmx = {"HX-Request": "true"}
        statuses.append(
            ("poll", request("GET", f"/chat/{conversation}/poll/?token=x&after=0", headers=htmx)[0])
        )
        statuses.append(("list poll", request("GET", "/chat/poll/?token=x", headers=htmx)[0]))
        _, page = request("GET", f"/chat/{conversation}/")
        rows = page.split('<li class="message ')[1:]
        print(f"messages stored by the two sends: {sum(text in row.split('</li>')[0] for row in rows)}")
    statuses.append(("ads", request("GET", "/")[0]))
    print(statuses)
    print(f"5xx: {sum(status >= 500 for _, status in statuses)} of {len(statuses)}")


if __name__ == "__main__":
    main(sys.argv[1])
