"""Posecodes: a PoseScript-style pose-to-text captioner (and the named body points it shares with posespec).

joints -> posecodes (extract) -> statements (aggregate) -> chosen statements (select) -> text (text); parse reads
a text back into statements and checks it against a pose. Public API in ``core.posecodes.caption``.
"""
