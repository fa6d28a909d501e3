"""Palabra: runs the floor of a live consultation."""
