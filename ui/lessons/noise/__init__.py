"""Lesson 3: noise and learning rate (constant against decaying steps on noisy data; where the post's claim holds)."""
