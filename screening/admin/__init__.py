"""Admin registrations for screening models (none yet)."""
