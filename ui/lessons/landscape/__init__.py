"""Lesson 5: the (w, b) landscape (creases, zig-zags, momentum, Adam and Polyak's step)."""
