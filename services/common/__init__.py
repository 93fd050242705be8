"""Shared library of the grassroots services: contracts, persistence, messaging, web."""
