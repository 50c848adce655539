"""A citizen's browser without a browser: a requests.Session that follows redirects one by one.

Every request it makes is kept (`visited`), so a test can say which organisations the walk
crossed, and the pages that need the citizen (VNeID's login form, the service's chooser) are
filled the way a person would fill them.
"""

import re
from html import unescape
from urllib.parse import urljoin, urlsplit

import requests

TIMEOUT = 20
MAX_HOPS = 20
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.S | re.I)
ATTR = re.compile(r'(?P<name>[\w-]+)="(?P<value>[^"]*)"')
INPUT = re.compile(r"<(?:input|button)\b(?P<attrs>[^>]*)>", re.I)


def _attrs(text: str) -> dict[str, str]:
    return {m["name"].lower(): unescape(m["value"]) for m in ATTR.finditer(text)}


class Form:
    """One HTML form of a page: its action, method and the fields it would post."""

    def __init__(self, page_url: str, attrs: str, body: str) -> None:
        attributes = _attrs(attrs)
        self.action = urljoin(page_url, attributes.get("action") or page_url)
        self.method = attributes.get("method", "get").lower()
        self.body = body
        self.fields: dict[str, str] = {}
        self.buttons: list[dict[str, str]] = []
        for match in INPUT.finditer(body):
            field = _attrs(match["attrs"])
            kind = field.get("type", "text").lower()
            if match.group(0).lower().startswith("<button") or kind == "submit":
                self.buttons.append(field)
            elif "name" in field and kind not in {"checkbox", "radio"}:
                self.fields[field["name"]] = field.get("value", "")


def forms(response: requests.Response) -> list[Form]:
    """Return the forms of an HTML page."""
    return [Form(response.url, m["attrs"], m["body"]) for m in FORM.finditer(response.text)]


class Browser:
    """A cookie jar that walks redirect chains hop by hop and remembers every request."""

    def __init__(self) -> None:
        self.http = requests.Session()
        self.visited: list[tuple[str, str, int]] = []

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, url: str, **kwargs: object) -> requests.Response:
        response = self.http.request(method, url, allow_redirects=False, timeout=TIMEOUT, **kwargs)
        self.visited.append((method, url, response.status_code))
        return response

    def follow(self, response: requests.Response) -> requests.Response:
        """Follow redirects until a page answers (or nothing more to follow)."""
        for _ in range(MAX_HOPS):
            if response.status_code not in (301, 302, 303, 307, 308):
                return response
            response = self.request("GET", urljoin(response.url, response.headers["Location"]))
        raise AssertionError(f"more than {MAX_HOPS} redirects: {self.visited[-MAX_HOPS:]}")

    def get(self, url: str) -> requests.Response:
        return self.follow(self.request("GET", url))

    def submit(
        self,
        form: Form,
        values: dict[str, str] | None = None,
        *,
        button: dict[str, str] | None = None,
    ) -> requests.Response:
        """Post (or get) a form with its own fields, the values given and the button pressed."""
        data = {**form.fields, **(values or {})}
        if button and button.get("name"):
            data[button["name"]] = button.get("value", "")
        if form.method == "post":
            return self.follow(self.request("POST", form.action, data=data))
        return self.follow(self.request("GET", form.action, params=data))

    def forget_cookie(self, name: str) -> None:
        """Drop a cookie, as a browser does when it expires."""
        for cookie in [c for c in self.http.cookies if c.name == name]:
            self.http.cookies.clear(cookie.domain, cookie.path, cookie.name)

    def paths_since(self, start: int) -> list[str]:
        """Return the paths requested since the request numbered start, in order."""
        return [urlsplit(url).path for _method, url, _status in self.visited[start:]]


def vneid_login(
    browser: Browser, page: requests.Response, cccd: str, password: str
) -> requests.Response:
    """On VNeID's login page, type the personal ID number and password and press Đăng nhập."""
    assert "/vneid/authorize" in page.url, page.url
    (form,) = [f for f in forms(page) if "personal_id_number" in f.fields]
    return browser.submit(form, {"personal_id_number": cccd, "password": password})


def is_chooser(page: requests.Response) -> bool:
    return "/xacthuc/authenticationendpoint/login" in page.url


def choose_vneid(browser: Browser, page: requests.Response) -> requests.Response:
    """On the service's chooser, press "CÔNG DÂN – Tài khoản Định danh điện tử (VNeID)"."""
    assert is_chooser(page), page.url
    (form,) = [f for f in forms(page) if f.fields.get("method") == "vneid"]
    return browser.submit(form)


def link(page: requests.Response, test_id: str) -> str:
    """Return the absolute href of the page's link with this data-testid."""
    for match in re.finditer(r"<a\b(?P<attrs>[^>]*)>", page.text):
        attributes = _attrs(match["attrs"])
        if attributes.get("data-testid") == test_id:
            return urljoin(page.url, attributes["href"])
    raise AssertionError(f"no link {test_id!r} on {page.url}")


def choose_organisation(browser: Browser, page: requests.Response) -> requests.Response:
    """On the service's chooser, press "TỔ CHỨC – Tài khoản định danh điện tử tổ chức (VNeID)"."""
    assert is_chooser(page), page.url
    (form,) = [f for f in forms(page) if f.fields.get("method") == "organisation"]
    return browser.submit(form)


def choose_account(browser: Browser, page: requests.Response, sub: str) -> requests.Response:
    """On VNeID's "Chọn tài khoản đăng nhập", press the account whose choice is sub."""
    assert "Chọn tài khoản đăng nhập" in page.text, page.url
    (form,) = [f for f in forms(page) if any(b.get("name") == "account_choice" for b in f.buttons)]
    (button,) = [b for b in form.buttons if b.get("value") == sub]
    return browser.submit(form, button=button)
