"""Deployment: the HAProxy hall (hall.py), its config, the Dockerfile and the Kubernetes example."""
