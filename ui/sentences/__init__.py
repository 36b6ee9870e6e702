"""Sentences about the run on screen, one module per page: pure functions from the run's numbers to text.

Each returns the words a page shows, with one branch per case the data can show; tests/ checks each
statement against the data it describes (hypothesis, across the page's control space). No st inside.
"""
