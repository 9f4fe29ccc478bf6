"""Exports of what a viewer may see: statements now; resolver and convergence later."""
