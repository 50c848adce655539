"""Identity: the simulated VNeID provider and the portal's relying party, kept apart."""
