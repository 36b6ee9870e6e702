"""Lesson 2: the signed-L1 failure (the blog post's broken experiment, and why its weight never stops)."""
