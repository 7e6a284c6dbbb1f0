"""Council resolutions on initiatives, and their papers."""
