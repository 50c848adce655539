"""Helpers for tests that drive the officials' admin."""


def search_list(client, url, term):
    """Search an admin list the way its search box does: post the term, follow the redirect."""
    return client.post(url, {"q": term, "_number_search": "1"}, follow=True)
