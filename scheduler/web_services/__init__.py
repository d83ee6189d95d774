"""Service functions behind the web app: pure database work, no HTTP (keyword-only, caller commits)."""
