"""The VNeID login page works under the Content-Security-Policy: no inline code."""

from tests.portal.test_csp import assert_no_inline_code

from .flows import authorize_params, authorize_url


def test_login_page_sends_the_policy_and_carries_no_inline_code(client, nga, rp, pkce):
    response = client.get(authorize_url(authorize_params(rp, pkce)))

    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert_no_inline_code(response.content.decode())
