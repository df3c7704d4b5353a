"""CoT-Pose Studio core: SMPL pose type, kinematics, body models, export and rendering."""
