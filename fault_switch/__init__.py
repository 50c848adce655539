"""The sandbox's fault switch, shared by every simulated system that can be made to fail.

Organisation-neutral: Django only. Each system (the population database, VNeID) keeps its own
switch row in its own table, so switching one never touches the other.
"""
