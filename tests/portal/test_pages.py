import re

import pytest
from django.db import DatabaseError
from django.urls import reverse

from tests.accounts.factories import UserFactory

NAV_LABELS = [
    "Giới thiệu",
    "Thông tin và dịch vụ",
    "Thanh toán trực tuyến",
    "Phản ánh kiến nghị",
    "Thủ tục hành chính",
    "Hỗ trợ",
]


@pytest.mark.django_db
def test_header_shows_portal_name_tagline_and_navigation(client):
    html = client.get("/").content.decode()
    assert "CỔNG DỊCH VỤ CÔNG QUỐC GIA" in html
    assert "Kết nối, cung cấp thông tin và dịch vụ công mọi lúc, mọi nơi" in html
    for label in NAV_LABELS:
        assert f">{label}</a>" in html


@pytest.mark.django_db
def test_every_internal_link_on_the_home_page_leads_to_a_real_page(client):
    html = client.get("/").content.decode()
    links = set(re.findall(r'href="(/[^"#]*)"', html)) - {"/static/"}
    assert len(links) >= 8
    for link in sorted(links):
        if link.startswith("/static/"):
            continue
        response = client.get(link, follow=True)
        assert response.status_code == 200, link


@pytest.mark.django_db
def test_header_shows_the_logged_in_persons_name(client):
    user = UserFactory(full_name="Tô Thị Nga", cccd_number="037190612345")
    client.force_login(user)
    assert "Tô Thị Nga" in client.get("/").content.decode()


@pytest.mark.django_db
def test_bootstrap_is_served_from_our_own_static_files(client):
    html = client.get("/").content.decode()
    assert "/static/bootstrap/css/bootstrap.min.css" in html
    assert "cdn" not in html.lower()


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get(reverse("portal:healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("portal.views.connection.cursor", broken_cursor)
    response = client.get(reverse("portal:healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_header_user_menu_holds_personal_info_and_a_logout_form(client, db):
    client.force_login(UserFactory(full_name="Tô Thị Nga", cccd_number="037190612345"))

    page = client.get("/").content.decode()

    header = page[page.index("<header") : page.index("</header>")]
    assert 'data-bs-toggle="dropdown"' in header
    assert "Tô Thị Nga</button>" in header
    menu = header[header.index('data-testid="user-menu"') :]
    assert '<a class="dropdown-item" href="/tai-khoan/">Thông tin cá nhân</a>' in menu
    assert '<form method="post" action="/dang-xuat/">' in menu
    assert '<button class="dropdown-item" type="submit">Đăng xuất</button>' in menu
    assert menu.index("Thông tin cá nhân") < menu.index("Đăng xuất")


def test_navigation_starts_with_a_home_icon_then_the_guide_entries(client, db):
    page = client.get("/gioi-thieu/").content.decode()

    nav = page[page.index('<nav class="portal-nav') :]
    entries = [
        'href="/" aria-label="Trang chủ"',
        ">Giới thiệu<",
        ">Thông tin và dịch vụ<",
        ">Thanh toán trực tuyến<",
        ">Phản ánh kiến nghị<",
        ">Thủ tục hành chính<",
        ">Hỗ trợ<",
    ]
    positions = [nav.index(entry) for entry in entries]
    assert positions == sorted(positions)
