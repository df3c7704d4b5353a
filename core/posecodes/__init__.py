"""Posecodes: a PoseScript-style pose-to-text captioner (and the named body points it shares with posespec)."""
