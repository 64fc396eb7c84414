"""Voices: who wrote which words, who took part, the quiet members and fair deadlines."""
