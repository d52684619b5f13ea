"""Omnichannel retail warehouse: generator, quality checks, publish and CLI."""
