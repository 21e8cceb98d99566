"""The sign-in page sends visitors back only to this site (issue 11, item 8: open redirect).

The server checks `next` with Django's url_has_allowed_host_and_scheme and renders the checked
value into <main data-next>; login.js uses only that, never the address bar.
"""
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

LOGIN_JS = Path(__file__).resolve().parents[2] / "frontend" / "static" / "frontend" / "js" / "login.js"

OFF_SITE = [  # as they appear in the address (already percent-encoded)
    "/%5C127.0.0.1:8399/a",  # /\host: browsers read the backslash as a slash
    "/%09/127.0.0.1:8399/a",  # tab, newline and carriage return are dropped by browsers: //host
    "/%0A/127.0.0.1:8399/a",
    "/%0D/127.0.0.1:8399/a",
    "/%5C%5C127.0.0.1:8399/a",
    "%5C%5C127.0.0.1:8399/a",
    "//127.0.0.1:8399/a",
    "///127.0.0.1:8399/a",
    "https://evil.example/a",
    "http:evil.example",
    "javascript:alert(1)",
    "%09//evil.example",
    "/%E2%80%8B/evil.example",  # a format character (zero-width space)
]
ON_SITE = ["/projects/3", "/projects/3/?tab=data#results", "/findings/", "/"]


class Main(HTMLParser):
    def __init__(self):
        super().__init__()
        self.attrs = None

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.attrs = dict(attrs)


def next_on_page(response) -> str:
    assert response.status_code == 200
    parser = Main()
    parser.feed(response.content.decode())
    return parser.attrs["data-next"]


@pytest.fixture
def signed_in(client, db):
    client.force_login(get_user_model().objects.create_user("reader", password="pw"))
    return client


@pytest.mark.parametrize("target", OFF_SITE)
def test_an_off_site_next_becomes_the_home_page(client, db, target):
    # given a sign-in link whose next points off the site; when the page is opened
    # then the page hands its script "/" to go to after signing in
    assert next_on_page(client.get(f"/login/?next={target}")) == "/"


@pytest.mark.parametrize("target", OFF_SITE)
def test_a_signed_in_visitor_is_not_sent_off_site_either(signed_in, target):
    # given someone already signed in (the script moves them on without a click)
    assert next_on_page(signed_in.get(f"/login/?next={target}")) == "/"


@pytest.mark.parametrize("target", ON_SITE)
def test_a_page_on_this_site_is_kept(client, db, target):
    from urllib.parse import quote

    assert next_on_page(client.get(f"/login/?next={quote(target)}")) == target


def test_no_next_means_the_home_page(client, db):
    assert next_on_page(client.get("/login/")) == "/"


def test_a_full_address_of_this_site_must_match_the_scheme_of_a_secure_request(client, db):
    # over HTTPS, a plain-http address of this very host is refused (it would downgrade)
    assert next_on_page(client.get("/login/?next=http://testserver/projects/3", secure=True)) == "/"
    assert next_on_page(client.get("/login/?next=https://testserver/projects/3", secure=True)) == \
        "https://testserver/projects/3"


def test_the_value_is_escaped_into_the_page(client, db):
    # a quote cannot break out of the attribute
    html = client.get('/login/?next=/a%22%20onmouseover=%22x').content.decode()
    assert 'data-next="/a&quot; onmouseover=&quot;x"' in html


def test_the_script_reads_where_to_go_from_the_page_not_the_address_bar():
    # given the sign-in module; then it never reads next from the address itself
    source = LOGIN_JS.read_text()
    assert "location.search" not in source and "URLSearchParams" not in source
    assert "dataset.next" in source
