"""Repeatable performance runs: ours and a baseline side by side, reported as ratios."""
