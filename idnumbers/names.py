"""Comparison of Vietnamese full names as the population database matches them."""

import unicodedata


def normalize_name(name: str | None) -> str:
    """Return a name for comparison: NFC, whitespace collapsed, casefolded.

    Diacritics are kept: "Nga" and "Ngà" are different people.
    """
    return " ".join(unicodedata.normalize("NFC", name or "").split()).casefold()


def display_name(name: str | None) -> str:
    """Return a name for storage and display: NFC with whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", name or "").split())


def names_match(left: str | None, right: str | None) -> bool:
    """Return whether two full names are the same name under the registry's rule."""
    return normalize_name(left) == normalize_name(right)


def initials(name: str | None) -> str:
    """Return up to two initials for an avatar: first and last word."""
    words = display_name(name).split()
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][0].upper()
    return (words[0][0] + words[-1][0]).upper()
