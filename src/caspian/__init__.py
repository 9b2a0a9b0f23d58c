"""Caspian: a newsroom publishing platform."""
