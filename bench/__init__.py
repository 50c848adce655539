"""Benchmarks of the registry seeding, the registry API and the CCCD middleware (`make bench`)."""
