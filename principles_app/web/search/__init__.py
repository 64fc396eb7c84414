"""Search pages and the personal calendar feed."""
