"""Initiatives, their participants and milestones, and the council resolutions on them."""
