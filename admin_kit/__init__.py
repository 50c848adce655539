"""Admin helpers shared by every organisation's officials' pages.

Organisation-neutral: only Django and the published number rules (`idnumbers`), never an
organisation's app, so the portal's accounts, the population database and VNeID can each use
them without importing each other. The templates they render live in the project's
templates/admin/.
"""
