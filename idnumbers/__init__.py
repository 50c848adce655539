"""Rules for Vietnamese personal identity numbers and names, shared by every organisation.

Pure functions with no Django imports: the portal, the population database and the VNeID
provider all apply the same published rules (SPEC §4) without importing each other.
"""
