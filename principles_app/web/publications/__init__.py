"""Public pages of published principles, exports, the feed; publishing and the meeting pack."""
