"""Lesson 4: outliers, median against mean (which fit a few bad points move, and how many it takes to break each)."""
