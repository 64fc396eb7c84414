"""Voting pages: motions, ballots, participation and results."""
