"""Form errors follow the GOV.UK error summary pattern and are tied to their fields."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def ids_described_by(html, field_id):
    tag = re.search(rf'<input[^>]*id="{field_id}"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in tag
    return re.search(r'aria-describedby="([^"]+)"', tag).group(1).split()


def test_failed_login_lists_each_field_error_linking_to_its_field(client):
    html = client.post(reverse("accounts:login"), {}).content.decode()

    summary = re.search(r'data-testid="error-summary".*?</div>\s*</div>', html, re.S).group(0)
    assert 'href="#id_username"' in summary
    assert 'href="#id_password"' in summary
    assert 'href="#id_captcha_1"' in summary
    assert 'tabindex="-1"' in html.split('data-testid="error-summary"')[0].rsplit("<div", 1)[1]


@pytest.mark.parametrize("field_id", ["id_username", "id_password", "id_captcha_1"])
def test_every_invalid_login_field_points_at_a_message_that_exists(client, field_id):
    html = client.post(reverse("accounts:login"), {}).content.decode()

    for described_by in ids_described_by(html, field_id):
        assert f'id="{described_by}"' in html
