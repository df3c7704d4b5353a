"""Importers for real datasets: AMASS poses, PoseScript captions and BABEL action labels, aligned into triplets."""
