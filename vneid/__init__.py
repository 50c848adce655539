"""The simulated VNeID OpenID Connect provider of the Ministry of Public Security, at /vneid/.

It reads the population database directly (same ministry) and never imports the portal.
"""
