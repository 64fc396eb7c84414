"""Pages of a consultation: key points, their supports, themes, and the principles they shaped (SPEC §16)."""
