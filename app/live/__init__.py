"""The live layer: broadcast backends, connections, and rendering frames once per view."""
